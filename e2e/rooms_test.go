package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
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

// The founder sets the community's rooms up from a direct chat on a real
// Dendrite: the missing ones are created invite-only with the founder at
// full power, the demo's own rooms are adopted, a second run creates
// nothing (and has its own audit row), and every room is then known by its kind from its alias alone
// — the configuration names none — also after a restart.
func TestSetupRooms(t *testing.T) {
	e := newEnvWith(t, envOptions{configure: func(_ *servers.Gitea, cfg *config.Config) { cfg.Rooms = nil }})
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	alice, bob, carol := e.login("alice"), e.login("bob"), e.login("carol")
	alias := func(local string) string { return "#" + local + ":" + demo.ServerName }

	// Known from its alias at start: the forum is no place for work. The
	// pointer names the team's room, which alice made under its alias, and
	// says there is no workplace yet rather than name an alias that does
	// not exist.
	_, r := e.ask(carol, demo.RoomForum, "!start_work 6_1_7_1")
	if !strings.Contains(r.Body, "`!start_work` is work") || !strings.Contains(r.Body, "your team's room ("+alias("3_7_operational_team")+")") ||
		!strings.Contains(r.Body, "the workplace (none is set up yet: an admin runs `!setup_rooms`)") {
		t.Fatalf("!start_work in the forum answered %q, want a pointer to the team room, and that there is no workplace yet", r.Body)
	}

	dm, err := demo.DirectChat(ctx, alice, e.world.Bot.UserID)
	if err != nil {
		t.Fatal(err)
	}
	before := e.head()
	setup, r := e.askIn(alice, dm, "!setup_rooms")
	created := []string{"2_workplace", "3_1_leadership_team", "3_2_design_team", "3_4_business_team", "3_5_media_team", "3_6_science_team"}
	adopted := []string{"1_general_forum", demo.OtherTeam, demo.Team}
	// The answer's lines read "`#alias` (kind): what happened".
	said := func(local, what string) bool {
		for _, kind := range []string{"forum", "workplace", "team room"} {
			if strings.Contains(r.Body, "`"+alias(local)+"` ("+kind+"): "+what) {
				return true
			}
		}
		return false
	}
	for _, local := range created {
		if !said(local, "created") {
			t.Errorf("the answer does not say %s was created:\n%s", alias(local), r.Body)
		}
	}
	for _, local := range adopted {
		if !said(local, "adopted") {
			t.Errorf("the answer does not say %s was adopted:\n%s", alias(local), r.Body)
		}
	}
	// The demo made its rooms public, with the bot at no power.
	if !strings.Contains(r.Body, "I cannot remove messages there") || !strings.Contains(r.Body, "anyone on the homeserver can join it") {
		t.Errorf("the answer does not say what the admin should know of the demo's public rooms:\n%s", r.Body)
	}
	if !strings.Contains(r.Body, fmt.Sprintf("%d created", len(created))) {
		t.Errorf("the answer does not count %d rooms created:\n%s", len(created), r.Body)
	}
	if rows := e.auditRows(setup); len(rows) != 1 || rows[0].Actor != "alice" || rows[0].Action != "rooms.setup" {
		t.Errorf("the audit rows of !setup_rooms: %+v", rows)
	}
	if commits := e.commitsSince(before); len(commits) != 1 {
		t.Errorf("!setup_rooms made %d commits, want 1 (its audit row)", len(commits))
	}

	// Each created room is as the community wants it.
	rooms := map[string]id.RoomID{}
	for _, local := range append(created, adopted...) {
		resp, err := alice.Matrix().ResolveAlias(ctx, id.RoomAlias(alias(local)))
		if err != nil {
			t.Fatalf("%s does not resolve: %v", alias(local), err)
		}
		rooms[local] = resp.RoomID
	}
	for _, local := range adopted[1:] {
		if want := e.room(map[string]string{demo.OtherTeam: demo.RoomOtherTeam, demo.Team: demo.RoomTeam}[local]); string(rooms[local]) != want {
			t.Errorf("%s names %s, not the demo's room %s", alias(local), rooms[local], want)
		}
	}
	for _, local := range created {
		roomID := rooms[local]
		if _, err := alice.Matrix().JoinRoomByID(ctx, roomID); err != nil {
			t.Fatalf("alice, invited, cannot join %s: %v", alias(local), err)
		}
		var rules event.JoinRulesEventContent
		var pl event.PowerLevelsEventContent
		var hist event.HistoryVisibilityEventContent
		var dir struct {
			Visibility string `json:"visibility"`
		}
		mx := alice.Matrix()
		for _, err := range []error{
			mx.StateEvent(ctx, roomID, event.StateJoinRules, "", &rules),
			mx.StateEvent(ctx, roomID, event.StatePowerLevels, "", &pl),
			mx.StateEvent(ctx, roomID, event.StateHistoryVisibility, "", &hist),
			func() error {
				_, err := mx.MakeRequest(ctx, "GET", mx.BuildClientURL("v3", "directory", "list", "room", roomID), nil, &dir)
				return err
			}(),
		} {
			if err != nil {
				t.Fatalf("reading %s: %v", alias(local), err)
			}
		}
		if rules.JoinRule != event.JoinRuleInvite || hist.HistoryVisibility != event.HistoryVisibilityShared || dir.Visibility != "private" {
			t.Errorf("%s: join rule %q, history %q, directory %q; want invite, shared, private", alias(local), rules.JoinRule, hist.HistoryVisibility, dir.Visibility)
		}
		bot := id.UserID(e.world.Bot.UserID)
		if pl.GetUserLevel(alice.UserID()) != 100 || pl.GetUserLevel(bot) < pl.Redact() {
			t.Errorf("%s: alice has power %d (want 100), the bot %d (redacting needs %d)", alias(local), pl.GetUserLevel(alice.UserID()), pl.GetUserLevel(bot), pl.Redact())
		}
	}

	// Now the pointer names the workplace.
	if _, r = e.ask(carol, demo.RoomForum, "!start_work 6_1_7_1"); !strings.Contains(r.Body, "the workplace ("+alias("2_workplace")+")") {
		t.Errorf("!start_work in the forum after !setup_rooms answered %q, want a pointer naming the workplace", r.Body)
	}

	// The created rooms are known by their kind from the first run on: the
	// leadership team's room is that team's, the workplace takes work and
	// hears of new tasks.
	_, r = e.askIn(alice, rooms["3_1_leadership_team"], "!team")
	if !strings.Contains(r.Body, "**Leadership team**") {
		t.Errorf("!team in the new leadership room answered %q, want the leadership team's card", r.Body)
	}
	workplace := rooms["2_workplace"]
	if _, err := alice.Matrix().InviteUser(ctx, workplace, &mautrix.ReqInviteUser{UserID: carol.UserID()}); err != nil {
		t.Fatal(err)
	}
	if _, err := carol.Matrix().JoinRoomByID(ctx, workplace); err != nil {
		t.Fatal(err)
	}
	if _, r = e.askIn(carol, workplace, "!start_work 6_1_7_1"); !strings.Contains(r.Body, "Work session started") {
		t.Errorf("!start_work in the workplace answered %q", r.Body)
	}
	// The operational team's room is known from its alias only: its
	// captain's commands work there, and the workplace hears of the task.
	if _, r = e.ask(bob, demo.RoomTeam, `!create_task M "Label the shelves"`); !strings.Contains(r.Body, "created") {
		t.Fatalf("!create_task in the team room answered %q", r.Body)
	}
	nctx, ncancel := context.WithTimeout(ctx, time.Minute)
	defer ncancel()
	if _, err := alice.AwaitNotice(nctx, workplace, "Operational team — New task"); err != nil {
		t.Errorf("the workplace did not hear of the new task: %v", err)
	}

	// A second run creates nothing; its own audit row says it adopted
	// every room.
	head := e.head()
	second, r := e.askIn(alice, dm, "!setup_rooms")
	if !strings.Contains(r.Body, "Nothing new was created") || strings.Contains(r.Body, ": created") {
		t.Errorf("a second !setup_rooms answered:\n%s", r.Body)
	}
	var all []string
	for _, local := range append(created, adopted...) {
		all = append(all, alias(local))
	}
	slices.Sort(all)
	if rows := e.auditRows(second); len(rows) != 1 || rows[0].Action != "rooms.setup" {
		t.Errorf("the audit rows of a second !setup_rooms: %+v", rows)
	} else if list, ok := strings.CutPrefix(rows[0].Target, "created none; adopted "); !ok || !slices.Equal(slices.Sorted(slices.Values(strings.Fields(list))), all) {
		t.Errorf("a second !setup_rooms' audit row is about %q, want it to have created none and adopted %v", rows[0].Target, all)
	}
	if commits := e.commitsSince(head); len(commits) != 1 {
		t.Errorf("a second !setup_rooms made %d commits, want 1 (its audit row)", len(commits))
	}
	for local, roomID := range rooms {
		if resp, err := alice.Matrix().ResolveAlias(ctx, id.RoomAlias(alias(local))); err != nil || resp.RoomID != roomID {
			t.Errorf("after a second run %s names %v (%v), want %s", alias(local), resp, err, roomID)
		}
	}

	// After a restart the rooms are still known by their aliases.
	e.stopBot()
	e.startBot()
	if _, r = e.askIn(carol, workplace, `!stop_work "shelves labelled"`); !strings.Contains(r.Body, "closed") {
		t.Errorf("!stop_work in the workplace after a restart answered %q", r.Body)
	}
}

// An owner who puts one of the community's aliases on a room of their own
// does not make it the community's on a real Dendrite: at start the bot
// does not take it for the workplace (work there is refused like in any
// room), and !setup_rooms names who made each such room and what to do,
// and leaves a room it joined only to look.
func TestSetupRoomsRefusesRoomsStrangersMade(t *testing.T) {
	e := newEnv(t, 0)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	alice, carol, dave := e.login("alice"), e.login("carol"), e.login("dave")
	bot := id.UserID(e.world.Bot.UserID)
	alias := func(local string) string { return "#" + local + ":" + demo.ServerName }

	// carol makes herself "the workplace" and invites the bot and dave,
	// so that it is a shared room, not a direct chat; the bot joins.
	resp, err := carol.Matrix().CreateRoom(ctx, &mautrix.ReqCreateRoom{
		Preset: "private_chat", Name: "Workplace", RoomAliasName: "2_workplace", Invite: []id.UserID{bot, dave.UserID()},
	})
	if err != nil {
		t.Fatal(err)
	}
	squat := resp.RoomID
	if _, err := dave.Matrix().JoinRoomByID(ctx, squat); err != nil {
		t.Fatal(err)
	}
	awaitMembership(t, ctx, carol, squat, bot, event.MembershipJoin)

	// A restart looks the community's aliases up again.
	e.stopBot()
	e.startBot()
	if _, r := e.askIn(carol, squat, "!start_work 6_1_7_1"); !strings.Contains(r.Body, "this room is not one of the community's work rooms") {
		t.Errorf("!start_work in carol's room under the workplace's alias answered %q, want it refused as in any room", r.Body)
	}

	// dave makes himself the leadership team's room, open to anyone,
	// without inviting the bot.
	resp, err = dave.Matrix().CreateRoom(ctx, &mautrix.ReqCreateRoom{Preset: "public_chat", Name: "Leadership", RoomAliasName: "3_1_leadership_team"})
	if err != nil {
		t.Fatal(err)
	}
	open := resp.RoomID

	dm, err := demo.DirectChat(ctx, alice, string(bot))
	if err != nil {
		t.Fatal(err)
	}
	_, r := e.askIn(alice, dm, "!setup_rooms")
	for local, who := range map[string]*chat.Client{"2_workplace": carol, "3_1_leadership_team": dave} {
		want := fmt.Sprintf("could not be set up — it exists, but it was made by `%s`, who is neither Engelbot, the founder nor an admin", who.UserID())
		if !strings.Contains(r.Body, "`"+alias(local)+"`") || !strings.Contains(r.Body, want) ||
			!strings.Contains(r.Body, "an admin removes the alias `"+alias(local)+"` from that room, then runs `!setup_rooms` again") {
			t.Errorf("the answer does not say %s could not be set up because %s made it:\n%s", alias(local), who.UserID(), r.Body)
		}
	}
	// The bot joined dave's room only to look, and left it.
	var member event.MemberEventContent
	if err := dave.Matrix().StateEvent(ctx, open, event.StateMember, string(bot), &member); err != nil {
		t.Fatal(err)
	}
	if member.Membership != event.MembershipLeave {
		t.Errorf("the bot's membership in dave's room is %q, want leave", member.Membership)
	}
	// carol's room is still no work room.
	if _, r := e.askIn(carol, squat, "!claim 6_1_7_3"); !strings.Contains(r.Body, "this room is not one of the community's work rooms") {
		t.Errorf("!claim in carol's room after !setup_rooms answered %q", r.Body)
	}
}

// awaitMembership waits until user's membership in a room, as c sees it,
// is want.
func awaitMembership(t *testing.T, ctx context.Context, c *chat.Client, roomID id.RoomID, user id.UserID, want event.Membership) {
	t.Helper()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		var member event.MemberEventContent
		err := c.Matrix().StateEvent(ctx, roomID, event.StateMember, string(user), &member)
		if err == nil && member.Membership == want {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s's membership in %s is %q (%v), want %s", user, roomID, member.Membership, err, want)
		case <-tick.C:
		}
	}
}
