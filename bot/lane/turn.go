package lane

import (
	"context"
	"sync"

	"smartup0.org/engelbot/toolbox"
)

// A Turn is one command's place in its sender's lane. The lane starts the
// next command once this one's write is queued in the ledger (or once it
// is known it writes nothing, or what it does before its write is in
// line), so that a sender's queued writes share a commit; everything else
// stays in the order sent:
//   - queued: its write is queued, behind the earlier commands' writes;
//   - settled: its effect on the ledger is final, and so are the earlier
//     commands' (a command that reads the ledger, or acts outside it,
//     waits for this first: see toolbox.Turn);
//   - answered: its answer, announcements and redaction are sent (or given
//     up), after the earlier commands'.
//
// Each step is marked once, never before the previous command's same step,
// and marked at the latest when the command ends, however it ends: a
// command that fails never holds up the next.
type Turn struct {
	queued, settled, answered step
	// goOn: the next command may start. Its write being queued lets it,
	// and so may what this command does before its write (LetNextStart).
	goOn step
	// before is the previous command's steps (nil channels for the first
	// of a lane). Only its channels are kept, not the previous Turn, so a
	// long-lived lane does not keep every turn it ran.
	before struct{ queued, settled, answered <-chan struct{} }
	// followed: when it started, the sender's next command was already
	// waiting in the lane.
	followed bool
}

// step is one signal of a turn: closed once, by whichever path gets there
// first.
type step struct {
	once sync.Once
	ch   chan struct{}
}

func (s *step) mark()                 { s.once.Do(func() { close(s.ch) }) }
func (s *step) done() <-chan struct{} { return s.ch }

func newStep() step { return step{ch: make(chan struct{})} }

// next is the turn after t (t nil: the first of a lane).
func (t *Turn) next() *Turn {
	n := &Turn{queued: newStep(), settled: newStep(), answered: newStep(), goOn: newStep()}
	if t != nil {
		n.before.queued, n.before.settled, n.before.answered = t.queued.done(), t.settled.done(), t.answered.done()
	}
	return n
}

// Alone is a turn with nobody before it, for a command run outside a lane.
func Alone() *Turn { return (*Turn)(nil).next() }

// markAfter marks s once before, the previous command's same step, is.
func markAfter(s *step, before <-chan struct{}) {
	if before != nil {
		<-before
	}
	s.mark()
}

// MarkQueued: the next command may start, and queue its write after this one.
func (t *Turn) MarkQueued() {
	markAfter(&t.queued, t.before.queued)
	t.goOn.mark()
}

// LetNextStart: the next command may start before this one's write is
// queued; its write still waits for this one's (see toolbox.Turn.Next).
func (t *Turn) LetNextStart() { t.goOn.mark() }

// MarkSettled: this command has had its effect on the ledger.
func (t *Turn) MarkSettled() {
	t.MarkQueued()
	markAfter(&t.settled, t.before.settled)
}

// AwaitAnswers returns once the earlier commands are answered: this one's
// answer comes after theirs.
func (t *Turn) AwaitAnswers() {
	if t.before.answered != nil {
		<-t.before.answered
	}
}

// Settled is MarkSettled then AwaitAnswers: the command has had its effect,
// and its answer may go once the earlier ones have.
func (t *Turn) Settled() {
	t.MarkSettled()
	t.AwaitAnswers()
}

// End marks every step: the command is over, however it ended.
func (t *Turn) End() {
	t.MarkSettled()
	markAfter(&t.answered, t.before.answered)
}

// Queued is closed once the command's write is queued (or it has none).
func (t *Turn) Queued() <-chan struct{} { return t.queued.done() }

// Toolbox returns ctx for running the command in the toolbox: its write
// queued after the earlier commands', its reads after their effect.
func (t *Turn) Toolbox(ctx context.Context) context.Context {
	return toolbox.WithTurn(ctx, toolbox.Turn{Settled: t.before.settled, Ahead: t.before.queued, Queued: t.MarkQueued, Next: t.LetNextStart,
		Followed: t.followed})
}
