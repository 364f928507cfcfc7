package e2e

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/bot/state"
	"smartup0.org/engelbot/chat"
	"smartup0.org/engelbot/demo"
	"smartup0.org/engelbot/servers"
)

// The community's homeserver federates with a second Dendrite on loopback,
// where someone registered the founder's own name, alice. That foreign
// alice invites the bot to a direct chat on her server and to a room on
// the community's server, and types admin and owner commands in a team
// room the bot is in. The bot joins neither room (its rooms stay the
// same), and runs none of her commands — no answer, no audit row, nothing
// left to run — while carol's command in the same room is answered.
func TestForeignInvitesAndCommandsAreRefused(t *testing.T) {
	e := newEnvWith(t, envOptions{federating: true})
	ctx := t.Context()
	botID := id.UserID(e.world.Bot.UserID)
	foreign := servers.FederatingDendriteForTest(t)
	if foreign.ServerName == e.cfg.Homeserver.ServerName {
		t.Fatalf("both homeservers are named %s", foreign.ServerName)
	}
	const password = "foreign-test-password"
	impostorID, err := foreign.Register(ctx, "alice", password, false)
	if err != nil {
		t.Fatal(err)
	}
	impostor, err := chat.Login(ctx, foreign.URL, impostorID, password)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(impostor.Close)
	carol := e.login("carol")
	// The bot's account seen through a second session, as its homeserver
	// holds it.
	botSession := e.botSession(ctx)
	t.Cleanup(func() {
		if _, err := botSession.Logout(context.WithoutCancel(ctx)); err != nil {
			t.Errorf("ending the bot's second session: %v", err)
		}
	})
	roomsBefore := e.joinedRooms(botSession)

	// A direct chat on the foreign server, as Element would open it.
	direct, err := impostor.Matrix().CreateRoom(ctx, &mautrix.ReqCreateRoom{
		Preset: "trusted_private_chat", IsDirect: true, Invite: []id.UserID{botID},
	})
	if err != nil {
		t.Fatalf("%s inviting the bot to a direct chat on %s: %v", impostorID, foreign.ServerName, err)
	}
	// A room on the community's own server that carol made without the
	// bot; the foreign user joins it and invites the bot there.
	local, err := carol.Matrix().CreateRoom(ctx, &mautrix.ReqCreateRoom{Preset: "public_chat", Name: "Open chat"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := impostor.Matrix().JoinRoomByID(ctx, local.RoomID); err != nil {
		t.Fatalf("%s joining carol's public room over federation: %v", impostorID, err)
	}
	if _, err := impostor.Matrix().InviteUser(ctx, local.RoomID, &mautrix.ReqInviteUser{UserID: botID}); err != nil {
		t.Fatalf("%s inviting the bot to carol's room: %v", impostorID, err)
	}
	// Each room holds the bot as invited only once the bot's homeserver
	// took the invite in; its joining would fail the test at once.
	e.awaitInvited(impostor, direct.RoomID, botID)
	e.awaitInvited(carol, local.RoomID, botID)

	// Commands in a team room the bot is in, which anyone may join.
	team := idOf(e.room(demo.RoomTeam))
	if _, err := impostor.Matrix().JoinRoomByID(ctx, team); err != nil {
		t.Fatalf("%s joining the team room over federation: %v", impostorID, err)
	}
	var foreignCmds []id.EventID
	for _, text := range []string{
		"!status",
		"!add_owner " + impostorID + " impostor organizational",
		"!wallet",
	} {
		evt, err := impostor.Send(ctx, team, text)
		if err != nil {
			t.Fatal(err)
		}
		foreignCmds = append(foreignCmds, evt)
	}
	// Once the community's server has the last of them, the bot's sync
	// carries them before anything sent after, such as carol's command:
	// its answer means the bot has already looked at all three.
	e.awaitInRoom(carol, team, foreignCmds[len(foreignCmds)-1])
	carolCmd, answer := e.ask(carol, demo.RoomTeam, "!wallet")
	if answer.Sender != botID {
		t.Fatalf("carol's !wallet was answered by %s, want the bot", answer.Sender)
	}
	// Stopping lets a command already running finish and be answered; one
	// taken on but not started stays recorded as unfinished.
	e.stopBot()

	// Both invites reached the bot's sync before carol's command (its
	// homeserver had them before she sent it), so the bot had handled both
	// when it answered her. It refuses them (it leaves), but whether the
	// rooms show that is Dendrite's matter: a rejection that follows a
	// federated invite within milliseconds may reach neither the inviter's
	// server nor the room's history, and the bot's own server may go on
	// listing the invite in its sync ("remove invite failure" in its log).
	// What the bot is in is what counts.
	if after := e.joinedRooms(botSession); !slices.Equal(after, roomsBefore) {
		t.Errorf("the bot's joined rooms changed from %v to %v", roomsBefore, after)
	}
	answered := e.botRepliesIn(carol, team)
	if !answered[idOf2(carolCmd)] {
		t.Fatalf("the bot's reply to carol's %s is not among its replies in the team room: %v", carolCmd, answered)
	}
	for _, cmd := range foreignCmds {
		if answered[cmd] {
			t.Errorf("the bot answered %s's %s", impostorID, cmd)
		}
		if rows := e.auditRows(string(cmd)); len(rows) != 0 {
			t.Errorf("%s's %s left audit rows: %+v", impostorID, cmd, rows)
		}
	}
	db, err := state.Open(ctx, e.cfg.Database, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	unfinished, err := db.Unfinished(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range unfinished {
		if ev.Sender == impostorID {
			t.Errorf("the bot took on %s's %q to run later", impostorID, ev.Body)
		}
	}
}

// joinedRooms is a user's joined rooms as their homeserver lists them.
func (e *env) joinedRooms(cli *mautrix.Client) []id.RoomID {
	e.t.Helper()
	resp, err := cli.JoinedRooms(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	rooms := slices.Clone(resp.JoinedRooms)
	slices.Sort(rooms)
	return rooms
}

// awaitInvited waits until c sees user invited to a room, or already
// gone after the invite; user joining fails the test at once.
func (e *env) awaitInvited(c *chat.Client, roomID id.RoomID, user id.UserID) {
	e.t.Helper()
	e.awaitLedger(string(user)+" invited to "+string(roomID), time.Minute, func() (bool, string) {
		var m event.MemberEventContent
		if err := c.Matrix().StateEvent(e.t.Context(), roomID, event.StateMember, string(user), &m); err != nil {
			return false, err.Error()
		}
		if m.Membership == event.MembershipJoin {
			e.t.Fatalf("%s joined %s", user, roomID)
		}
		return m.Membership == event.MembershipInvite || m.Membership == event.MembershipLeave, "membership " + string(m.Membership)
	})
}

// awaitInRoom waits until c sees an event in a room's newest messages.
func (e *env) awaitInRoom(c *chat.Client, roomID id.RoomID, evtID id.EventID) {
	e.t.Helper()
	e.awaitLedger(string(evtID)+" in "+string(roomID), time.Minute, func() (bool, string) {
		resp, err := c.Matrix().Messages(e.t.Context(), roomID, "", "", mautrix.DirectionBackward, nil, 50)
		if err != nil {
			return false, err.Error()
		}
		for _, evt := range resp.Chunk {
			if evt.ID == evtID {
				return true, ""
			}
		}
		return false, "not among the newest 50 events"
	})
}

// botRepliesIn is every event the bot's messages in a room reply to or
// thread under, read from the room's whole history.
func (e *env) botRepliesIn(c *chat.Client, roomID id.RoomID) map[id.EventID]bool {
	e.t.Helper()
	answered := map[id.EventID]bool{}
	from := ""
	for {
		resp, err := c.Matrix().Messages(e.t.Context(), roomID, from, "", mautrix.DirectionBackward, nil, 100)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, evt := range resp.Chunk {
			if evt.Sender != id.UserID(e.world.Bot.UserID) || evt.Type != event.EventMessage {
				continue
			}
			_ = evt.Content.ParseRaw(evt.Type)
			rel := evt.Content.AsMessage().RelatesTo
			for _, target := range []id.EventID{rel.GetReplyTo(), rel.GetThreadParent()} {
				if target != "" {
					answered[target] = true
				}
			}
		}
		if resp.End == "" || len(resp.Chunk) == 0 {
			return answered
		}
		from = resp.End
	}
}
