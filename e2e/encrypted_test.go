package e2e

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
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

// The end-to-end tests of encryption: the people's clients encrypt as
// Element does, and what goes over the homeserver is checked to be
// ciphertext, so that a test cannot pass on plaintext by accident. The
// demo's shared rooms are plain; these tests encrypt the team room
// themselves, as a captain would in Element.

// mustEncrypt fails the test when the client was built without encryption.
func mustEncrypt(t testing.TB, cs ...*chat.Client) {
	t.Helper()
	for _, c := range cs {
		if !c.Encrypts() {
			t.Fatal("the chat client was built without encryption: run the tests with -tags goolm (make test does)")
		}
	}
}

// sentEncrypted fails the test unless the homeserver holds the event as
// ciphertext.
func sentEncrypted(t testing.TB, c *chat.Client, roomID id.RoomID, eventID id.EventID) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	// Dendrite answers a send before every reader sees the event: a
	// "not found" right after it means "not yet", until the deadline.
	var evt *event.Event
	for {
		var err error
		evt, err = c.Matrix().GetEvent(ctx, roomID, eventID)
		if err == nil {
			break
		}
		if !errors.Is(err, mautrix.MNotFound) || ctx.Err() != nil {
			t.Fatalf("reading %s back from the homeserver: %v", eventID, err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
	if evt.Type != event.EventEncrypted {
		t.Fatalf("%s went over the homeserver as %s, not encrypted", eventID, evt.Type.Type)
	}
}

// encryptedAnswer asks and checks that both the command and its answer
// went encrypted, and that the answer decrypted.
func (e *env) encryptedAnswer(c *chat.Client, roomID id.RoomID, text string) (string, chat.Reply) {
	e.t.Helper()
	cmd, reply := e.askIn(c, roomID, text)
	sentEncrypted(e.t, c, roomID, id.EventID(cmd))
	sentEncrypted(e.t, c, roomID, reply.EventID)
	if !reply.Encrypted || reply.Body == "" {
		e.t.Fatalf("%s: the answer did not come encrypted and decrypt: %+v", text, reply)
	}
	return cmd, reply
}

// encryptRoom turns encryption on in a room, as Element's room settings
// do, and waits until every given client knows.
func (e *env) encryptRoom(by *chat.Client, roomID id.RoomID, clients ...*chat.Client) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.t.Context(), time.Minute)
	defer cancel()
	if _, err := by.Matrix().SendStateEvent(ctx, roomID, event.StateEncryption, "",
		&event.EncryptionEventContent{Algorithm: id.AlgorithmMegolmV1}); err != nil {
		e.t.Fatalf("encrypting %s: %v", roomID, err)
	}
	for _, c := range append(clients, by) {
		if err := c.AwaitEncrypted(ctx, roomID); err != nil {
			e.t.Fatal(err)
		}
	}
}

// botDevices is the bot's devices and their signing keys, as anyone's
// client sees them on the homeserver.
func (e *env) botDevices(c *chat.Client) map[id.DeviceID]string {
	e.t.Helper()
	bot := id.UserID(e.world.Bot.UserID)
	resp, err := c.Matrix().QueryKeys(e.t.Context(), &mautrix.ReqQueryKeys{DeviceKeys: mautrix.DeviceKeysRequest{bot: {}}})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[id.DeviceID]string{}
	for deviceID, keys := range resp.DeviceKeys[bot] {
		out[deviceID] = keys.Keys.GetEd25519(deviceID).String()
	}
	return out
}

// An admin onboards a new owner in her encrypted direct chat, as in
// Element: the command and the answer are encrypted, the answer names
// the owner and none of his private details, and the typed command is
// redacted; !status is answered there too.
func TestEncryptedDirectChat(t *testing.T) {
	e := newEnvWith(t, envOptions{strangers: []string{"frank"}, configure: func(forge *servers.Gitea, cfg *config.Config) {
		cfg.Identity = identityLedger(t, forge, "identity-keeper")
	}})
	alice := e.login("alice")
	mustEncrypt(t, alice)
	dm := e.directChat(alice)

	frank, _ := e.world.Person("frank")
	const name, mail = "Frank Encrypted", "frank.encrypted@example.org"
	cmd, reply := e.encryptedAnswer(alice, dm, `!add_owner `+frank.UserID+` frank work "`+name+`" `+mail)
	if !strings.Contains(reply.Body, "frank") || strings.Contains(reply.Body, name) || strings.Contains(reply.Body, mail) {
		t.Errorf("!add_owner answered %q: want frank named, and neither his name nor e-mail", reply.Body)
	}
	if rows := e.auditRows(cmd); len(rows) != 1 {
		t.Errorf("!add_owner wrote %d audit rows, want 1; it answered %q", len(rows), reply.Body)
	}
	e.awaitLedger("the onboarding command redacted", time.Minute, func() (bool, string) {
		evt, err := alice.Matrix().GetEvent(t.Context(), dm, id.EventID(cmd))
		if err != nil {
			return false, err.Error()
		}
		if evt.Unsigned.RedactedBecause == nil {
			return false, "the command is still in the direct chat"
		}
		return true, ""
	})
	_, status := e.encryptedAnswer(alice, dm, "!status")
	if strings.Contains(status.Body, unknownCommand) {
		t.Errorf("!status answered %q", status.Body)
	}

	// The bot's device is signed by its own cross-signing key: alice's
	// client sees a device its owner vouches for (Element shows no "not
	// verified by its owner" warning), and verifying the bot once trusts it.
	devices := e.botDevices(alice)
	if len(devices) != 1 {
		t.Fatalf("the bot has devices %v, want one", devices)
	}
	for deviceID := range devices {
		trust, err := alice.TrustsDevice(t.Context(), id.UserID(e.world.Bot.UserID), deviceID)
		if err != nil {
			t.Fatal(err)
		}
		if trust < id.TrustStateCrossSignedUntrusted {
			t.Errorf("alice's client sees the bot's device %s as %s, want it cross-signed by the bot", deviceID, trust)
		}
	}
}

// An encrypted team room with several owners: carol starts and stops
// work there, an application made in the forum is announced there and
// bob decrypts it; the bot restarts in the middle with the same device
// and keys, a command sent while it was down is answered once, and dave,
// who joins after the bot spoke, decrypts its next answer.
func TestEncryptedTeamRoom(t *testing.T) {
	e := newEnv(t, 0)
	alice, bob, carol := e.login("alice"), e.login("bob"), e.login("carol")
	mustEncrypt(t, alice, bob, carol)
	team := idOf(e.room(demo.RoomTeam))
	e.encryptRoom(alice, team, bob, carol)
	devicesBefore := e.botDevices(carol)

	start, reply := e.encryptedAnswer(carol, team, "!start_work 6_1_7_1")
	if !strings.Contains(reply.Body, "Work session started") {
		t.Fatalf("!start_work answered %q", reply.Body)
	}
	if rows := e.auditRows(start); len(rows) != 1 {
		t.Fatalf("!start_work wrote %d audit rows, want 1", len(rows))
	}

	// An announcement in the encrypted room, read by another member.
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	dave := e.login("dave")
	mustEncrypt(t, dave)
	if _, r := e.ask(dave, demo.RoomForum, `!apply 4_2_7_operations_lead "I kept the calendar"`); !strings.Contains(r.Body, "app_") {
		t.Fatalf("!apply answered %q", r.Body)
	}
	n, err := bob.AwaitNotice(ctx, team, "dave applied for")
	if err != nil {
		t.Fatal(err)
	}
	if !n.Encrypted {
		t.Errorf("the announcement in the encrypted team room came in plaintext")
	}

	// A restart in the middle: a command sent while the bot is down.
	e.stopBot()
	whileDown, err := carol.Send(ctx, team, `!stop_work "drafted while the bot slept"`)
	if err != nil {
		t.Fatal(err)
	}
	sentEncrypted(t, carol, team, whileDown)
	e.startBot()
	r, err := carol.Await(ctx, whileDown)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Encrypted || !strings.Contains(r.Body, "closed") {
		t.Fatalf("the command sent while the bot was down was answered %+v", r)
	}
	if after := e.botDevices(carol); fmt.Sprint(after) != fmt.Sprint(devicesBefore) || len(after) != 1 {
		t.Errorf("the bot's devices were %v before the restart and %v after: want the one device, same keys", devicesBefore, after)
	}

	// dave joined the room before the restart; erin joins now, after the
	// bot spoke there, and reads its next answer.
	erin := e.loginStranger("erin")
	if err := erin.AwaitEncrypted(ctx, team); err != nil {
		t.Fatal(err)
	}
	_, mine := e.encryptedAnswer(carol, team, "!my_tasks")
	if !strings.Contains(mine.Body, "6_1_7_1") {
		t.Errorf("!my_tasks answered %q", mine.Body)
	}
	seen, err := erin.Await(ctx, mine.ReplyTo)
	if err != nil {
		t.Fatalf("the member who joined last never read the bot's answer: %v", err)
	}
	if !seen.Encrypted || seen.Body != mine.Body {
		t.Errorf("the member who joined last read %+v, want the answer %q decrypted", seen, mine.Body)
	}

	if n := len(carol.Replies(whileDown)); n != 1 {
		t.Errorf("the command sent while down has %d answers, want 1", n)
	}
	if n := len(carol.Replies(id.EventID(start))); n != 1 {
		t.Errorf("the command before the restart has %d answers, want 1", n)
	}
	if rows := e.auditRows(string(whileDown)); len(rows) != 1 {
		t.Errorf("the command sent while down has %d audit rows, want 1", len(rows))
	}
}

// loginStranger logs in a person of the homeserver who is in the demo's
// rooms but not one of its owners: they read, they do not command.
func (e *env) loginStranger(name string) *chat.Client {
	e.t.Helper()
	c, err := e.world.Login(e.t.Context(), name)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(c.Close)
	mustEncrypt(e.t, c)
	return c
}

// A message the bot cannot decrypt (its room key never reached the bot)
// gets one notice asking to send it again, also when a second message of
// the same session follows; the notice quotes nothing of it.
func TestUndecryptableMessageGetsOneNotice(t *testing.T) {
	e := newEnv(t, 0)
	alice := e.login("alice")
	mustEncrypt(t, alice)
	dm := e.directChat(alice)
	e.encryptedAnswer(alice, dm, "!status") // the bot is listening in the room

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	// Ciphertext of a session whose key nobody ever sent: what a client
	// that failed to share its key sends.
	session := randomKey(t)
	var sent []id.EventID
	for range 2 {
		resp, err := alice.Matrix().SendMessageEvent(ctx, dm, event.EventEncrypted, &event.EncryptedEventContent{
			Algorithm: id.AlgorithmMegolmV1, SenderKey: id.SenderKey(randomKey(t)), DeviceID: alice.DeviceID(),
			SessionID: id.SessionID(session), MegolmCiphertext: fakeCiphertext(t),
		})
		if err != nil {
			t.Fatal(err)
		}
		sent = append(sent, resp.EventID)
	}
	notice, err := alice.AwaitNotice(ctx, dm, "could not decrypt")
	if err != nil {
		t.Fatal(err)
	}
	if notice.ReplyTo != sent[0] && notice.ReplyTo != sent[1] {
		t.Errorf("the notice answers %s, want one of the undecryptable messages %v", notice.ReplyTo, sent)
	}
	// Plain: the sender's key exchange with the bot is what failed, so an
	// encrypted notice might be one they cannot read either.
	if notice.Encrypted {
		t.Error("the could-not-decrypt notice was sent encrypted; it must be plain")
	}
	// Once the bot has given up on both, there is still one notice.
	e.awaitLedger("both messages given up on", 2*time.Minute, func() (bool, string) {
		n, err := waitingForKeys(ctx, e.cfg.Database)
		if err != nil {
			return false, err.Error()
		}
		return n == 0, fmt.Sprintf("%d messages still wait for their keys", n)
	})
	_, _ = e.encryptedAnswer(alice, dm, "!status") // any notice due has come by this answer
	count := 0
	for _, n := range alice.Notices(dm) {
		if strings.Contains(n.Body, "could not decrypt") {
			count++
		}
	}
	if count != 1 {
		t.Errorf("%d notices asking to resend, want 1 for the sender and session", count)
	}
}

// fakeCiphertext has the shape of a megolm message (version 3, long
// enough), so that only the missing session stops its decryption.
func fakeCiphertext(t *testing.T) []byte {
	raw := make([]byte, 160)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	raw[0] = 3
	return []byte(base64.RawStdEncoding.EncodeToString(raw))
}

func randomKey(t *testing.T) string {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	return base64.RawStdEncoding.EncodeToString(raw)
}

// waitingForKeys counts the encrypted messages the bot keeps while it
// waits for their keys, reading its database without changing it.
func waitingForKeys(ctx context.Context, path string) (int, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	err = db.QueryRowContext(ctx, "SELECT count(*) FROM undecrypted_event").Scan(&n)
	return n, err
}
