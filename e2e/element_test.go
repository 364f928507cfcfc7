package e2e

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/servers"
)

// TestElementClientsTalkEncrypted proves the Element-like client on its own,
// before any bot is involved: two users of Element's crypto stack on the
// real Dendrite open an encrypted direct chat and read each other's
// messages, and the shield Element draws beside each message tells a device
// its owner never signed from one signed through cross-signing.
func TestElementClientsTalkEncrypted(t *testing.T) {
	requireElement(t)
	hs := servers.DendriteForTest(t)
	register := func(name string) string {
		t.Helper()
		id, err := hs.Register(t.Context(), name, name+"-test-password", false)
		if err != nil {
			t.Fatalf("register %s: %v", name, err)
		}
		return id
	}

	t.Run("without cross-signing the sender's device is not verified by its owner", func(t *testing.T) {
		aliceID, bobID := register("alice"), register("bob")
		alice := startElement(t, hs.URL, "alice", "alice-test-password")
		bob := startElement(t, hs.URL, "bob", "bob-test-password")
		if alice.UserID != aliceID || bob.UserID != bobID {
			t.Fatalf("logged in as %s and %s, want %s and %s", alice.UserID, bob.UserID, aliceID, bobID)
		}

		room := alice.DirectChat(bobID)
		bob.Join(room)

		alice.Send(room, "hello from alice")
		got := bob.Await(room, aliceID, "")
		wantDecrypted(t, got, "hello from alice")
		wantDevice(t, got, alice.DeviceID)
		wantShield(t, got, "red", "unsigned_device", "Encrypted by a device not verified by its owner.")
		if got.Device == nil || got.Device.SignedByOwner || got.Device.Verified {
			t.Errorf("bob sees alice's device as %+v, want neither signed by its owner nor verified", got.Device)
		}

		bob.Send(room, "hello from bob")
		got = alice.Await(room, bobID, "")
		wantDecrypted(t, got, "hello from bob")
		wantDevice(t, got, bob.DeviceID)
		wantShield(t, got, "red", "unsigned_device", "Encrypted by a device not verified by its owner.")

		// Both sides recorded the room as their direct chat with the other,
		// as Element does: Alice when she created it, Bob because her
		// invite said is_direct. This is what the bot reads to tell a
		// direct chat.
		wantDirect(t, hs, "alice", bobID, room)
		wantDirect(t, hs, "bob", aliceID, room)
	})

	t.Run("with cross-signing the sender's device is signed by its owner and the shield is gone", func(t *testing.T) {
		carolID, daveID := register("carol"), register("dave")
		carol := startElement(t, hs.URL, "carol", "carol-test-password")
		carol.BootstrapCrossSigning()
		dave := startElement(t, hs.URL, "dave", "dave-test-password")

		room := carol.DirectChat(daveID)
		dave.Join(room)

		carol.Send(room, "signed hello from carol")
		got := dave.Await(room, carolID, "")
		wantDecrypted(t, got, "signed hello from carol")
		wantDevice(t, got, carol.DeviceID)
		// Dave never verified Carol herself: her device is signed by its
		// owner but not verified by him, which Element shows without any
		// warning (no shield) by default.
		wantShield(t, got, "none", "", "")
		if got.Device == nil || !got.Device.SignedByOwner || got.Device.CrossSigningVerified || got.Device.Verified {
			t.Errorf("dave sees carol's device as %+v, want signed by its owner, not verified by dave", got.Device)
		}

		// Dave has no cross-signing: his messages still carry the warning.
		dave.Send(room, "unsigned hello from dave")
		got = carol.Await(room, daveID, "")
		wantDecrypted(t, got, "unsigned hello from dave")
		wantShield(t, got, "red", "unsigned_device", "Encrypted by a device not verified by its owner.")
	})

	t.Run("a message sent before the reader's device existed is reported undecryptable", func(t *testing.T) {
		// What an Element user sees as "Unable to decrypt" must reach the
		// test as such, not as a bare timeout: the bot's tests tell the two
		// apart through this.
		erinID, frankID := register("erin"), register("frank")
		erin := startElement(t, hs.URL, "erin", "erin-test-password")
		room := erin.DirectChat(frankID)
		erin.Send(room, "before frank had a device")

		frank := startElement(t, hs.URL, "frank", "frank-test-password")
		// The keys cannot come: no device of Frank's existed to share
		// them with. Do not wait the usual half minute for them.
		frank.Timeout = 5 * time.Second
		frank.Join(room)
		got := frank.Await(room, erinID, "")
		if b, err := json.Marshal(got); err == nil {
			t.Logf("received %s", b)
		}
		if !got.Encrypted || got.Decrypted || got.Body != "" || got.Error == "" {
			t.Errorf("frank got encrypted=%v decrypted=%v body %q error %q, want an encrypted message he cannot decrypt, with the reason",
				got.Encrypted, got.Decrypted, got.Body, got.Error)
		}
	})
}

func wantDecrypted(t *testing.T, got elementMessage, body string) {
	t.Helper()
	// What the SDK reported, for the reader of a verbose run.
	if b, err := json.Marshal(got); err == nil {
		t.Logf("received %s", b)
	}
	if !got.Encrypted {
		t.Errorf("message %s came unencrypted, want it encrypted", got.EventID)
	}
	if !got.Decrypted {
		t.Fatalf("message %s could not be decrypted: %s", got.EventID, got.Error)
	}
	if got.Body != body {
		t.Errorf("decrypted body %q, want %q", got.Body, body)
	}
}

func wantDevice(t *testing.T, got elementMessage, device string) {
	t.Helper()
	if got.SenderDevice != device {
		t.Errorf("message %s names sender device %q, want %q", got.EventID, got.SenderDevice, device)
	}
}

func wantShield(t *testing.T, got elementMessage, colour, reason, text string) {
	t.Helper()
	if got.Shield == nil {
		t.Fatalf("message %s has no encryption info", got.EventID)
	}
	if *got.Shield != (elementShield{Colour: colour, Reason: reason, Text: text}) {
		t.Errorf("message %s shows shield %+v, want colour %q, reason %q, text %q", got.EventID, *got.Shield, colour, reason, text)
	}
}

// wantDirect checks, through the homeserver, that user's m.direct account
// data lists room as a direct chat with other.
func wantDirect(t *testing.T, hs *servers.Dendrite, user, other, room string) {
	t.Helper()
	cli, err := mautrix.NewClient(hs.URL, "", "")
	if err != nil {
		t.Fatal(err)
	}
	// A device of its own that never joins a room, so that nothing is
	// encrypted for it.
	_, err = cli.Login(t.Context(), &mautrix.ReqLogin{
		Type:             mautrix.AuthTypePassword,
		Identifier:       mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: user},
		Password:         user + "-test-password",
		StoreCredentials: true,
	})
	if err != nil {
		t.Fatalf("log in as %s to read m.direct: %v", user, err)
	}
	var direct event.DirectChatsEventContent
	if err := cli.GetAccountData(t.Context(), event.AccountDataDirectChats.Type, &direct); err != nil {
		t.Fatalf("read %s's m.direct: %v", user, err)
	}
	if !slices.Contains(direct[id.UserID(other)], id.RoomID(room)) {
		t.Errorf("%s's m.direct is %v, want %s listed under %s", user, direct, room, other)
	}
}
