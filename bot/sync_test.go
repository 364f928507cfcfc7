package bot

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"smartup0.org/engelbot/bot/state"
)

// connectWithToken gives the test bot a client with a working token.
func connectWithToken(t *testing.T, hs *standIn, tb *testBot) {
	t.Helper()
	hs.on("/account/whoami", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"user_id": botID, "device_id": "BOTDEVICE"})
	})
	if err := tb.connect(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// connectedBot is a test bot connected to a fresh stand-in with a token.
func connectedBot(t *testing.T) (*standIn, *testBot) {
	t.Helper()
	hs := newStandIn(t)
	tb := newTestBot(t, hs, Config{AccessToken: "tok"})
	connectWithToken(t, hs, tb)
	return hs, tb
}

// runSync runs the sync loop until the test ends, and waits for it then.
func runSync(t *testing.T, tb *testBot) context.CancelFunc {
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := tb.syncLoop(ctx); err != nil {
			t.Error(err)
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return cancel
}

// longPoll answers a sync that has nothing new the way a homeserver does:
// it holds the request until the client gives up.
func longPoll(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

// answerSync answers a sync from the position since with body, and holds
// any other as a homeserver with nothing new does.
func answerSync(hs *standIn, since string, body any) {
	hs.on("/sync", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("since") != since {
			longPoll(w, r)
			return
		}
		writeJSON(w, 200, body)
	})
}

// syncFromTo starts the bot's sync loop at position from and returns once
// it asks for a sync from to: the batch in between is handled.
func syncFromTo(t *testing.T, hs *standIn, tb *testBot, from, to string) {
	t.Helper()
	if err := tb.db.SyncStore().SaveNextBatch(t.Context(), botID, from); err != nil {
		t.Fatal(err)
	}
	runSync(t, tb)
	hs.await(t.Context(), "a sync from "+to, func() bool { return slices.Contains(sinces(hs.seen("/sync")), to) })
}

func sinces(reqs []seenRequest) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.Query["since"])
	}
	return out
}

// A batch whose second command cannot be recorded is asked for again from
// the same position, so that command is queued after all — once, like the
// first, which was recorded the first time.
func TestSyncRetriesABatchThatWasNotRecorded(t *testing.T) {
	hs, tb := connectedBot(t)
	at := time.Now()
	answerSync(hs, "s0", syncBody("s1", false, "",
		textEvent("$first", "@carol:smartup.test", "!wallet", at),
		textEvent("$second", "@dave:smartup.test", "!my_tasks", at)))
	failed := false
	tb.claim = func(ctx context.Context, ev state.Event) (bool, error) {
		if ev.ID == "$second" && !failed {
			failed = true
			return false, errors.New("disk full")
		}
		return tb.db.Claim(ctx, ev)
	}
	syncFromTo(t, hs, tb, "s0", "s1")

	if got, want := sinces(hs.seen("/sync")), []string{"s0", "s0", "s1"}; !slices.Equal(got, want) {
		t.Errorf("syncs asked from %v, want %v: the position moved past a batch that was not recorded", got, want)
	}
	tb.lanes.Wait()
	_, ran := tb.recorded()
	slices.Sort(ran)
	if want := []string{"$first", "$second"}; !slices.Equal(ran, want) {
		t.Errorf("commands run: %v, want %v once each", ran, want)
	}
	if saved, _ := tb.db.SyncStore().LoadNextBatch(t.Context(), botID); saved != "s1" {
		t.Errorf("saved position %q, want s1", saved)
	}
}

// A sync whose timeline is cut ("limited") has the missing messages
// fetched back to where the previous sync ended, and every command in the
// gap runs, in the order sent, before the timeline's own.
func TestSyncFillsAGapInTheTimeline(t *testing.T) {
	hs, tb := connectedBot(t)
	at := time.Now()
	carol := "@carol:smartup.test"
	answerSync(hs, "s0", syncBody("s1", true, "p3", textEvent("$5", carol, "!wallet 5", at)))
	// Two pages back from p3 to s0, newest first as /messages gives them.
	hs.on("/messages", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("dir") != "b" || q.Get("to") != "s0" {
			matrixError(w, 400, "M_INVALID_PARAM", "unexpected", nil)
			return
		}
		switch q.Get("from") {
		case "p3":
			writeJSON(w, 200, map[string]any{"start": "p3", "end": "p1", "chunk": []any{
				textEvent("$4", carol, "!wallet 4", at), textEvent("$3", carol, "!wallet 3", at)}})
		case "p1":
			writeJSON(w, 200, map[string]any{"start": "p1", "end": "p0", "chunk": []any{
				textEvent("$2", carol, "!wallet 2", at), textEvent("$1", carol, "!wallet 1", at)}})
		default:
			writeJSON(w, 200, map[string]any{"start": q.Get("from"), "chunk": []any{}})
		}
	})
	syncFromTo(t, hs, tb, "s0", "s1")
	tb.lanes.Wait()
	_, ran := tb.recorded()
	if want := []string{"$1", "$2", "$3", "$4", "$5"}; !slices.Equal(ran, want) {
		t.Errorf("commands run: %v, want %v (the gap's, oldest first, then the timeline's)", ran, want)
	}
}

// The first sync of a bot that never synced is cut on purpose; the bot
// does not fetch history from before its first start.
func TestFirstSyncDoesNotFillGaps(t *testing.T) {
	hs, tb := connectedBot(t)
	answerSync(hs, "", syncBody("s1", true, "p1"))
	syncFromTo(t, hs, tb, "", "s1")
	if n := len(hs.seen("/messages")); n != 0 {
		t.Errorf("the first sync fetched history (%d requests)", n)
	}
}

// A gap the homeserver refuses to fill does not hold up the bot: the
// commands the sync did carry run, and the position moves on.
func TestSyncGoesOnWhenAGapCannotBeFilled(t *testing.T) {
	hs, tb := connectedBot(t)
	answerSync(hs, "s0", syncBody("s1", true, "p1", textEvent("$newest", "@carol:smartup.test", "!wallet", time.Now())))
	hs.on("/messages", func(w http.ResponseWriter, r *http.Request) {
		matrixError(w, 403, "M_FORBIDDEN", "You can't read this room's history", nil)
	})
	syncFromTo(t, hs, tb, "s0", "s1")
	tb.lanes.Wait()
	if _, ran := tb.recorded(); !slices.Equal(ran, []string{"$newest"}) {
		t.Errorf("commands run: %v, want the timeline's $newest", ran)
	}
}

// An invite the bot cannot accept just now (the homeserver failing) is not
// dropped: the sync that carried it comes again, and the bot joins.
func TestSyncComesAgainForAnInviteThatCouldNotBeAccepted(t *testing.T) {
	hs, tb := connectedBot(t)
	invite := map[string]any{"next_batch": "s1", "rooms": map[string]any{"invite": map[string]any{
		"!dm:smartup.test": map[string]any{"invite_state": map[string]any{"events": []any{map[string]any{
			"type": "m.room.member", "state_key": botID, "sender": "@alice:smartup.test", "content": map[string]any{"membership": "invite"},
		}}}},
	}}}
	answerSync(hs, "s0", invite)
	var joins atomic.Int32
	hs.on("/join", func(w http.ResponseWriter, r *http.Request) {
		if joins.Add(1) <= 10 { // longer than one retry budget
			writeJSON(w, 502, map[string]any{})
			return
		}
		writeJSON(w, 200, map[string]any{"room_id": "!dm:smartup.test"})
	})
	syncFromTo(t, hs, tb, "s0", "s1")
	got := sinces(hs.seen("/sync"))
	if len(got) < 3 || got[0] != "s0" || got[1] != "s0" {
		t.Errorf("syncs asked from %v, want s0 again after the failed join", got)
	}
	if n := joins.Load(); n != 11 {
		t.Errorf("%d join attempts, want 11 (the last one succeeds)", n)
	}
}

// After a restart the bot has a position, and its first sync still asks
// for what waits without a long poll: the scheduled jobs start once it
// has caught up, and a long poll would hold them for half a minute.
func TestFirstSyncOfARunDoesNotWait(t *testing.T) {
	hs, tb := connectedBot(t)
	answerSync(hs, "s0", syncBody("s1", false, ""))
	syncFromTo(t, hs, tb, "s0", "s1")
	var timeouts []string
	for _, r := range hs.seen("/sync") {
		timeouts = append(timeouts, r.Query["since"]+":"+r.Query["timeout"])
	}
	if len(timeouts) < 2 || timeouts[0] != "s0:0" || timeouts[1] == "s1:0" {
		t.Errorf("syncs (since:timeout) %v, want the first from s0 without waiting and the next one long-polling", timeouts)
	}
}

// In an encrypted room a gap's commands are m.room.encrypted events: the
// bot must ask for them too, or they are skipped without a word.
func TestGapFillingAsksForEncryptedEvents(t *testing.T) {
	hs, tb := connectedBot(t)
	carol := "@carol:smartup.test"
	answerSync(hs, "s0", syncBody("s1", true, "p1", textEvent("$2", carol, "!wallet", time.Now())))
	hs.on("/messages", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"start": r.URL.Query().Get("from"), "chunk": []any{}})
	})
	syncFromTo(t, hs, tb, "s0", "s1")
	asked := hs.seen("/messages")
	if len(asked) == 0 {
		t.Fatal("the gap was not filled")
	}
	var filter struct {
		Types []string `json:"types"`
	}
	if err := json.Unmarshal([]byte(asked[0].Query["filter"]), &filter); err != nil {
		t.Fatalf("the gap's filter %q: %v", asked[0].Query["filter"], err)
	}
	for _, want := range []string{"m.room.message", "m.room.encrypted"} {
		if !slices.Contains(filter.Types, want) {
			t.Errorf("the gap's filter asks for %v, not %s", filter.Types, want)
		}
	}
}
