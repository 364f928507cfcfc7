package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/chat"
	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/demo"
	"smartup0.org/engelbot/servers"
)

// On a real Dendrite, an owner sees the bot typing while a write waits
// for the forge, and not once it is answered; the write's command gets a
// ✅ reaction from the bot, a refused command a ❌, each exactly one.
func TestTheBotShowsItIsWorkingAndHowACommandEnded(t *testing.T) {
	var forge *heldForge
	e := newEnvWith(t, envOptions{configure: func(g *servers.Gitea, cfg *config.Config) {
		forge = holdWrites(t, g.URL)
		cfg.Ledger.Forgejo.URL = forge.url
	}})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	bot := id.UserID(e.cfg.Bot.UserID)
	carol := e.login("carol")
	room := idOf(e.room(demo.RoomTeam))
	seen := watchRoom(ctx, t, carol, room)

	// A write the forge is slow to take: the bot shows it is typing.
	release := forge.hold()
	write, err := carol.Send(ctx, room, "!start_work 6_1_7_1")
	if err != nil {
		t.Fatal(err)
	}
	seen.until(ctx, "the bot typing while the write waits", func() bool { return seen.typing(bot) })
	if got := carol.Replies(write); len(got) != 0 {
		t.Fatalf("answered %q while the write was held", got[0].Body)
	}
	release()
	if r, err := carol.Await(ctx, write); err != nil || !strings.Contains(r.Body, "Work session started") {
		t.Fatalf("the write was answered %q (%v)", r.Body, err)
	}
	seen.until(ctx, "the bot no longer typing, and a reaction on the write", func() bool {
		return !seen.typing(bot) && len(seen.reactionsOn(write, bot)) > 0
	})

	refused, r := e.ask(carol, demo.RoomTeam, "!start_work 6_9_9_9")
	if !strings.Contains(r.Body, "There is no task") {
		t.Fatalf("!start_work on a task that does not exist was answered %q", r.Body)
	}
	// carol's commands run in order: once the refusal's reaction is
	// there, anything the bot was to do for the write is done too.
	seen.until(ctx, "a reaction on the refusal", func() bool { return len(seen.reactionsOn(idOf2(refused), bot)) > 0 })
	if got := seen.reactionsOn(write, bot); !slices.Equal(got, []string{"✅"}) {
		t.Errorf("the bot reacted %q to the write, want one ✅", got)
	}
	if got := seen.reactionsOn(idOf2(refused), bot); !slices.Equal(got, []string{"❌"}) {
		t.Errorf("the bot reacted %q to the refused command (answered %q), want one ❌", got, r.Body)
	}
}

// heldForge stands between the bot and the real Gitea. Once holding, it
// keeps every write waiting until released: a forge slow to commit.
type heldForge struct {
	t    *testing.T
	url  string
	mu   sync.Mutex
	gate chan struct{} // nil: writes pass
}

func holdWrites(t *testing.T, target string) *heldForge {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	h := &heldForge{t: t}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		gate := h.gate
		h.mu.Unlock()
		if gate != nil && r.Method != http.MethodGet {
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL
	return h
}

// hold makes writes wait; the function it returns lets them through,
// and so does the test's end, so that a failed test does not leave the
// bot's writes hanging.
func (h *heldForge) hold() (release func()) {
	gate := make(chan struct{})
	h.mu.Lock()
	h.gate = gate
	h.mu.Unlock()
	var once sync.Once
	release = func() {
		once.Do(func() {
			h.mu.Lock()
			h.gate = nil
			h.mu.Unlock()
			close(gate)
		})
	}
	h.t.Cleanup(release)
	return release
}

// roomSeen is one room as a member's own syncs show it: the reactions in
// its timeline, and who the homeserver says is typing there.
type roomSeen struct {
	t      *testing.T
	mx     *mautrix.Client
	room   id.RoomID
	filter string
	since  string

	reactions map[id.EventID][]seenReaction // by the event they annotate
	typists   []id.UserID
}

type seenReaction struct {
	sender id.UserID
	key    string
}

// watchRoom starts following a room with syncs of c's session: separate
// from the chat client's own, filtered to reactions and typing.
func watchRoom(ctx context.Context, t *testing.T, c *chat.Client, room id.RoomID) *roomSeen {
	t.Helper()
	mx := c.Matrix()
	f, err := mx.CreateFilter(ctx, &mautrix.Filter{Room: &mautrix.RoomFilter{
		Rooms:     []id.RoomID{room},
		Timeline:  &mautrix.FilterPart{Types: []event.Type{event.EventReaction}, Limit: 100},
		Ephemeral: &mautrix.FilterPart{Types: []event.Type{event.EphemeralEventTyping}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	s := &roomSeen{t: t, mx: mx, room: room, filter: f.FilterID, reactions: map[id.EventID][]seenReaction{}}
	if err := s.sync(ctx, 0); err != nil {
		t.Fatalf("syncing: %v", err)
	}
	return s
}

// sync takes one sync from where the last left off, waiting up to timeout
// for news.
func (s *roomSeen) sync(ctx context.Context, timeout time.Duration) error {
	resp, err := s.mx.FullSyncRequest(ctx, mautrix.ReqSync{Timeout: int(timeout.Milliseconds()), Since: s.since, FilterID: s.filter})
	if err != nil {
		return err
	}
	s.since = resp.NextBatch
	joined, ok := resp.Rooms.Join[s.room]
	if !ok {
		return nil
	}
	for _, evt := range joined.Timeline.Events {
		if evt.Type != event.EventReaction || evt.Content.ParseRaw(evt.Type) != nil {
			continue
		}
		rel := evt.Content.AsReaction().RelatesTo
		s.reactions[rel.EventID] = append(s.reactions[rel.EventID], seenReaction{sender: evt.Sender, key: rel.Key})
	}
	for _, evt := range joined.Ephemeral.Events {
		if evt.Type != event.EphemeralEventTyping || evt.Content.ParseRaw(evt.Type) != nil {
			continue
		}
		s.typists = evt.Content.AsTyping().UserIDs
	}
	return nil
}

// until syncs until cond holds; each sync waits for news from the
// homeserver, so nothing is polled.
func (s *roomSeen) until(ctx context.Context, what string, cond func() bool) {
	s.t.Helper()
	for !cond() {
		if err := s.sync(ctx, 30*time.Second); err != nil {
			s.t.Fatalf("never saw %s: %v", what, err)
		}
	}
}

func (s *roomSeen) typing(user id.UserID) bool { return slices.Contains(s.typists, user) }

// reactionsOn are the keys of the reactions user put on an event.
func (s *roomSeen) reactionsOn(evt id.EventID, user id.UserID) []string {
	var keys []string
	for _, r := range s.reactions[evt] {
		if r.sender == user {
			keys = append(keys, r.key)
		}
	}
	return keys
}
