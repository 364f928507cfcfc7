package bot

import (
	"testing"

	"smartup0.org/engelbot/bot/state"
)

// awaitRan returns only once every event added before the mark has run.
func TestLanesAwaitRan(t *testing.T) {
	release := make(chan struct{})
	l := newLanes(func(state.Event, *turn) { <-release })
	for _, who := range []string{"@a:s", "@b:s", "@a:s"} {
		l.add(who, state.Event{ID: "$" + who, Sender: who})
	}
	n := l.mark()
	if n != 3 {
		t.Fatalf("mark = %d, want 3", n)
	}
	done := make(chan error, 1)
	go func() { done <- l.awaitRan(t.Context(), n) }()
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
	l.wait()
}

// Once closed, lanes start nothing more: the command running finishes,
// those queued behind it and those added later are left (recorded, for the
// next start).
func TestLanesCloseLeavesTheQueue(t *testing.T) {
	started := make(chan string, 4)
	release := make(chan struct{})
	l := newLanes(func(ev state.Event, _ *turn) { started <- ev.ID; <-release })
	l.add("@a:s", state.Event{ID: "$1"})
	l.add("@a:s", state.Event{ID: "$2"})
	if got := <-started; got != "$1" {
		t.Fatalf("first command run: %s", got)
	}
	l.close()
	l.add("@b:s", state.Event{ID: "$3"})
	close(release)
	l.wait()
	close(started)
	for id := range started {
		t.Errorf("%s ran after the lanes were closed", id)
	}
}
