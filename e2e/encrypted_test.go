package e2e

import (
	"context"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/chat"
)

// The end-to-end tests of encryption: the people's clients encrypt as
// Element does, and what goes over the homeserver is checked to be
// ciphertext, so that a test cannot pass on plaintext by accident.

// mustEncrypt fails the test when the client was built without encryption.
func mustEncrypt(t *testing.T, cs ...*chat.Client) {
	t.Helper()
	for _, c := range cs {
		if !c.Encrypts() {
			t.Fatal("the chat client was built without encryption: run the tests with -tags goolm (make test does)")
		}
	}
}

// sentEncrypted fails the test unless the homeserver holds the event as
// ciphertext.
func sentEncrypted(t *testing.T, c *chat.Client, roomID id.RoomID, eventID id.EventID) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	evt, err := c.Matrix().GetEvent(ctx, roomID, eventID)
	if err != nil {
		t.Fatalf("reading %s back from the homeserver: %v", eventID, err)
	}
	if evt.Type != event.EventEncrypted {
		t.Fatalf("%s went over the homeserver as %s, not encrypted", eventID, evt.Type.Type)
	}
}

// An admin's direct chat, encrypted as Element makes it: a query is
// answered, encrypted, and the answer decrypts on her side.
func TestEncryptedDirectChat(t *testing.T) {
	e := newEnv(t, 0)
	alice := e.login("alice")
	mustEncrypt(t, alice)
	dm := e.directChat(alice)

	cmd, reply := e.askIn(alice, dm, "!status")
	sentEncrypted(t, alice, dm, id.EventID(cmd))
	if !reply.Encrypted {
		t.Errorf("the answer to !status came in plaintext in an encrypted room: %q", reply.Body)
	}
	sentEncrypted(t, alice, dm, reply.EventID)
	if reply.Body == "" {
		t.Error("the answer to !status decrypted to nothing")
	}
}
