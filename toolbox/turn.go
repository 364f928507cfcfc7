package toolbox

import (
	"context"

	"smartup0.org/engelbot/ledger"
)

// Turn is a command's place among its sender's commands, when the caller
// runs the next one before this one has taken effect: a sender's writes
// then share a commit, in the order sent. Only what reads nothing but the
// ledger's rules before its write can start that early (pipelines); any
// other command first waits for the earlier ones to settle, so that what it
// reads or does outside the ledger sees their effect, as if run one after
// the other.
type Turn struct {
	// Settled is closed once the sender's earlier commands have had their
	// effect on the ledger (written or refused). nil: nothing to wait for.
	Settled <-chan struct{}
	// Ahead is closed once the earlier commands' writes are queued in the
	// ledger, or known never to be. nil: nothing to wait for.
	Ahead <-chan struct{}
	// Queued tells the caller this command's write is queued behind
	// theirs: the next command may start. The toolbox calls it at most once
	// per write; the caller calls it too once Run has returned, so it must
	// be safe to call again.
	Queued func()
	// Followed: the sender's next command is waiting to start, so this
	// one's write may wait a moment for it to join the same commit.
	Followed bool
	// Next, when not nil, lets the next command start before this one's
	// write is queued: what this one does before its write (an
	// onboarding's identity row) is in line, so what the next one does is
	// done after it. Queued lets it start too.
	Next func()
}

type turnKey struct{}

// WithTurn returns a context whose command runs in turn t.
func WithTurn(ctx context.Context, t Turn) context.Context {
	return context.WithValue(ctx, turnKey{}, &t)
}

func turnOf(ctx context.Context) *Turn {
	t, _ := ctx.Value(turnKey{}).(*Turn)
	return t
}

// letNext is ctx's Turn.Next, or nothing to do.
func letNext(ctx context.Context) func() {
	if t := turnOf(ctx); t != nil && t.Next != nil {
		return t.Next
	}
	return func() {}
}

// pipelines reports whether cmd may start before the sender's earlier
// commands have settled: a plain write, whose rules all run again inside
// the ledger's writer after the earlier writes; and a run that waits
// itself where its checks may depend on an earlier command (runInTurn:
// !add_owner, see addOwnerReply).
func (cmd *Command) pipelines() bool {
	return (cmd.write != nil && cmd.run == nil && cmd.query == nil) || cmd.runInTurn
}

// takeTurn prepares ctx for cmd: a command that pipelines has its write
// queued in turn; any other waits until the earlier commands have settled
// and then runs as if alone (its writes, if any, do not let the next
// command start before it ends).
func takeTurn(ctx context.Context, cmd *Command) (context.Context, error) {
	t := turnOf(ctx)
	if t == nil {
		return ctx, nil
	}
	if cmd.pipelines() {
		ctx = ledger.WithTurn(ctx, t.Ahead, t.Queued)
		if t.Followed {
			ctx = ledger.Followed(ctx)
		}
		return ctx, nil
	}
	if _, err := awaitEarlier(ctx); err != nil {
		return ctx, err
	}
	return context.WithValue(ctx, turnKey{}, (*Turn)(nil)), nil
}

// awaitEarlier returns once the sender's earlier commands have settled, and
// reports whether it had to wait for them (false: nothing was in flight).
func awaitEarlier(ctx context.Context) (waited bool, err error) {
	t := turnOf(ctx)
	if t == nil || t.Settled == nil {
		return false, nil
	}
	select {
	case <-t.Settled:
		return false, nil
	default:
	}
	select {
	case <-t.Settled:
		return true, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// Coming is a write command announced before it runs: the ledger's writer
// waits a moment for it before committing what it has (see
// ledger.Announce), so that commands that arrive together share a commit.
type Coming struct{ x ledger.Expectation }

// Expect announces the command named (without its "!"), as it arrives:
// a write that may be sent early (pipelines); any other command is not
// announced, and its Coming does nothing.
func (tb *Toolbox) Expect(command string) Coming {
	if cmd, ok := Lookup(command); ok && cmd.pipelines() {
		return Coming{x: tb.ledger.Announce()}
	}
	return Coming{}
}

// Context returns ctx for running the announced command.
func (c Coming) Context(ctx context.Context) context.Context { return c.x.Context(ctx) }

// Done: the command has run (or will not).
func (c Coming) Done() { c.x.Done() }
