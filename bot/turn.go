package bot

import "sync"

// A turn is one command's place in its sender's lane. The lane starts the
// next command once this one's write is queued in the ledger (or once it
// is known it writes nothing), so that a sender's queued writes share a
// commit; everything else stays in the order sent:
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
type turn struct {
	prev                      *turn // nil for the first of a lane
	queued, settled, answered step
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
func (t *turn) next() *turn {
	return &turn{prev: t, queued: newStep(), settled: newStep(), answered: newStep()}
}

// alone is a turn with nobody before it.
func alone() *turn { return (*turn)(nil).next() }

// ahead is what the previous command's step s has to be marked first.
func (t *turn) ahead(s func(*turn) *step) <-chan struct{} {
	if t.prev == nil {
		return nil
	}
	return s(t.prev).done()
}

func queuedStep(t *turn) *step   { return &t.queued }
func settledStep(t *turn) *step  { return &t.settled }
func answeredStep(t *turn) *step { return &t.answered }

// markAfter marks step s of t once the previous command has marked its own.
func (t *turn) markAfter(s func(*turn) *step) {
	if ch := t.ahead(s); ch != nil {
		<-ch
	}
	s(t).mark()
}

// markQueued: the next command may start, and queue its write after this one.
func (t *turn) markQueued() { t.markAfter(queuedStep) }

// markSettled: this command has had its effect on the ledger.
func (t *turn) markSettled() {
	t.markQueued()
	t.markAfter(settledStep)
}

// awaitAnswers returns once the earlier commands are answered: this one's
// answer comes after theirs.
func (t *turn) awaitAnswers() {
	if ch := t.ahead(answeredStep); ch != nil {
		<-ch
	}
}

// end marks every step: the command is over, however it ended.
func (t *turn) end() {
	t.markSettled()
	t.markAfter(answeredStep)
}
