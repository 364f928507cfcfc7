package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/demo"
	"smartup0.org/engelbot/servers"
)

// The bot against Element's own crypto stack. The other encrypted tests
// have the bot's pure-Go olm talk to the project's own client, built on the
// same library: a mistake both sides share would pass there. Here the other
// side is matrix-js-sdk with its Rust crypto, what owners run in Element:
// the bot's answers must decrypt there, and the bot's device must show
// without the red "not verified by its owner" shield, because the bot signs
// it with its own cross-signing key.
func TestElementTalksToTheBot(t *testing.T) {
	requireElement(t)
	e := newEnvWith(t, envOptions{strangers: []string{"frank"}, configure: func(forge *servers.Gitea, cfg *config.Config) {
		cfg.Identity = identityLedger(t, forge, "identity-keeper")
	}})
	botID := e.world.Bot.UserID

	t.Run("an admin's encrypted direct chat opened in Element", func(t *testing.T) {
		e := e.on(t)
		alice := startElement(t, e.world.Homeserver, "alice", "alice-test-password")
		dm := alice.DirectChat(botID)
		// She types at once, as in Element, where the chat opens before
		// the bot has joined: Element encrypts for the invited bot, which
		// reads the command when its join brings the room's timeline.
		alice.Send(dm, "!status")
		got := alice.Await(dm, botID, "Engelbot status")
		e.wantFromBot(got, "Engelbot status")

		alice.Send(dm, "!wallet")
		got = alice.Await(dm, botID, "Wallet of alice")
		e.wantFromBot(got, "Wallet of alice")

		frank, _ := e.world.Person("frank")
		const name, mail = "Frank Element", "frank.element@example.org"
		cmd := alice.Send(dm, `!add_owner `+frank.UserID+` frank work "`+name+`" `+mail)
		got = alice.Await(dm, botID, "frank")
		e.wantFromBot(got, "frank")
		if strings.Contains(got.Body, name) || strings.Contains(got.Body, mail) {
			t.Errorf("!add_owner answered %q: want neither frank's name nor his e-mail in it", got.Body)
		}
		if rows := e.auditRows(cmd); len(rows) != 1 {
			t.Errorf("!add_owner wrote %d audit rows, want 1; it answered %q", len(rows), got.Body)
		}
		// The client reports messages, not redactions: the homeserver
		// says whether the command carrying frank's name is gone.
		api := e.matrixAs("alice")
		e.awaitLedger("the onboarding command redacted", time.Minute, func() (bool, string) {
			evt, err := api.Matrix().GetEvent(t.Context(), id.RoomID(dm), id.EventID(cmd))
			if err != nil {
				return false, err.Error()
			}
			if evt.Unsigned.RedactedBecause == nil {
				return false, "the command is still in the direct chat"
			}
			return true, ""
		})
	})

	t.Run("an encrypted team room read in Element", func(t *testing.T) {
		e := e.on(t)
		alice, bob := e.login("alice"), e.login("bob")
		mustEncrypt(t, alice, bob)
		team := idOf(e.room(demo.RoomTeam))
		e.encryptRoom(alice, team, bob)
		// Dave and carol are members of the room before they open Element,
		// whose sessions are then new devices the bot has to find and
		// share its keys with.
		for _, name := range []string{"dave", "carol"} {
			if _, err := e.matrixAs(name).Matrix().JoinRoomByID(t.Context(), team); err != nil {
				t.Fatalf("%s joining the team room: %v", name, err)
			}
		}
		dave := startElement(t, e.world.Homeserver, "dave", "dave-test-password")
		carol := startElement(t, e.world.Homeserver, "carol", "carol-test-password")

		carol.Send(string(team), "!my_tasks")
		got := carol.Await(string(team), botID, "Your tasks")
		e.wantFromBot(got, "6_1_7_1")

		const title = "Write the Element guide"
		if _, r := e.askIn(bob, team, `!create_task M "`+title+`"`); !strings.Contains(r.Body, "created") {
			t.Fatalf("!create_task answered %q", r.Body)
		}
		got = dave.Await(string(team), botID, "New task")
		e.wantFromBot(got, title)
	})
}

// wantFromBot checks a message the Element-like client received from the
// bot: encrypted, decrypted, containing want, sent by the bot's one device,
// and shown the way Element shows a device its owner signed: no shield,
// signed by its owner, not verified by this reader (nobody verified the bot).
func (e *env) wantFromBot(got elementMessage, want string) {
	t := e.t
	t.Helper()
	if b, err := json.Marshal(got); err == nil {
		t.Logf("received %s", b)
	}
	if !got.Encrypted {
		t.Errorf("the bot's message %s came unencrypted, want it encrypted", got.EventID)
	}
	if !got.Decrypted {
		t.Fatalf("the bot's message %s could not be decrypted by Element's crypto: %s", got.EventID, got.Error)
	}
	if !strings.Contains(got.Body, want) {
		t.Errorf("the bot's message reads %q, want it to contain %q", got.Body, want)
	}
	if got.SenderDevice != e.cfg.Bot.DeviceID {
		t.Errorf("the bot's message names sender device %q, want the bot's device %q", got.SenderDevice, e.cfg.Bot.DeviceID)
	}
	if got.Shield == nil {
		t.Fatalf("the bot's message %s has no encryption info", got.EventID)
	}
	if *got.Shield != (elementShield{Colour: "none"}) {
		t.Errorf("Element shows the bot's message with shield %+v (%q), want none: the bot's device is signed by its own cross-signing key",
			*got.Shield, got.Shield.Text)
	}
	if got.Device == nil || !got.Device.SignedByOwner || got.Device.Verified {
		t.Errorf("Element sees the bot's device as %+v, want signed by its owner and not verified by this reader", got.Device)
	}
}

// matrixAPI is a person's plain Matrix session, without encryption: for
// asking the homeserver about a room or an event.
type matrixAPI struct{ mx *mautrix.Client }

func (m matrixAPI) Matrix() *mautrix.Client { return m.mx }

// matrixAs logs name in on a device of its own that never reads messages,
// so that nothing is encrypted for it that a test depends on.
func (e *env) matrixAs(name string) matrixAPI {
	e.t.Helper()
	mx, err := mautrix.NewClient(e.world.Homeserver, "", "")
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(e.t.Context(), time.Minute)
	defer cancel()
	if _, err := mx.Login(ctx, &mautrix.ReqLogin{
		Type:             mautrix.AuthTypePassword,
		Identifier:       mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: name},
		Password:         name + "-test-password",
		StoreCredentials: true,
	}); err != nil {
		e.t.Fatalf("log in as %s: %v", name, err)
	}
	return matrixAPI{mx}
}
