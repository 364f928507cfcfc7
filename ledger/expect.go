package ledger

import (
	"context"
	"sync"
)

// A burst of commands from different owners released at once reaches the
// writer one by one: the first finds it idle and would commit alone, the
// rest together after it. A caller that is about to send a mutation says
// so first (Expect); while any are on their way, the writer holds a group
// for up to FollowWait for the next, so the burst is one commit. A single
// command, with nothing else on its way, is committed at once.

type expectKey struct{}

// expectation is one mutation announced to the writer and not yet queued.
type expectation struct {
	once sync.Once
	l    *Ledger
}

func (e *expectation) arrived() { e.once.Do(func() { e.l.incoming.Add(-1) }) }

// Expect tells the writer that a mutation is on its way: ctx's Apply
// counts as its arrival. The caller calls done once it has applied or
// will not (done may be called more than once, and after Apply).
func (l *Ledger) Expect(ctx context.Context) (_ context.Context, done func()) {
	l.incoming.Add(1)
	e := &expectation{l: l}
	return context.WithValue(ctx, expectKey{}, e), e.arrived
}

// arrive marks ctx's expected mutation as queued (or given up).
func arrive(ctx context.Context) {
	if e, ok := ctx.Value(expectKey{}).(*expectation); ok {
		e.arrived()
	}
}
