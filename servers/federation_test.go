package servers

import (
	"context"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// Two federating homeservers on loopback reach each other by their server
// names: an invite crosses from one to the other, the invited user joins
// the remote room, and a message sent there arrives on the first server.
func TestDendritesFederate(t *testing.T) {
	ctx := t.Context()
	a, b := FederatingDendriteForTest(t), FederatingDendriteForTest(t)
	for _, d := range []*Dendrite{a, b} {
		if !strings.HasPrefix(d.ServerName, "127.0.0.1:") || d.FederationURL != "https://"+d.ServerName {
			t.Fatalf("server name %q, federation URL %q: want 127.0.0.1:<port> served at https://127.0.0.1:<port>", d.ServerName, d.FederationURL)
		}
	}
	if a.ServerName == b.ServerName {
		t.Fatalf("both homeservers are named %s", a.ServerName)
	}
	alice := loggedIn(t, a, "alice")
	bob := loggedIn(t, b, "bob")

	room, err := alice.CreateRoom(ctx, &mautrix.ReqCreateRoom{Preset: "private_chat", Invite: []id.UserID{bob.UserID}})
	if err != nil {
		t.Fatalf("alice creating a room that invites %s: %v", bob.UserID, err)
	}
	sync, err := bob.SyncRequest(ctx, 0, "", "", false, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sync.Rooms.Invite[room.RoomID]; !ok {
		t.Fatalf("bob's server has no invite to %s; invites: %v", room.RoomID, sync.Rooms.Invite)
	}
	if _, err := bob.JoinRoomByID(ctx, room.RoomID); err != nil {
		t.Fatalf("bob joining %s over federation: %v", room.RoomID, err)
	}
	sent, err := bob.SendText(ctx, room.RoomID, "hello from "+b.ServerName)
	if err != nil {
		t.Fatal(err)
	}
	awaitEvent(t, alice, room.RoomID, sent.EventID)
}

func loggedIn(t *testing.T, d *Dendrite, name string) *mautrix.Client {
	t.Helper()
	const password = "federation-test-password"
	userID, err := d.Register(t.Context(), name, password, false)
	if err != nil {
		t.Fatal(err)
	}
	cli, err := mautrix.NewClient(d.URL, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Login(t.Context(), &mautrix.ReqLogin{
		Type:             mautrix.AuthTypePassword,
		Identifier:       mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: name},
		Password:         password,
		StoreCredentials: true,
	}); err != nil {
		t.Fatalf("log in as %s: %v", userID, err)
	}
	return cli
}

// awaitEvent polls a room's newest messages as cli sees them until the
// event is among them.
func awaitEvent(t *testing.T, cli *mautrix.Client, roomID id.RoomID, eventID id.EventID) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := cli.Messages(ctx, roomID, "", "", mautrix.DirectionBackward, nil, 20)
		if err == nil {
			for _, evt := range resp.Chunk {
				if evt.ID == eventID && evt.Type == event.EventMessage {
					return
				}
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s never saw %s in %s (last error: %v)", cli.UserID, eventID, roomID, err)
		case <-tick.C:
		}
	}
}
