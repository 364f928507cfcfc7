package lane

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// event is a command as the lanes see it.
type event struct{ ID, Sender string }

// AwaitRan returns only once every event added before the mark has run.
func TestLanesAwaitRan(t *testing.T) {
	release := make(chan struct{})
	l := New(func(ev event, _ *Turn) { <-release })
	for _, who := range []string{"@a:s", "@b:s", "@a:s"} {
		l.Add(who, event{ID: "$" + who, Sender: who})
	}
	n := l.Mark()
	if n != 3 {
		t.Fatalf("mark = %d, want 3", n)
	}
	done := make(chan error, 1)
	go func() { done <- l.AwaitRan(t.Context(), n) }()
	for i := 0; i < 2; i++ {
		release <- struct{}{}
	}
	select {
	case err := <-done:
		t.Fatalf("awaitRan returned (%v) with one event still to run", err)
	default:
	}
	release <- struct{}{}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	l.Wait()
}

// Once closed, lanes start nothing more: the command running finishes,
// those queued behind it and those added later are left (recorded, for the
// next start).
func TestLanesCloseLeavesTheQueue(t *testing.T) {
	started := make(chan string, 4)
	release := make(chan struct{})
	l := New(func(ev event, _ *Turn) { started <- ev.ID; <-release })
	l.Add("@a:s", event{ID: "$1"})
	l.Add("@a:s", event{ID: "$2"})
	if got := <-started; got != "$1" {
		t.Fatalf("first command run: %s", got)
	}
	l.Close()
	l.Add("@b:s", event{ID: "$3"})
	close(release)
	l.Wait()
	close(started)
	for id := range started {
		t.Errorf("%s ran after the lanes were closed", id)
	}
}

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
	var secondEnded, thirdEarly atomic.Bool
	l := New(func(ev event, tr *Turn) {
		if ev.ID == "$3" && !secondEnded.Load() {
			thirdEarly.Store(true)
		}
		started <- ev.ID
		if ev.ID != "$2" { // $2 ends without a write
			tr.MarkQueued()
		}
		<-release[ev.ID]
		if ev.ID == "$2" {
			secondEnded.Store(true)
		}
	})
	for _, id := range []string{"$1", "$2", "$3"} {
		l.Add("@a:s", event{ID: id})
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
	if thirdEarly.Load() {
		t.Error("$3 started before $2, which wrote nothing, had ended")
	}
	close(release["$1"])
	close(release["$3"])
	l.Wait()
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
	l := New(func(ev event, tr *Turn) {
		var i int
		if _, err := fmt.Sscanf(ev.ID, "$%d", &i); err != nil {
			panic(err)
		}
		if i == 2 {
			close(ready[i])
			return
		}
		tr.MarkQueued()
		<-release[i]
		close(ready[i])
		tr.AwaitAnswers()
		mu.Lock()
		answered = append(answered, i)
		mu.Unlock()
	})
	for i := range n {
		l.Add("@a:s", event{ID: fmt.Sprintf("$%d", i)})
	}
	// The last is ready first, the first last.
	for i := n - 1; i >= 0; i-- {
		if i != 2 {
			close(release[i])
		}
		awaitSignal(t, ready[i], fmt.Sprintf("$%d to be ready", i))
	}
	l.Wait()
	if got := fmt.Sprint(answered); got != "[0 1 3 4]" {
		t.Errorf("answered in the order %s, want [0 1 3 4]", got)
	}
}

// A command may let the next one start before its write is queued (what
// it does before the write is in line); the next one's write still waits
// for this one's to be queued.
func TestLaneLetsTheNextStartEarly(t *testing.T) {
	started := make(chan string, 2)
	release := make(chan struct{})
	var aheadOfSecond <-chan struct{}
	var queuedTooSoon bool
	l := New(func(ev event, tr *Turn) {
		started <- ev.ID
		if ev.ID == "$1" {
			tr.LetNextStart()
			<-release
			tr.MarkQueued()
			return
		}
		aheadOfSecond = tr.before.queued
		select {
		case <-aheadOfSecond: // $1 is still held before its write
			queuedTooSoon = true
		default:
		}
	})
	l.Add("@a:s", event{ID: "$1"})
	l.Add("@a:s", event{ID: "$2"})
	<-started
	select {
	case got := <-started:
		if got != "$2" {
			t.Fatalf("second started: %s", got)
		}
	case <-time.After(pipeGuard):
		t.Fatal("$2 did not start once $1 let it")
	}
	close(release)
	l.Wait()
	if queuedTooSoon {
		t.Error("$2's write was to wait for a signal given before $1's write was queued")
	}
	select {
	case <-aheadOfSecond:
	default:
		t.Error("$2's write was not to wait for $1's")
	}
}

// A command knows whether the sender's next one was already waiting when
// it started: then its write may wait a moment for the next to join it.
func TestLaneTellsACommandItIsFollowed(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	followed := map[string]bool{}
	started := make(chan struct{}, 3)
	l := New(func(ev event, tn *Turn) {
		mu.Lock()
		followed[ev.ID] = tn.followed
		mu.Unlock()
		started <- struct{}{}
		if ev.ID == "$1" {
			<-release
		}
		tn.MarkQueued()
	})
	l.Add("@a:s", event{ID: "$1"})
	<-started // $1 started alone: nothing else was waiting
	l.Add("@a:s", event{ID: "$2"})
	l.Add("@a:s", event{ID: "$3"})
	close(release)
	<-started
	<-started
	l.Wait()
	want := map[string]bool{"$1": false, "$2": true, "$3": false}
	for id, w := range want {
		if followed[id] != w {
			t.Errorf("%s followed = %v, want %v", id, followed[id], w)
		}
	}
}
