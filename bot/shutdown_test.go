package bot

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"smartup0.org/engelbot/bot/state"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/toolbox"
)

// stallingStore is a ledger store whose commits hang, once stalled, until
// the writer gives up on them: a forge that stopped answering.
type stallingStore struct {
	ledger.Store
	stalled atomic.Bool
	hung    chan struct{} // receives once a commit hangs
}

func (s *stallingStore) Commit(ctx context.Context, c ledger.Commit) (ledger.CommitResult, error) {
	if s.stalled.Load() {
		select {
		case s.hung <- struct{}{}:
		default:
		}
		<-ctx.Done()
		return ledger.CommitResult{}, ctx.Err()
	}
	return s.Store.Commit(ctx, c)
}

// kudosLedger is a ledger where carol may give dave kudos.
func kudosLedger(t *testing.T, store ledger.Store, opts ...ledger.Options) *ledger.Ledger {
	t.Helper()
	l, err := ledger.Open(t.Context(), store, append(opts, ledger.Options{})[0])
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Apply(t.Context(), ledger.Mutation{EventID: "$seed", Actor: "engelbot", Command: "seed",
		Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
			tx.PutRole(ledger.Role{ID: "4_2_7_lead", Team: "3_7_operational_team", Type: ledger.RoleSenior, Title: "Lead", Status: ledger.StatusActive})
			for _, alias := range []string{"carol", "dave"} {
				tx.PutOwner(ledger.Owner{Alias: alias, MatrixID: "@" + alias + ":" + testServer, License: ledger.LicenseWork, Status: ledger.StatusActive})
				tx.PutAssignment(ledger.Assignment{ID: "ra_" + alias, Role: "4_2_7_lead", Alias: alias, Status: ledger.StatusActive})
			}
			return ledger.Outcome{Action: "test.seed", Target: "test", Reply: "ok"}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Asked to stop while a write hangs on the forge, the bot stops within its
// grace period, does not answer the command (the owner would be told a
// failure that is nobody's), and leaves it recorded; the next start runs
// it and answers it once.
func TestStopLeavesAHungWriteForTheNextStart(t *testing.T) {
	ctx := t.Context()
	local, err := localgit.Open(t.TempDir()+"/ledger.git", "main")
	if err != nil {
		t.Fatal(err)
	}
	store := &stallingStore{Store: local, hung: make(chan struct{}, 1)}
	l := kudosLedger(t, store)
	t.Cleanup(l.Close)
	hs := newStandIn(t)
	hs.on("/account/whoami", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"user_id": botID, "device_id": "BOTDEVICE"})
	})
	command := textEvent("$kudos", "@carol:"+testServer, `!kudos dave "thanks for the review"`, time.Now())
	hs.on("/sync", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("since") == "" {
			writeJSON(w, 200, syncBody("s1", false, "", command))
			return
		}
		longPoll(w, r)
	})
	var sent atomic.Int32
	hs.on("/send/m.room.message/", func(w http.ResponseWriter, r *http.Request) {
		sent.Add(1)
		writeJSON(w, 200, map[string]any{"event_id": "$answer"})
	})
	db, err := state.Open(ctx, t.TempDir()+"/state.db", zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	newBot := func() *Bot {
		b := New(Config{
			HomeserverURL: hs.srv.URL, ServerName: testServer, UserID: botID, AccessToken: "tok",
			Rooms:         map[string]toolbox.Room{testRoom: {Kind: toolbox.RoomTeam, Team: "3_7_operational_team"}},
			ShutdownGrace: 200 * time.Millisecond,
		}, db, toolbox.New(l, toolbox.Config{Founder: "@alice:" + testServer}), zerolog.New(zerolog.NewTestWriter(t)))
		if _, err := db.FirstStart(ctx, time.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		return b
	}

	store.stalled.Store(true)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- newBot().Run(runCtx) }()
	select {
	case <-store.hung:
	case <-time.After(15 * time.Second):
		t.Fatal("the command's write never reached the forge")
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the bot did not stop within its grace period: it waits for a write that hangs")
	}
	if n := sent.Load(); n != 0 {
		t.Errorf("the bot answered %d times a command its stop cut off", n)
	}
	pending, err := db.Unfinished(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].ID != "$kudos" {
		t.Fatalf("left for the next start: %+v, want $kudos", pending)
	}

	// The process ends as app.Close ends it: the ledger gives up its hung
	// commit. The forge is back; the next start runs the command and
	// answers it.
	shut, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	_ = l.Shutdown(shut)
	store.stalled.Store(false)
	l, err = ledger.Open(ctx, store, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	runCtx, stop = context.WithCancel(ctx)
	defer stop()
	go func() { done <- newBot().Run(runCtx) }()
	hs.await(ctx, "the answer", func() bool { return sent.Load() > 0 })
	stop()
	<-done
	if n := sent.Load(); n != 1 {
		t.Errorf("%d answers after the restart, want 1", n)
	}
	if pending, _ := db.Unfinished(ctx); len(pending) != 0 {
		t.Errorf("still unanswered after the restart: %+v", pending)
	}
}
