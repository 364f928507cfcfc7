package bot

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/toolbox"
)

// roomsHomeserver is a stand-in whose aliases, rooms and room creation the
// test sets: aliases maps an alias to its room ("" : not found).
type roomsHomeserver struct {
	*standIn
	mu       sync.Mutex
	aliases  map[string]string
	closed   map[string]bool   // rooms the bot may not join (nor look into)
	outside  map[string]bool   // rooms the bot is not in until it joins: it cannot look into them
	creators map[string]string // who created a room; the founder when not named
	inUse    map[string]bool   // local parts whose creation is refused as taken, and then resolve
	created  []map[string]any
	left     []string // rooms the bot left
}

func newRoomsHomeserver(t *testing.T) *roomsHomeserver {
	hs := &roomsHomeserver{standIn: newStandIn(t), aliases: map[string]string{}, closed: map[string]bool{},
		outside: map[string]bool{}, creators: map[string]string{}, inUse: map[string]bool{}}
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
		for roomID := range hs.outside {
			if strings.Contains(r.URL.Path, roomID) {
				delete(hs.outside, roomID)
			}
		}
		writeJSON(w, 200, map[string]any{"room_id": "!joined:" + testServer})
	})
	hs.on("/leave", func(w http.ResponseWriter, r *http.Request) {
		roomID := roomOfPath(r.URL.Path)
		hs.mu.Lock()
		defer hs.mu.Unlock()
		hs.left = append(hs.left, roomID)
		hs.outside[roomID] = true
		writeJSON(w, 200, map[string]any{})
	})
	// The whole create event, as a homeserver that knows ?format=event
	// sends it; the sender is who created the room.
	hs.on("/state/m.room.create", func(w http.ResponseWriter, r *http.Request) {
		roomID := roomOfPath(r.URL.Path)
		hs.mu.Lock()
		defer hs.mu.Unlock()
		if hs.outside[roomID] || hs.closed[roomID] {
			matrixError(w, 403, "M_FORBIDDEN", "user has never joined this room", nil)
			return
		}
		creator := cmp.Or(hs.creators[roomID], "@alice:"+testServer)
		writeJSON(w, 200, map[string]any{"type": "m.room.create", "state_key": "", "room_id": roomID, "event_id": "$create",
			"sender": creator, "content": map[string]any{"room_version": "11"}})
	})
	hs.on("/state/m.room.power_levels", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"users": map[string]any{"@alice:" + testServer: 100}, "redact": 50})
	})
	hs.on("/state/m.room.join_rules", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"join_rule": "public"})
	})
	return hs
}

// roomOfPath is the room a /rooms/{roomId}/… request is about.
func roomOfPath(path string) string {
	_, rest, _ := strings.Cut(path, "/rooms/")
	roomID, _, _ := strings.Cut(rest, "/")
	return roomID
}

// communityToolbox is a toolbox over a ledger with two active teams; alice
// founded the community and ada is an admin.
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
	return toolbox.New(l, toolbox.Config{Founder: "@alice:" + testServer, Admins: []string{"@ada:" + testServer}})
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
		{toolbox.Announcement{Forum: true}, "!forum:"}, // a forum proposal's result
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

// A room under a canonical alias is the community's only when the bot,
// the founder or an admin created it: at start, one a stranger made is not
// learnt (one warning names the alias and who made it), and the bot leaves
// it when it joined only to look; a room the configuration names is
// trusted as the operator said.
func TestSquattedAliasesAreNotLearntAtStart(t *testing.T) {
	hs := newRoomsHomeserver(t)
	mallory := "@mallory:" + testServer
	// The configuration names the forum: whoever made it, it is the forum.
	hs.aliases["#1_general_forum:"+testServer] = "!forum:" + testServer
	hs.creators["!forum:"+testServer] = mallory
	// mallory put the workplace's alias on a room of her own, open to all.
	hs.aliases["#2_workplace:"+testServer] = "!squat:" + testServer
	hs.creators["!squat:"+testServer] = mallory
	hs.outside["!squat:"+testServer] = true
	// The bot made the leadership team's room; ada, an admin, the
	// operational team's, which the bot is not in yet.
	hs.aliases["#3_1_leadership_team:"+testServer] = "!lead:" + testServer
	hs.creators["!lead:"+testServer] = botID
	hs.aliases["#3_7_operational_team:"+testServer] = "!ops:" + testServer
	hs.creators["!ops:"+testServer] = "@ada:" + testServer
	hs.outside["!ops:"+testServer] = true

	b := newTestBot(t, hs.standIn, Config{AccessToken: "tok", Rooms: map[string]toolbox.Room{
		"#1_general_forum:" + testServer: {Kind: toolbox.RoomForum},
	}})
	var logged bytes.Buffer
	b.log = zerolog.New(&logged)
	b.tb = communityToolbox(t)
	if err := b.connect(t.Context()); err != nil {
		t.Fatal(err)
	}
	b.resolveRooms(t.Context())

	for roomID, want := range map[string]toolbox.Room{
		"!forum:": {Kind: toolbox.RoomForum},
		"!lead:":  {Kind: toolbox.RoomTeam, Team: "3_1_leadership_team"},
		"!ops:":   {Kind: toolbox.RoomTeam, Team: "3_7_operational_team"},
	} {
		if got, ok := b.rooms.kind(idOf(roomID + testServer)); !ok || got != want {
			t.Errorf("%s is known as %+v (%v), want %+v", roomID, got, ok, want)
		}
	}
	if got, ok := b.rooms.kind(idOf("!squat:" + testServer)); ok {
		t.Errorf("mallory's room is known as %+v", got)
	}
	if got, ok := b.rooms.announcedIn(toolbox.Announcement{Workplace: true}); ok {
		t.Errorf("the workplace's announcements go to %s", got)
	}
	hs.mu.Lock()
	left := hs.left
	hs.mu.Unlock()
	if strings.Join(left, " ") != "!squat:"+testServer {
		t.Errorf("the bot left %v, want only mallory's room, which it joined to look", left)
	}
	var warnings []string
	for line := range strings.Lines(logged.String()) {
		if strings.Contains(line, `"level":"warn"`) {
			warnings = append(warnings, line)
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], `"alias":"#2_workplace:`+testServer+`"`) ||
		!strings.Contains(warnings[0], `"creator":"`+mallory+`"`) {
		t.Errorf("want one warning naming the workplace's alias and mallory, got %q", warnings)
	}
}

// !setup_rooms does not adopt a room under a canonical alias that a
// stranger made: it says who made it and what to do, and leaves the room
// if it joined only to look. A room an admin made, or one the
// configuration names, is adopted.
func TestEnsureRoomRefusesARoomAStrangerMade(t *testing.T) {
	hs := newRoomsHomeserver(t)
	mallory := "@mallory:" + testServer
	hs.aliases["#2_workplace:"+testServer] = "!squat:" + testServer
	hs.creators["!squat:"+testServer] = mallory
	hs.outside["!squat:"+testServer] = true
	// mallory invited the bot into this one: it is in it already.
	hs.aliases["#3_1_leadership_team:"+testServer] = "!invited:" + testServer
	hs.creators["!invited:"+testServer] = mallory
	hs.aliases["#3_7_operational_team:"+testServer] = "!ops:" + testServer
	hs.creators["!ops:"+testServer] = mallory
	hs.aliases["#1_general_forum:"+testServer] = "!forum:" + testServer
	hs.creators["!forum:"+testServer] = "@ada:" + testServer
	hs.outside["!forum:"+testServer] = true
	b := newTestBot(t, hs.standIn, Config{AccessToken: "tok", Rooms: map[string]toolbox.Room{
		"!ops:" + testServer: {Kind: toolbox.RoomTeam, Team: "3_7_operational_team"},
	}})
	b.tb = communityToolbox(t)
	if err := b.connect(t.Context()); err != nil {
		t.Fatal(err)
	}
	b.resolveRooms(t.Context())
	hs.mu.Lock()
	hs.left = nil // what resolving at start did is another test's
	hs.outside["!squat:"+testServer] = true
	hs.mu.Unlock()

	results := map[string]toolbox.RoomResult{}
	for _, spec := range []toolbox.RoomSpec{
		{Alias: "#1_general_forum:" + testServer, Room: toolbox.Room{Kind: toolbox.RoomForum}},
		{Alias: "#2_workplace:" + testServer, Room: toolbox.Room{Kind: toolbox.RoomWorkplace}},
		{Alias: "#3_1_leadership_team:" + testServer, Room: toolbox.Room{Kind: toolbox.RoomTeam, Team: "3_1_leadership_team"}},
		{Alias: "#3_7_operational_team:" + testServer, Room: toolbox.Room{Kind: toolbox.RoomTeam, Team: "3_7_operational_team"}},
	} {
		results[spec.Alias] = b.EnsureRoom(t.Context(), spec)
	}
	for _, alias := range []string{"#2_workplace:", "#3_1_leadership_team:"} {
		r := results[alias+testServer]
		if r.Done != toolbox.RoomFailed || !strings.Contains(r.Note, "it was made by `"+mallory+"`, who is neither Engelbot, the founder nor an admin") ||
			!strings.Contains(r.Note, "an admin removes the alias `"+alias+testServer+"` from that room, then runs `!setup_rooms` again") {
			t.Errorf("%s, which mallory made: %+v", alias, r)
		}
	}
	for _, alias := range []string{"#1_general_forum:", "#3_7_operational_team:"} {
		if r := results[alias+testServer]; r.Done != toolbox.RoomAdopted {
			t.Errorf("%s: %+v, want adopted", alias, r)
		}
	}
	for _, roomID := range []string{"!squat:", "!invited:"} {
		if got, ok := b.rooms.kind(idOf(roomID + testServer)); ok {
			t.Errorf("%s, which mallory made, is known as %+v", roomID, got)
		}
	}
	hs.mu.Lock()
	left := hs.left
	hs.mu.Unlock()
	if strings.Join(left, " ") != "!squat:"+testServer {
		t.Errorf("the bot left %v, want only the room it joined to look", left)
	}
}

// The toolbox's pointers name each room of the community as the bot knows
// it: by the configuration's alias, else by the canonical alias of the
// room found under it, else by the configured room ID; a kind the bot
// knows no room of is not named, until !setup_rooms sets one up.
func TestAliasOfNamesTheRoomsTheBotKnows(t *testing.T) {
	hs := newRoomsHomeserver(t)
	hs.aliases["#ops:"+testServer] = "!ops:" + testServer
	hs.aliases["#3_7_operational_team:"+testServer] = "!ops:" + testServer
	hs.aliases["#2_workplace:"+testServer] = "!wp:" + testServer
	b := newTestBot(t, hs.standIn, Config{AccessToken: "tok", Rooms: map[string]toolbox.Room{
		"#ops:" + testServer:  {Kind: toolbox.RoomTeam, Team: "3_7_operational_team"},
		"!wp:" + testServer:   {Kind: toolbox.RoomWorkplace},
		"!lead:" + testServer: {Kind: toolbox.RoomTeam, Team: "3_1_leadership_team"},
	}})
	b.tb = communityToolbox(t)
	if err := b.connect(t.Context()); err != nil {
		t.Fatal(err)
	}
	b.resolveRooms(t.Context())
	forum := toolbox.Room{Kind: toolbox.RoomForum}
	for room, want := range map[toolbox.Room]string{
		{Kind: toolbox.RoomTeam, Team: "3_7_operational_team"}: "#ops:" + testServer,
		{Kind: toolbox.RoomWorkplace}:                          "#2_workplace:" + testServer,
		{Kind: toolbox.RoomTeam, Team: "3_1_leadership_team"}:  "!lead:" + testServer,
		{Kind: toolbox.RoomTeam, Team: "3_5_media_team"}:       "",
		forum: "",
	} {
		if got := b.AliasOf(room); got != want {
			t.Errorf("the %s is named %q, want %q", describeRoom(room), got, want)
		}
	}
	if r := b.EnsureRoom(t.Context(), toolbox.RoomSpec{Alias: "#1_general_forum:" + testServer, Room: forum}); r.Done != toolbox.RoomCreated {
		t.Fatalf("the forum: %+v", r)
	}
	if got := b.AliasOf(forum); got != "#1_general_forum:"+testServer {
		t.Errorf("the forum, once created, is named %q", got)
	}
}

// idOf names a room in these tests.
func idOf(roomID string) id.RoomID { return id.RoomID(roomID) }
