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

// Expectation is a mutation announced to the writer before it is sent:
// from the moment a batch of commands arrives, say, before any of them
// has run its checks.
type Expectation struct{ e *expectation }

// Announce tells the writer that a mutation is on its way. Its Apply's
// context must carry it (Context), and Done must be called once the
// mutation is applied or will not be (it may be called more than once).
func (l *Ledger) Announce() Expectation {
	l.incoming.Add(1)
	return Expectation{e: &expectation{l: l}}
}

// Context returns ctx carrying the expectation, so that its Apply counts
// as its arrival.
func (x Expectation) Context(ctx context.Context) context.Context {
	if x.e == nil {
		return ctx
	}
	return context.WithValue(ctx, expectKey{}, x.e)
}

// Done marks the expected mutation as arrived or given up.
func (x Expectation) Done() {
	if x.e != nil {
		x.e.arrived()
	}
}

// Expect is Announce for a caller about to apply: it returns ctx carrying
// the expectation, and its Done. A ctx that carries one already (its
// command was announced when it arrived) is returned as it is.
func (l *Ledger) Expect(ctx context.Context) (_ context.Context, done func()) {
	if e, ok := ctx.Value(expectKey{}).(*expectation); ok {
		return ctx, e.arrived
	}
	x := l.Announce()
	return x.Context(ctx), x.Done
}

// arrive marks ctx's expected mutation as queued (or given up).
func arrive(ctx context.Context) {
	if e, ok := ctx.Value(expectKey{}).(*expectation); ok {
		e.arrived()
	}
}
