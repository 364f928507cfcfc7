package bot

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/bot/lane"
	"smartup0.org/engelbot/bot/state"
)

// offlineBot is a bot with a fresh database and no homeserver, first
// started at first, whose clock says now; the commands its lanes run are
// recorded in the list returned.
func offlineBot(t *testing.T, first, now time.Time) (*Bot, *state.DB, func() []string) {
	t.Helper()
	db, err := state.Open(t.Context(), t.TempDir()+"/state.db", zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	var mu sync.Mutex
	var queued []string
	b := New(Config{ServerName: "smartup.test", UserID: "@engelbot:smartup.test"}, db, nil, zerolog.Nop())
	b.firstStart = first
	b.now = func() time.Time { return now }
	b.client = &mautrix.Client{UserID: "@engelbot:smartup.test"}
	b.lanes = lane.New(func(ev state.Event, _ *lane.Turn) { mu.Lock(); queued = append(queued, ev.ID); mu.Unlock() })
	return b, db, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), queued...) }
}

// Only commands from people of our own homeserver, sent after the bot's
// first start, that are plain text and not edits, are queued — once each.
func TestConsiderFiltersEvents(t *testing.T) {
	ctx := context.Background()
	first := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	b, db, ran := offlineBot(t, first, first.Add(24*time.Hour))

	msg := func(evtID, sender string, at time.Time, content map[string]any) *event.Event {
		raw, _ := json.Marshal(content)
		return &event.Event{
			ID: id.EventID(evtID), RoomID: "!room:smartup.test", Sender: id.UserID(sender), Type: event.EventMessage,
			Timestamp: at.UnixMilli(), Content: event.Content{VeryRaw: raw},
		}
	}
	later := first.Add(time.Hour)
	text := map[string]any{"msgtype": "m.text", "body": "!help"}
	for _, evt := range []*event.Event{
		msg("$ok", "@carol:smartup.test", later, text),
		msg("$ok", "@carol:smartup.test", later, text), // redelivered
		msg("$own", "@engelbot:smartup.test", later, text),
		msg("$foreign", "@carol:elsewhere.org", later, text),
		msg("$old", "@carol:smartup.test", first.Add(-time.Minute), text),
		msg("$notice", "@carol:smartup.test", later, map[string]any{"msgtype": "m.notice", "body": "!help"}),
		msg("$talk", "@carol:smartup.test", later, map[string]any{"msgtype": "m.text", "body": "hello !help"}),
		msg("$edit", "@carol:smartup.test", later, map[string]any{
			"msgtype": "m.text", "body": "* !help",
			"m.new_content": map[string]any{"msgtype": "m.text", "body": "!help"},
			"m.relates_to":  map[string]any{"rel_type": "m.replace", "event_id": "$ok"},
		}),
		msg("$thread", "@dave:smartup.test", later, map[string]any{
			"msgtype": "m.text", "body": "!my_tasks",
			"m.relates_to": map[string]any{"rel_type": "m.thread", "event_id": "$root"},
		}),
	} {
		if err := b.consider(ctx, evt); err != nil {
			t.Fatal(err)
		}
	}
	b.lanes.Wait()
	queued := ran()
	if len(queued) != 2 || !(queued[0] == "$ok" || queued[1] == "$ok") || !(queued[0] == "$thread" || queued[1] == "$thread") {
		t.Fatalf("queued %v, want $ok and $thread once each", queued)
	}
	pending, err := db.Unfinished(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pending {
		if p.ID == "$thread" && p.Thread != "$root" {
			t.Errorf("the thread root was not recorded: %+v", p)
		}
	}
}

// A command older than the bot keeps records of handled commands is not
// run: its record may have been forgotten, so it might have run before.
func TestConsiderIgnoresCommandsOlderThanItsMemory(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	b, _, ran := offlineBot(t, now.Add(-365*24*time.Hour), now)
	for _, c := range []struct {
		id  string
		age time.Duration
	}{{"$recent", rememberFor - time.Hour}, {"$forgotten", rememberFor + time.Hour}} {
		raw, _ := json.Marshal(map[string]any{"msgtype": "m.text", "body": "!wallet"})
		evt := &event.Event{ID: id.EventID(c.id), RoomID: "!r:smartup.test", Sender: "@carol:smartup.test", Type: event.EventMessage,
			Timestamp: now.Add(-c.age).UnixMilli(), Content: event.Content{VeryRaw: raw}}
		if err := b.consider(ctx, evt); err != nil {
			t.Fatal(err)
		}
	}
	b.lanes.Wait()
	if queued := ran(); len(queued) != 1 || queued[0] != "$recent" {
		t.Errorf("queued %v, want only $recent", queued)
	}
}

// Pruning forgets what was handled longer ago than the bot remembers, and
// keeps what is recent or unanswered.
func TestPruneForgetsOldHandledCommands(t *testing.T) {
	ctx := context.Background()
	b, db, _ := offlineBot(t, time.Now(), time.Now().Add(rememberFor+time.Hour))
	for _, evtID := range []string{"$old", "$unanswered"} {
		if _, err := db.Claim(ctx, state.Event{ID: evtID}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Finish(ctx, "$old", "$r"); err != nil {
		t.Fatal(err)
	}
	b.prune(ctx)
	for evtID, want := range map[string]bool{"$old": true, "$unanswered": false} {
		first, err := db.Claim(ctx, state.Event{ID: evtID})
		if err != nil {
			t.Fatal(err)
		}
		if first != want {
			t.Errorf("after pruning, claiming %s again is first=%v, want %v", evtID, first, want)
		}
	}
}
