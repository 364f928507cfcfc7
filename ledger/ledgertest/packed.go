package ledgertest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
)

// The work sessions' older shards are held packed in memory: a session in
// one reads back as written, a change to it rewrites its whole shard
// (every other row of the shard kept), the open ones are found without
// the others, and after a restart everything reads back the same.
func (s suite) testPackedSessionsReadBack(t *testing.T) {
	st := s.newStore(t)
	rec := &recordingStore{Store: st}
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	open := func() *ledger.Ledger {
		return openWith(t, rec, ledger.Options{ShardRows: 2, Clock: func() time.Time { return start }})
	}
	put := func(l *ledger.Ledger, eventID string, ss ledger.Session) {
		t.Helper()
		_, err := l.Apply(t.Context(), ledger.Mutation{EventID: eventID, Actor: ss.Alias, Command: "!work " + ss.ID,
			Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
				tx.PutSession(ss)
				return ledger.Outcome{Action: "work_session.start", Target: ss.ID, Reply: "ok"}, nil
			}})
		if err != nil {
			t.Fatal(err)
		}
	}
	l := open()
	var want []ledger.Session
	for i := range 5 {
		ss := ledger.Session{ID: fmt.Sprintf("6_1_1_%d_ws1", i+1), Task: fmt.Sprintf("6_1_1_%d", i+1), Alias: "carol",
			Position: ledger.Attacker, State: ledger.SessionOpen, Started: start, StartEvent: fmt.Sprintf("$s%d", i)}
		put(l, ss.StartEvent, ss)
		want = append(want, ss)
	}
	// The first session, in the first (packed) shard, is closed.
	closed := want[0]
	closed.State, closed.Stopped, closed.Minutes, closed.StopEvent = ledger.SessionClosed, start, 30, "$stop"
	put(l, "$stop", closed)
	want[0] = closed

	first := ledger.ShardPath(ledger.SessionsIndex, 1)
	var wrote []ledger.Change
	for _, ch := range rec.commits[len(rec.commits)-1].Changes {
		if strings.HasPrefix(ch.Path, ledger.SessionsIndex+"/") {
			wrote = append(wrote, ch)
		}
	}
	if len(wrote) != 1 || wrote[0].Path != first {
		t.Fatalf("closing the first session wrote %d session shards, want only %s", len(wrote), first)
	}
	rows, err := ledger.DecodeCSV[ledger.Session](first, wrote[0].Content)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows, want[0:2]) {
		t.Errorf("%s was written as %+v, want %+v", first, rows, want[0:2])
	}

	check := func(l *ledger.Ledger, when string) {
		t.Helper()
		tx := l.Current().Read()
		for _, w := range want {
			if got, ok := tx.Session(w.ID); !ok || got != w {
				t.Errorf("%s: session %s reads %+v, want %+v", when, w.ID, got, w)
			}
		}
		if got := slices.Collect(tx.Sessions()); !slices.Equal(got, want) {
			t.Errorf("%s: the sessions in order are %+v, want %+v", when, got, want)
		}
		if got := tx.OpenSessionsOf("carol"); !slices.Equal(got, want[1:]) {
			t.Errorf("%s: carol's open sessions are %+v, want %+v", when, got, want[1:])
		}
	}
	check(l, "before a restart")
	l.Close()
	l = open()
	defer l.Close()
	check(l, "after a restart")
	if got := problems(t, st); got != "" {
		t.Errorf("verify: %s", got)
	}
}
