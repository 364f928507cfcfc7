package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// A direct chat is what Matrix says it is: a room the inviter marked
// is_direct, which the bot enters in its m.direct (as Element expects),
// with only the bot and that person in it. An admin command runs there;
// not in a two-person room nobody marked direct, and no longer in a
// direct chat once a third person is invited.
func TestDirectChatsAsMatrixDefinesThem(t *testing.T) {
	e := newEnvWith(t, envOptions{strangers: []string{"frank", "grace"}})
	alice := e.login("alice")
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	bot := id.UserID(e.world.Bot.UserID)
	addOwner := func(name string) string {
		p, _ := e.world.Person(name)
		return "!add_owner " + p.UserID + " " + name + " work"
	}

	dm := e.directChat(alice)
	if cmd, reply := e.askIn(alice, dm, addOwner("frank")); len(e.auditRows(cmd)) != 1 {
		t.Fatalf("!add_owner in a direct chat wrote nothing; it answered %q", reply.Body)
	}

	// Two people, but nobody said it is a direct chat.
	plain, err := alice.Matrix().CreateRoom(ctx, &mautrix.ReqCreateRoom{Preset: "private_chat", Invite: []id.UserID{bot}})
	if err != nil {
		t.Fatal(err)
	}
	e.awaitJoined(alice, plain.RoomID, bot)
	if cmd, reply := e.askIn(alice, plain.RoomID, addOwner("grace")); len(e.auditRows(cmd)) != 0 || !strings.Contains(reply.Body, "direct chat") {
		t.Errorf("!add_owner in a two-person room not marked direct answered %q", reply.Body)
	}

	// A third person invited to the direct chat makes it not private.
	bob, _ := e.world.Person("bob")
	if _, err := alice.Matrix().InviteUser(ctx, dm, &mautrix.ReqInviteUser{UserID: id.UserID(bob.UserID)}); err != nil {
		t.Fatal(err)
	}
	// The invite comes before the command in the room's timeline: the bot
	// has seen it by the time it handles the command.
	if cmd, reply := e.askIn(alice, dm, addOwner("grace")); len(e.auditRows(cmd)) != 0 || !strings.Contains(reply.Body, "direct chat") {
		t.Errorf("!add_owner in a direct chat with a third person invited answered %q", reply.Body)
	}

	// Element lists the chat under People from the bot's m.direct.
	mx, err := mautrix.NewClient(e.world.Homeserver, bot, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mx.Login(ctx, &mautrix.ReqLogin{
		Type: mautrix.AuthTypePassword, Identifier: mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: bot.Localpart()},
		Password: e.world.Bot.Password, StoreCredentials: true,
	}); err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = mx.Logout(context.Background()) }()
	var direct event.DirectChatsEventContent
	if err := mx.GetAccountData(ctx, event.AccountDataDirectChats.Type, &direct); err != nil {
		t.Fatalf("the bot has no m.direct: %v", err)
	}
	if got := direct[alice.UserID()]; len(got) != 1 || got[0] != dm {
		t.Errorf("the bot's m.direct lists %v for alice, want just %s", got, dm)
	}
}

// awaitJoined waits until user has joined a room, as c sees it.
func (e *env) awaitJoined(c interface{ Matrix() *mautrix.Client }, roomID id.RoomID, user id.UserID) {
	e.t.Helper()
	e.awaitLedger(string(user)+" joined "+string(roomID), time.Minute, func() (bool, string) {
		members, err := c.Matrix().JoinedMembers(e.t.Context(), roomID)
		if err != nil {
			return false, err.Error()
		}
		_, ok := members.Joined[user]
		return ok, "not joined yet"
	})
}
