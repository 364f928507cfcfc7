package toolbox_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/toolbox"
)

// scene is the ground the toolbox tests stand on: a ledger on a local git
// store, with a clock the test moves and a way to set the scene directly.
type scene struct {
	t      *testing.T
	l      *ledger.Ledger
	store  ledger.Store
	clock  time.Time
	setup  int // scene-setting mutations, for their event IDs
	events int // commands run, for their event IDs
}

func newScene(t *testing.T, start time.Time) *scene {
	t.Helper()
	st, err := localgit.Open(t.TempDir()+"/l.git", "main")
	if err != nil {
		t.Fatal(err)
	}
	s := &scene{t: t, store: st, clock: start}
	l, err := ledger.Open(t.Context(), st, ledger.Options{Clock: func() time.Time { return s.clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	s.l = l
	return s
}

// mutate changes the ledger directly, to set the scene.
func (s *scene) mutate(what string, fn func(tx *ledger.Tx)) {
	s.t.Helper()
	s.setup++
	res, err := s.l.Apply(s.t.Context(), ledger.Mutation{
		EventID: fmt.Sprintf("$setup%d", s.setup), Actor: "engelbot", Command: what,
		Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
			fn(tx)
			return ledger.Outcome{Action: "test." + what, Target: "test", Reply: "ok"}, nil
		},
	})
	if err != nil || res.Refused {
		s.t.Fatalf("setting up %s: %v %+v", what, err, res)
	}
}

// head is the ledger branch's commit: a refusal must leave it where it was.
func (s *scene) head() string {
	s.t.Helper()
	h, err := s.store.Head(s.t.Context())
	if err != nil {
		s.t.Fatal(err)
	}
	return h
}

// request runs a request as the bot would pass it, with the next event ID
// ($ev1, $ev2, …) unless it names one.
func (s *scene) request(tb *toolbox.Toolbox, req toolbox.Request) toolbox.Reply {
	s.t.Helper()
	if req.EventID == "" {
		s.events++
		req.EventID = s.lastEvent()
	}
	return tb.Run(s.t.Context(), req)
}

// command runs a command line as who (@who:s.test) from room, split on
// spaces as a message without quotes is.
func (s *scene) command(tb *toolbox.Toolbox, who string, room toolbox.Room, line string) toolbox.Reply {
	s.t.Helper()
	fields := strings.Fields(line)
	return s.request(tb, toolbox.Request{
		Sender: "@" + who + ":s.test", Room: room, Command: strings.TrimPrefix(fields[0], "!"), Args: fields[1:],
	})
}

// lastEvent is the event ID of the last command run.
func (s *scene) lastEvent() string { return fmt.Sprintf("$ev%d", s.events) }
