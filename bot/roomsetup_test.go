package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/toolbox"
)

// roomsHomeserver is a stand-in whose aliases, rooms and room creation the
// test sets: aliases maps an alias to its room ("" : not found).
type roomsHomeserver struct {
	*standIn
	mu      sync.Mutex
	aliases map[string]string
	closed  map[string]bool // rooms the bot may not join
	inUse   map[string]bool // local parts whose creation is refused as taken, and then resolve
	created []map[string]any
}

func newRoomsHomeserver(t *testing.T) *roomsHomeserver {
	hs := &roomsHomeserver{standIn: newStandIn(t), aliases: map[string]string{}, closed: map[string]bool{}, inUse: map[string]bool{}}
	hs.on("/account/whoami", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"user_id": botID, "device_id": "BOTDEVICE"})
	})
	hs.on("/directory/room/", func(w http.ResponseWriter, r *http.Request) {
		alias := r.URL.Path[strings.Index(r.URL.Path, "/directory/room/")+len("/directory/room/"):]
		hs.mu.Lock()
		roomID := hs.aliases[alias]
		hs.mu.Unlock()
		if roomID == "" {
			matrixError(w, 404, "M_NOT_FOUND", "Room alias not found", nil)
			return
		}
		writeJSON(w, 200, map[string]any{"room_id": roomID, "servers": []string{testServer}})
	})
	hs.on("/createRoom", func(w http.ResponseWriter, r *http.Request) {
		var req map[string]any
		_ = json.NewDecoder(r.Body).Decode(&req)
		local, _ := req["room_alias_name"].(string)
		alias := "#" + local + ":" + testServer
		hs.mu.Lock()
		defer hs.mu.Unlock()
		if hs.inUse[local] {
			hs.aliases[alias] = "!taken:" + testServer
			matrixError(w, 400, "M_ROOM_IN_USE", "Room alias already exists", nil)
			return
		}
		hs.created = append(hs.created, req)
		roomID := "!new-" + local + ":" + testServer
		hs.aliases[alias] = roomID
		writeJSON(w, 200, map[string]any{"room_id": roomID})
	})
	hs.on("/join", func(w http.ResponseWriter, r *http.Request) {
		hs.mu.Lock()
		defer hs.mu.Unlock()
		for roomID := range hs.closed {
			if strings.Contains(r.URL.Path, roomID) {
				matrixError(w, 403, "M_FORBIDDEN", "You are not invited to this room.", nil)
				return
			}
		}
		writeJSON(w, 200, map[string]any{"room_id": "!joined:" + testServer})
	})
	hs.on("/state/m.room.power_levels", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"users": map[string]any{"@alice:" + testServer: 100}, "redact": 50})
	})
	hs.on("/state/m.room.join_rules", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"join_rule": "public"})
	})
	return hs
}

// communityToolbox is a toolbox over a ledger with two active teams.
func communityToolbox(t *testing.T) *toolbox.Toolbox {
	t.Helper()
	store, err := localgit.Open(t.TempDir()+"/ledger.git", "main")
	if err != nil {
		t.Fatal(err)
	}
	l, err := ledger.Open(t.Context(), store, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	if _, err := l.Apply(t.Context(), ledger.Mutation{EventID: "$seed", Actor: "engelbot", Command: "seed",
		Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
			tx.PutTeam(ledger.Team{ID: "3_1_leadership_team", Name: "Leadership team", Status: ledger.StatusActive})
			tx.PutTeam(ledger.Team{ID: "3_7_operational_team", Name: "Operational team", Status: ledger.StatusActive})
			return ledger.Outcome{Action: "test.seed", Target: "test", Reply: "ok"}, nil
		}}); err != nil {
		t.Fatal(err)
	}
	return toolbox.New(l, toolbox.Config{Founder: "@alice:" + testServer})
}

// At start the bot knows the community's rooms by their canonical aliases;
// a room the configuration names keeps the configuration's kind, and a
// team the configuration gives a room keeps it for its announcements.
func TestCanonicalRoomsAreKnownAtStart(t *testing.T) {
	hs := newRoomsHomeserver(t)
	hs.aliases["#1_general_forum:"+testServer] = "!forum:" + testServer
	hs.aliases["#3_1_leadership_team:"+testServer] = "!lead:" + testServer
	// The configuration names the operational team's room elsewhere, and
	// says the room under its canonical alias is the workplace.
	hs.aliases["#3_7_operational_team:"+testServer] = "!ops-alias:" + testServer
	b := newTestBot(t, hs.standIn, Config{AccessToken: "tok", Rooms: map[string]toolbox.Room{
		"!ops:" + testServer:       {Kind: toolbox.RoomTeam, Team: "3_7_operational_team"},
		"!ops-alias:" + testServer: {Kind: toolbox.RoomWorkplace},
	}})
	b.tb = communityToolbox(t)
	if err := b.connect(t.Context()); err != nil {
		t.Fatal(err)
	}
	b.resolveRooms(t.Context())
	for roomID, want := range map[string]toolbox.Room{
		"!forum:":     {Kind: toolbox.RoomForum},
		"!lead:":      {Kind: toolbox.RoomTeam, Team: "3_1_leadership_team"},
		"!ops:":       {Kind: toolbox.RoomTeam, Team: "3_7_operational_team"},
		"!ops-alias:": {Kind: toolbox.RoomWorkplace},
	} {
		if got, ok := b.rooms.kind(idOf(roomID + testServer)); !ok || got != want {
			t.Errorf("%s is known as %+v (%v), want %+v", roomID, got, ok, want)
		}
	}
	for _, c := range []struct {
		a    toolbox.Announcement
		want string
	}{
		{toolbox.Announcement{Team: "3_7_operational_team"}, "!ops:"},
		{toolbox.Announcement{Team: "3_1_leadership_team"}, "!lead:"},
		{toolbox.Announcement{Team: "3_7_operational_team", Workplace: true}, "!ops-alias:"},
	} {
		if got, ok := b.rooms.announcedIn(c.a); !ok || string(got) != c.want+testServer {
			t.Errorf("%+v goes to %s (%v), want %s", c.a, got, ok, c.want+testServer)
		}
	}
}

// EnsureRoom creates a missing room as the community wants it, adopts one
// whose alias exists (also one taken while it was creating it), says what
// to do about one it cannot join, and from then on the room's kind is
// known — while commands in other rooms read what the bot knows.
func TestEnsureRoom(t *testing.T) {
	hs := newRoomsHomeserver(t)
	hs.aliases["#1_general_forum:"+testServer] = "!forum:" + testServer
	hs.aliases["#3_5_media_team:"+testServer] = "!media:" + testServer
	hs.closed["!media:"+testServer] = true
	hs.inUse["3_1_leadership_team"] = true
	b := newTestBot(t, hs.standIn, Config{AccessToken: "tok"})
	b.tb = communityToolbox(t)
	if err := b.connect(t.Context()); err != nil {
		t.Fatal(err)
	}

	// Commands keep asking what rooms are while rooms are learnt.
	var stop atomic.Bool
	reading := make(chan struct{})
	go func() {
		defer close(reading)
		for !stop.Load() {
			_, _ = b.roomFor(context.Background(), idOf("!forum:"+testServer))
			b.rooms.announcedIn(toolbox.Announcement{Workplace: true})
		}
	}()
	invite := []string{"@ada:" + testServer, "@alice:" + testServer}
	results := map[string]toolbox.RoomResult{}
	for _, spec := range []toolbox.RoomSpec{
		{Alias: "#1_general_forum:" + testServer, Name: "General forum", Room: toolbox.Room{Kind: toolbox.RoomForum}, Invite: invite},
		{Alias: "#2_workplace:" + testServer, Name: "Workplace", Topic: "Work", Room: toolbox.Room{Kind: toolbox.RoomWorkplace}, Invite: invite},
		{Alias: "#3_1_leadership_team:" + testServer, Name: "Leadership team", Room: toolbox.Room{Kind: toolbox.RoomTeam, Team: "3_1_leadership_team"}, Invite: invite},
		{Alias: "#3_5_media_team:" + testServer, Name: "Media team", Room: toolbox.Room{Kind: toolbox.RoomTeam, Team: "3_5_media_team"}, Invite: invite},
	} {
		results[spec.Alias] = b.EnsureRoom(t.Context(), spec)
	}
	stop.Store(true)
	<-reading

	forum := results["#1_general_forum:"+testServer]
	if forum.Done != toolbox.RoomAdopted || !strings.Contains(forum.Note, "I cannot remove messages there (that needs power 50, I have 0)") ||
		!strings.Contains(forum.Note, "anyone on the homeserver can join it") {
		t.Errorf("the forum: %+v", forum)
	}
	if r := results["#2_workplace:"+testServer]; r.Done != toolbox.RoomCreated || r.Note != "" {
		t.Errorf("the workplace: %+v", r)
	}
	if r := results["#3_1_leadership_team:"+testServer]; r.Done != toolbox.RoomAdopted {
		t.Errorf("the leadership room, whose alias was taken while it was being created: %+v", r)
	}
	if r := results["#3_5_media_team:"+testServer]; r.Done != toolbox.RoomFailed ||
		!strings.Contains(r.Note, "I am not in it and cannot join it: invite `"+botID+"` to it, then run `!setup_rooms` again") {
		t.Errorf("the media room, which the bot cannot join: %+v", r)
	}

	hs.mu.Lock()
	created := hs.created
	hs.mu.Unlock()
	if len(created) != 1 {
		t.Fatalf("%d rooms created, want 1 (the workplace): %v", len(created), created)
	}
	req := created[0]
	users, _ := req["power_level_content_override"].(map[string]any)["users"].(map[string]any)
	state, _ := json.Marshal(req["initial_state"])
	if req["preset"] != "private_chat" || req["visibility"] != "private" || req["room_alias_name"] != "2_workplace" ||
		req["name"] != "Workplace" || req["topic"] != "Work" ||
		users[botID] != 100.0 || users["@ada:"+testServer] != 100.0 || users["@alice:"+testServer] != 100.0 || len(users) != 3 ||
		!strings.Contains(string(state), `"history_visibility":"shared"`) || !strings.Contains(string(state), `"guest_access":"forbidden"`) {
		t.Errorf("the workplace was created with %v", req)
	}
	if inv, _ := json.Marshal(req["invite"]); string(inv) != `["@ada:smartup.test","@alice:smartup.test"]` {
		t.Errorf("invited %s, want the admin and the founder", inv)
	}

	for roomID, want := range map[string]toolbox.Room{
		"!forum:":           {Kind: toolbox.RoomForum},
		"!new-2_workplace:": {Kind: toolbox.RoomWorkplace},
		"!taken:":           {Kind: toolbox.RoomTeam, Team: "3_1_leadership_team"},
		"!media:":           {Kind: toolbox.RoomOther},
	} {
		// The media room is not known: roomFor would count its members.
		got, ok := b.rooms.kind(idOf(roomID + testServer))
		if want.Kind == toolbox.RoomOther {
			if ok {
				t.Errorf("%s, which the bot could not join, is known as %+v", roomID, got)
			}
			continue
		}
		if !ok || got != want {
			t.Errorf("%s is known as %+v (%v), want %+v", roomID, got, ok, want)
		}
	}
	if got, ok := b.rooms.announcedIn(toolbox.Announcement{Workplace: true}); !ok || got != idOf("!new-2_workplace:"+testServer) {
		t.Errorf("the workplace's announcements go to %s (%v)", got, ok)
	}
}

// idOf names a room in these tests.
func idOf(roomID string) id.RoomID { return id.RoomID(roomID) }
