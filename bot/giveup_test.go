package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"smartup0.org/engelbot/bot/state"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/toolbox"
)

// A command left unanswered longer than the bot remembers commands is not
// run at the next start: its sender hears what the ledger recorded for it
// if it was applied, else that it was not run. One whose answer cannot be
// sent is ended all the same, so it does not come back at every start. A
// recent one is run as usual.
func TestOldUnansweredCommandsAreGivenUp(t *testing.T) {
	ctx := t.Context()
	store, err := localgit.Open(t.TempDir()+"/ledger.git", "main")
	if err != nil {
		t.Fatal(err)
	}
	l := kudosLedger(t, store)
	t.Cleanup(l.Close)
	// $applied was written by a run long ago, which never got to answer.
	if _, err := l.Apply(ctx, ledger.Mutation{EventID: "$applied", Actor: "carol", Command: "!kudos dave thanks",
		Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
			return ledger.Outcome{Action: "test.kudos", Target: "dave", Reply: "You gave dave 2 SK of kudos."}, nil
		}}); err != nil {
		t.Fatal(err)
	}

	hs := newStandIn(t)
	hs.on("/account/whoami", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"user_id": botID, "device_id": "BOTDEVICE"})
	})
	hs.on("/sync", longPoll)
	var mu sync.Mutex
	answers := map[string]string{} // by the command it replies to
	hs.on("/send/m.room.message/", func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "!gone") {
			matrixError(w, 403, "M_FORBIDDEN", "You are not in this room", nil)
			return
		}
		var content struct {
			Body      string `json:"body"`
			RelatesTo struct {
				InReplyTo struct {
					EventID string `json:"event_id"`
				} `json:"m.in_reply_to"`
			} `json:"m.relates_to"`
		}
		_ = json.NewDecoder(r.Body).Decode(&content)
		mu.Lock()
		answers[content.RelatesTo.InReplyTo.EventID] = content.Body
		mu.Unlock()
		writeJSON(w, 200, map[string]any{"event_id": "$answer-to-" + content.RelatesTo.InReplyTo.EventID})
	})

	db, err := state.Open(ctx, t.TempDir()+"/state.db", zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	now := time.Now()
	if _, err := db.FirstStart(ctx, now.Add(-365*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	old := now.Add(-rememberFor - time.Hour)
	for _, ev := range []state.Event{
		{ID: "$applied", RoomID: testRoom, Sender: "@carol:" + testServer, Body: "!kudos dave thanks", Timestamp: old},
		{ID: "$unapplied", RoomID: testRoom, Sender: "@dave:" + testServer, Body: "!kudos carol thanks", Timestamp: old},
		{ID: "$unsendable", RoomID: "!gone:" + testServer, Sender: "@erin:" + testServer, Body: "!wallet", Timestamp: old},
		{ID: "$recent", RoomID: testRoom, Sender: "@frank:" + testServer, Body: "!wallet", Timestamp: now.Add(-time.Hour)},
	} {
		if _, err := db.Claim(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	b := New(Config{
		HomeserverURL: hs.srv.URL, ServerName: testServer, UserID: botID, AccessToken: "tok",
		Rooms: map[string]toolbox.Room{testRoom: {Kind: toolbox.RoomTeam, Team: "3_7_operational_team"},
			"!gone:" + testServer: {Kind: toolbox.RoomTeam, Team: "3_7_operational_team"}},
	}, db, toolbox.New(l, toolbox.Config{Founder: "@alice:" + testServer}), zerolog.New(zerolog.NewTestWriter(t)))
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- b.Run(runCtx) }()
	hs.await(ctx, "three answers", func() bool { mu.Lock(); defer mu.Unlock(); return len(answers) == 3 })
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	if got := answers["$applied"]; got != "You gave dave 2 SK of kudos." {
		t.Errorf("the old command that was applied was answered %q, want what the ledger recorded", got)
	}
	if got := answers["$unapplied"]; !strings.Contains(got, "was not run") {
		t.Errorf("the old command that was not applied was answered %q, want that it was not run", got)
	}
	if _, ok := answers["$recent"]; !ok {
		t.Error("the recent command was not answered")
	}
	if _, ok := l.Current().Applied("$unapplied"); ok {
		t.Error("the old command was run")
	}
	if pending, _ := db.Unfinished(ctx); len(pending) != 0 {
		t.Errorf("still waiting for the next start: %+v", pending)
	}
}
