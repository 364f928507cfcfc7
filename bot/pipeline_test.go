package bot

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"smartup0.org/engelbot/bot/state"
)

// pipeGuard bounds a wait that a correct lane ends at once; past it the
// test says what never came.
const pipeGuard = 15 * time.Second

func awaitSignal(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(pipeGuard):
		t.Fatalf("waited in vain for %s", what)
	}
}

// A sender's next command starts once the previous one's write is queued,
// not once it has ended; one that writes nothing (or fails) lets the next
// start when it ends.
func TestLaneStartsTheNextOnceTheWriteIsQueued(t *testing.T) {
	started := make(chan string, 4)
	release := map[string]chan struct{}{"$1": make(chan struct{}), "$2": make(chan struct{}), "$3": make(chan struct{})}
	l := newLanes(func(ev state.Event, tr *turn) {
		started <- ev.ID
		if ev.ID != "$2" { // $2 ends without a write
			tr.markQueued()
		}
		<-release[ev.ID]
	})
	for _, id := range []string{"$1", "$2", "$3"} {
		l.add("@a:s", state.Event{ID: id})
	}
	if got := <-started; got != "$1" {
		t.Fatalf("first started: %s", got)
	}
	// $1 is queued and still running: $2 starts.
	select {
	case got := <-started:
		if got != "$2" {
			t.Fatalf("second started: %s", got)
		}
	case <-time.After(pipeGuard):
		t.Fatal("$2 did not start while $1, its write queued, was still running")
	}
	// $2 writes nothing and has not ended: $3 waits for it.
	close(release["$2"])
	if got := <-started; got != "$3" {
		t.Fatalf("third started: %s", got)
	}
	close(release["$1"])
	close(release["$3"])
	l.wait()
}

// Answers go out in the order the commands were sent, whichever command
// is ready first; and a command that ends without marking anything (it
// failed before its write) lets the next one go.
func TestLaneAnswersInTheOrderSent(t *testing.T) {
	const n = 5
	release := make([]chan struct{}, n)
	ready := make([]chan struct{}, n)
	for i := range n {
		release[i], ready[i] = make(chan struct{}), make(chan struct{})
	}
	var mu sync.Mutex
	var answered []int
	l := newLanes(func(ev state.Event, tr *turn) {
		var i int
		if _, err := fmt.Sscanf(ev.ID, "$%d", &i); err != nil {
			panic(err)
		}
		if i == 2 {
			close(ready[i])
			return
		}
		tr.markQueued()
		<-release[i]
		close(ready[i])
		tr.awaitAnswers()
		mu.Lock()
		answered = append(answered, i)
		mu.Unlock()
	})
	for i := range n {
		l.add("@a:s", state.Event{ID: fmt.Sprintf("$%d", i)})
	}
	// The last is ready first, the first last.
	for i := n - 1; i >= 0; i-- {
		if i != 2 {
			close(release[i])
		}
		awaitSignal(t, ready[i], fmt.Sprintf("$%d to be ready", i))
	}
	l.wait()
	if got := fmt.Sprint(answered); got != "[0 1 3 4]" {
		t.Errorf("answered in the order %s, want [0 1 3 4]", got)
	}
}

// One sender's writes, sent together, share a commit: while one commits
// the others queue behind it, and they land in the order sent
// (the sixth kudos of the day is refused: the rules saw the five before
// it), each answered once, in that order.
func TestOneSendersWritesShareACommit(t *testing.T) {
	r := newFeedbackRig(t)
	r.bot.typing.after = time.Hour
	release := r.store.hold(t)
	queued := make(chan string, 16)
	r.bot.lanes = newLanes(func(ev state.Event, tr *turn) {
		go func() { <-tr.queued.done(); queued <- ev.ID }()
		r.bot.handleInTurn(ev, tr)
	})
	const n = 6
	var ids []string
	for i := range n {
		ev := r.command(t, fmt.Sprintf("$k%d", i), "@carol", fmt.Sprintf("!kudos dave thanks %d", i))
		ids = append(ids, ev.ID)
		r.bot.lanes.add(ev.Sender, ev)
	}
	// Every write is queued while the first commit is held.
	for range n {
		select {
		case <-queued:
		case <-time.After(pipeGuard):
			t.Fatal("the commands behind the first did not queue their writes while it was committing")
		}
	}
	before := r.store.landed.Load()
	release()
	r.bot.lanes.wait()
	// The writer may have taken the first alone or with others.
	if got := r.store.landed.Load() - before; got < 1 || got > 2 {
		t.Errorf("%d commits for %d writes, want 1 or 2: those queued while a commit is held share the next", got, n)
	}
	var txns []string
	for _, id := range ids {
		txns = append(txns, answerTxnID(id))
	}
	if got, want := strings.Join(sends(r.hs), " "), strings.Join(txns, " "); got != want {
		t.Errorf("answers sent %s\nwant, once each in the order sent, %s", got, want)
	}
	snap := r.l.Current()
	var seqs []int64
	for _, id := range ids[:n-1] {
		e, ok := snap.Applied(id)
		if !ok {
			t.Fatalf("%s is not in the audit trail", id)
		}
		seqs = append(seqs, int64(e.Seq))
	}
	for i := 1; i < len(seqs); i++ {
		if seqs[i] != seqs[i-1]+1 {
			t.Errorf("audit rows' seq %v, want consecutive in the order sent", seqs)
			break
		}
	}
	if _, ok := snap.Applied(ids[n-1]); ok {
		t.Errorf("the sixth kudos of the day was written: its rules did not see the five queued before it")
	}
	if pending := r.unanswered(t); len(pending) != 0 {
		t.Errorf("not marked answered: %+v", pending)
	}
}
