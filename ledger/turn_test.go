package ledger_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// watchedCtx tells when Apply first looks at it: the call has begun and
// is waiting for its turn (or, were it not to wait, queuing).
type watchedCtx struct {
	context.Context
	once    sync.Once
	watched chan struct{}
}

func (c *watchedCtx) Done() <-chan struct{} {
	c.once.Do(func() { close(c.watched) })
	return c.Context.Done()
}

// A mutation with a turn waits to be queued until the one ahead of it is,
// however early it was called: the two share the next commit in the
// caller's order, and each tells its successor once it is queued.
func TestTurnQueuesInTheCallersOrder(t *testing.T) {
	l, _, entered, release := holdingFirstCommit(t)
	warm := applyAsync(l, taskMutation("$w", "6_1_1_9"))
	<-entered // the writer is busy: what is queued now shares the next group

	aQueued, bQueued := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	queuedOnce := func(ch chan struct{}) func() {
		return func() { calls.Add(1); close(ch) }
	}
	// B is called first, but its turn comes after A's.
	bCtx := &watchedCtx{Context: ledger.WithTurn(t.Context(), aQueued, queuedOnce(bQueued)), watched: make(chan struct{})}
	b := make(chan applied, 1)
	go func() {
		res, err := l.Apply(bCtx, taskMutation("$b", "6_1_1_2"))
		b <- applied{res, err}
	}()
	<-bCtx.watched
	a := make(chan applied, 1)
	go func() {
		res, err := l.Apply(ledger.WithTurn(t.Context(), nil, queuedOnce(aQueued)), taskMutation("$a", "6_1_1_1"))
		a <- applied{res, err}
	}()
	<-bQueued
	close(release)
	if w := <-warm; w.err != nil {
		t.Fatal(w.err)
	}
	ra, rb := <-a, <-b
	if ra.err != nil || rb.err != nil {
		t.Fatalf("A: %v, B: %v", ra.err, rb.err)
	}
	if ra.res.Commit != rb.res.Commit {
		t.Errorf("A and B in different commits (%s, %s): queued together, they share one", ra.res.Commit, rb.res.Commit)
	}
	snap := l.Current()
	ea, _ := snap.Applied("$a")
	eb, _ := snap.Applied("$b")
	if ea.Seq == 0 || eb.Seq != ea.Seq+1 {
		t.Errorf("audit rows: A seq %d, B seq %d; want B right after A", ea.Seq, eb.Seq)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("queued called %d times, want once per Apply", n)
	}
}

// A caller whose turn never comes gives up with its context, writes
// nothing, and still lets its successor go.
func TestTurnReleasesWhenItGivesUp(t *testing.T) {
	l, err := ledger.Open(t.Context(), newLocalStore(t), ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithCancel(t.Context())
	queued := make(chan struct{})
	never := make(chan struct{})
	done := make(chan error, 1)
	wctx := &watchedCtx{Context: ledger.WithTurn(ctx, never, func() { close(queued) }), watched: make(chan struct{})}
	go func() {
		_, err := l.Apply(wctx, taskMutation("$x", "6_1_1_1"))
		done <- err
	}()
	<-wctx.watched
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Apply: %v, want context.Canceled", err)
	}
	<-queued // a successor waiting on this one is not left waiting
	// What is queued after it commits; the one that gave up never does.
	if _, err := l.Apply(t.Context(), taskMutation("$y", "6_1_1_2")); err != nil {
		t.Fatal(err)
	}
	if _, ok := l.Current().Applied("$x"); ok {
		t.Error("the mutation that gave up waiting for its turn was written")
	}
}
