package toolbox_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// roomsRecorder stands in for the homeserver's rooms in the toolbox's own
// tests, which are about what the toolbox asks for and answers; the
// end-to-end test (e2e/rooms_test.go) sets rooms up on a real Dendrite. An
// alias it has seen is adopted, one in unreachable could not be set up, any
// other is created.
type roomsRecorder struct {
	mu          sync.Mutex
	exists      map[string]bool
	unreachable map[string]bool
	asked       []toolbox.RoomSpec
	known       map[toolbox.Room]string // what the bot would name each room it knows
}

func (r *roomsRecorder) AliasOf(room toolbox.Room) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.known[room]
}

func (r *roomsRecorder) EnsureRoom(_ context.Context, spec toolbox.RoomSpec) toolbox.RoomResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.asked = append(r.asked, spec)
	switch {
	case r.unreachable[spec.Alias]:
		return toolbox.RoomResult{Done: toolbox.RoomFailed, Note: "I am not in it; invite me"}
	case r.exists[spec.Alias]:
		return toolbox.RoomResult{Done: toolbox.RoomAdopted}
	}
	if r.exists == nil {
		r.exists = map[string]bool{}
	}
	r.exists[spec.Alias] = true
	return toolbox.RoomResult{Done: toolbox.RoomCreated}
}

func (r *roomsRecorder) take() []toolbox.RoomSpec {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.asked
	r.asked = nil
	return out
}

// !setup_rooms asks for the forum, the workplace and one room per active
// team, with the admin and the founder invited; it answers what happened
// to each; its audit row is written once; a second run creates nothing
// and has a row of its own.
func TestSetupRooms(t *testing.T) {
	f := newCaptainFixture(t)
	f.mutate("a closed team", func(tx *ledger.Tx) {
		tx.PutTeam(ledger.Team{ID: "3_6_science_team", Name: "Science team", Status: ledger.StatusInactive})
	})
	tb := toolbox.New(f.l, toolbox.Config{Founder: "@alice:s.test", Admins: []string{"@ada:s.test"}, ServerName: "s.test"})
	f.mutate("an admin", func(tx *ledger.Tx) {
		tx.PutOwner(ledger.Owner{Alias: "ada", MatrixID: "@ada:s.test", License: ledger.LicenseOrganizational, Status: ledger.StatusActive})
	})
	rooms := &roomsRecorder{
		exists:      map[string]bool{"#3_7_operational_team:s.test": true},
		unreachable: map[string]bool{"#3_5_media_team:s.test": true},
	}
	tb.SetRooms(rooms)
	dm := toolbox.Room{Kind: toolbox.RoomDirect}

	before := f.head()
	first := f.request(tb, toolbox.Request{Sender: "@ada:s.test", Room: dm, Command: "setup_rooms"})
	if first.Refused {
		t.Fatalf("refused: %s", first.Text)
	}
	asked := rooms.take()
	var aliases []string
	for _, s := range asked {
		aliases = append(aliases, s.Alias)
		if strings.Join(s.Invite, " ") != "@ada:s.test @alice:s.test" {
			t.Errorf("%s invites %v, want the admin and the founder", s.Alias, s.Invite)
		}
	}
	want := "#1_general_forum:s.test #2_workplace:s.test #3_5_media_team:s.test #3_7_operational_team:s.test"
	if got := strings.Join(aliases, " "); got != want {
		t.Errorf("asked for %s, want %s (the closed science team has no room)", got, want)
	}
	if asked[0].Room.Kind != toolbox.RoomForum || asked[1].Room.Kind != toolbox.RoomWorkplace ||
		asked[3].Room != (toolbox.Room{Kind: toolbox.RoomTeam, Team: "3_7_operational_team"}) || asked[3].Name != "Operational team" {
		t.Errorf("the rooms' kinds and names: %+v", asked)
	}
	for _, line := range []string{
		"`#1_general_forum:s.test` (forum): created",
		"`#2_workplace:s.test` (workplace): created",
		"`#3_5_media_team:s.test` (team room): could not be set up — I am not in it; invite me",
		"`#3_7_operational_team:s.test` (team room): adopted",
		"2 created",
	} {
		if !strings.Contains(first.Text, line) {
			t.Errorf("the answer does not say %q:\n%s", line, first.Text)
		}
	}
	if f.head() == before {
		t.Fatalf("creating rooms wrote no audit row")
	}
	row, ok := f.l.Current().Applied(f.lastEvent())
	if !ok || row.Actor != "ada" || row.Action != "rooms.setup" ||
		row.Target != "created #1_general_forum:s.test #2_workplace:s.test; adopted #3_7_operational_team:s.test" {
		t.Errorf("the first run's audit row: %+v (found: %v)", row, ok)
	}

	// The same command delivered again is answered as before, without
	// asking the homeserver again.
	again := f.request(tb, toolbox.Request{Sender: "@ada:s.test", Room: dm, Command: "setup_rooms", EventID: f.lastEvent()})
	if again.Text != first.Text || !again.Duplicate {
		t.Errorf("a redelivered command answered %+v, want the first answer", again)
	}
	if n := len(rooms.take()); n != 0 {
		t.Errorf("a redelivered command asked for %d rooms again", n)
	}

	// A second run is an action of its own: it creates nothing, and its
	// audit row says it adopted the rooms.
	second := f.request(tb, toolbox.Request{Sender: "@ada:s.test", Room: dm, Command: "setup_rooms"})
	if !strings.Contains(second.Text, "Nothing new was created") || strings.Contains(second.Text, ": created") {
		t.Errorf("a second run: %s", second.Text)
	}
	row, ok = f.l.Current().Applied(f.lastEvent())
	if !ok || row.Action != "rooms.setup" ||
		row.Target != "created none; adopted #1_general_forum:s.test #2_workplace:s.test #3_7_operational_team:s.test" {
		t.Errorf("the second run's audit row: %+v (found: %v)", row, ok)
	}
}

// Rooms are set up before the audit row is written. A command that set
// them up but crashed before its row is delivered again, finds every room
// there, and still leaves its row, keyed by its event ID, so that the
// action is in the audit trail and a further delivery is a duplicate. A
// run that could set no room up writes nothing.
func TestSetupRoomsReplayedAfterACrashIsAudited(t *testing.T) {
	f := newCaptainFixture(t)
	tb := toolbox.New(f.l, toolbox.Config{Founder: "@alice:s.test", ServerName: "s.test"})
	dm := toolbox.Room{Kind: toolbox.RoomDirect}
	var aliases []string
	for _, s := range tb.CommunityRooms() {
		aliases = append(aliases, s.Alias)
	}

	nowhere := &roomsRecorder{unreachable: map[string]bool{}}
	for _, a := range aliases {
		nowhere.unreachable[a] = true
	}
	tb.SetRooms(nowhere)
	head := f.head()
	if r := f.request(tb, toolbox.Request{Sender: "@alice:s.test", Room: dm, Command: "setup_rooms"}); !strings.Contains(r.Text, "could not be set up") {
		t.Errorf("a run that could set nothing up answered %s", r.Text)
	}
	if f.head() != head {
		t.Errorf("a run that could set no room up wrote to the ledger")
	}

	// The crashed run created every room; its command comes again.
	existing := &roomsRecorder{exists: map[string]bool{}}
	for _, a := range aliases {
		existing.exists[a] = true
	}
	tb.SetRooms(existing)
	replay := toolbox.Request{Sender: "@alice:s.test", Room: dm, Command: "setup_rooms", EventID: "$setup"}
	first := f.request(tb, replay)
	row, ok := f.l.Current().Applied("$setup")
	if !ok || row.Actor != "alice" || row.Action != "rooms.setup" || row.Target != "created none; adopted "+strings.Join(aliases, " ") {
		t.Fatalf("the replayed command's audit row: %+v (found: %v); it answered %s", row, ok, first.Text)
	}
	existing.take()
	again := f.request(tb, replay)
	if !again.Duplicate || again.Text != first.Text {
		t.Errorf("a further delivery answered %+v, want the first answer as a duplicate", again)
	}
	if n := len(existing.take()); n != 0 {
		t.Errorf("a further delivery asked for %d rooms again", n)
	}
}

// Without a homeserver (a console, a test) !setup_rooms says so.
func TestSetupRoomsWithoutHomeserver(t *testing.T) {
	f := newCaptainFixture(t)
	r := f.run("alice", toolbox.Room{Kind: toolbox.RoomDirect}, "!setup_rooms")
	if !r.Refused || !strings.Contains(r.Text, "can't reach the homeserver") {
		t.Errorf("%+v", r)
	}
}

// A command sent in a room it does not belong in is refused with a pointer
// to the room it belongs in, by the alias the bot knows it by (the
// configuration's, else the canonical one, else its room ID), and writes
// nothing.
func TestRoomKindPointers(t *testing.T) {
	f := newCaptainFixture(t)
	f.tb.SetRooms(&roomsRecorder{known: map[toolbox.Room]string{
		opsRoom:                       "#ops:s.test",
		forumRoom:                     "#1_general_forum:s.test",
		{Kind: toolbox.RoomWorkplace}: "!wp:s.test",
	}})
	other := toolbox.Room{Kind: toolbox.RoomOther}
	workplace := toolbox.Room{Kind: toolbox.RoomWorkplace}
	dm := toolbox.Room{Kind: toolbox.RoomDirect}
	for _, c := range []struct {
		who  string
		room toolbox.Room
		line string
		want string
	}{
		{"carol", forumRoom, "!start_work 6_1_7_5", "`!start_work` is work, and the forum is for the whole community's conversations: " +
			"please use it in your team's room (#ops:s.test), the workplace (!wp:s.test) or a direct chat with me."},
		{"carol", other, "!claim 6_1_7_3", "`!claim` is work, and this room is not one of the community's work rooms: " +
			"please use it in your team's room (#ops:s.test)"},
		{"carol", forumRoom, "!stop_work done", "the workplace (!wp:s.test)"},
		{"carol", forumRoom, "!unclaim 6_1_7_5", "or a direct chat with me"},
		{"bob", forumRoom, "!create_task M Fences", "`!create_task` is for the team captain, in their own team's room: yours is #ops:s.test."},
		{"bob", mediaRoom, "!create_task M Fences", "yours is #ops:s.test"},
		{"bob", workplace, "!approve 6_1_7_1", "yours is #ops:s.test"},
		// The media team has no room the bot knows of.
		{"cleo", forumRoom, "!create_task M Posters", "`!create_task` is for the team captain, in their own team's room: " +
			"your team has none set up yet (an admin runs `!setup_rooms`)."},
		{"alice", opsRoom, "!setup_rooms", "works only in a direct chat with me"},
		{"alice", workplace, "!verify", "works only in a direct chat with me"},
	} {
		f.refused(c.who, c.room, c.line, c.want)
	}
	// The same commands where they belong get past the pointer.
	f.ok("carol", workplace, "!claim 6_1_7_3")
	f.ok("carol", dm, "!unclaim 6_1_7_3")
	f.ok("carol", opsRoom, "!start_work 6_1_7_5")
	f.ok("alice", forumRoom, "!assess 6_1_7_4 5 5 5") // the founder captains anywhere
}

// Where the bot knows no room of a kind, the pointer says so in words
// rather than naming an alias that may not exist.
func TestRoomKindPointersWithoutRooms(t *testing.T) {
	f := newCaptainFixture(t)
	f.tb.SetRooms(&roomsRecorder{})
	f.refused("carol", forumRoom, "!start_work 6_1_7_5", "please use it in your team's room (none is set up yet: an admin runs `!setup_rooms`), "+
		"the workplace (none is set up yet: an admin runs `!setup_rooms`) or a direct chat with me.")
	f.refused("bob", forumRoom, "!create_task M Fences", "your team has none set up yet (an admin runs `!setup_rooms`).")
}

// !help <command> says where a command belongs; !help lists only what may
// be used in this room.
func TestHelpSaysWhere(t *testing.T) {
	f := newCaptainFixture(t)
	if h := f.ok("carol", forumRoom, "!help start_work").Text; !strings.Contains(h, "Where: a team room, the workplace or a direct chat (not the forum).") ||
		!strings.Contains(h, "You can't use it here: `!start_work` is work") {
		t.Errorf("!help start_work in the forum: %s", h)
	}
	if h := f.ok("carol", forumRoom, "!help setup_rooms").Text; !strings.Contains(h, "Who: admin. Where: a direct chat with the bot only.") {
		t.Errorf("!help setup_rooms: %s", h)
	}
	if h := f.ok("carol", forumRoom, "!help propose").Text; !strings.Contains(h, "Where: the general forum (binding) or a team's room (advisory; a captain's election or recall there binds).") {
		t.Errorf("!help propose does not say a team's election binds: %s", h)
	}
	if h := f.ok("carol", forumRoom, "!help").Text; strings.Contains(h, "- `!start_work") || !strings.Contains(h, "- `!kudos") {
		t.Errorf("!help in the forum lists work commands, or not kudos: %s", h)
	}
	if h := f.ok("carol", opsRoom, "!help").Text; !strings.Contains(h, "- `!start_work") {
		t.Errorf("!help in the team room does not list !start_work: %s", h)
	}
}
