package ledger

import "context"

// A turn lets one caller's successive mutations (one sender's commands)
// share a commit while keeping their order: the caller starts the next
// mutation as soon as this one is in the writer's queue, not once it has
// committed. The writer takes the queue in order, so the mutations are
// planned, and their audit rows numbered, in the order the caller meant.

type turnKey struct{}

type turn struct {
	ahead  <-chan struct{} // closed once the mutations before this one are queued
	queued func()          // called once this one is queued, or will never be
	// followed: the caller's next mutation is on its way, so the writer
	// waits a moment for it before committing (see followWait).
	followed bool
}

// WithTurn returns a context whose Apply waits for ahead to close before it
// queues its mutation (nil: it need not wait), and calls queued right after
// queuing it, or when it returns without queuing it (refused at the door,
// ctx ended, the ledger closing). Each Apply with this context calls queued
// once; a caller whose command may apply more than once makes it safe to
// call again.
func WithTurn(ctx context.Context, ahead <-chan struct{}, queued func()) context.Context {
	return context.WithValue(ctx, turnKey{}, turn{ahead: ahead, queued: queued})
}

// Followed marks ctx's turn as followed: the caller has another mutation
// ready to queue right behind this one (a sender's next command waits in
// its lane). The writer then holds the commit for a moment (FollowWait) so
// that it joins, instead of committing this one alone and the rest after.
func Followed(ctx context.Context) context.Context {
	t := turnOf(ctx)
	t.followed = true
	return context.WithValue(ctx, turnKey{}, t)
}

// turnOf is ctx's turn; the zero turn waits for nothing and tells nobody.
func turnOf(ctx context.Context) turn {
	t, _ := ctx.Value(turnKey{}).(turn)
	return t
}

// wait returns once the mutations ahead are queued, or ctx ends.
func (t turn) wait(ctx context.Context) error {
	if t.ahead == nil {
		return nil
	}
	select {
	case <-t.ahead:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// done tells the caller's next mutation it may be queued.
func (t turn) done() {
	if t.queued != nil {
		t.queued()
	}
}
