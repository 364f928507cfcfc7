package e2e

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"smartup0.org/engelbot/servers"
)

// The Element-like client: e2e/element/client.mjs on matrix-js-sdk with its
// Rust crypto, the stack Element itself runs. Tests drive it to check that
// what goes through Matrix encrypted is readable, and trusted, by what the
// community's owners really use, not only by the project's own client.

// elementDir holds the client's program and its npm package and lock files,
// relative to the e2e package (go test runs in the package folder).
const elementDir = "element"

// elementTimeout bounds every request that waits for the homeserver; the
// Node side gets the same deadline, so a wait that runs out is reported by
// the client (with what it saw) before the test gives up on it.
const elementTimeout = 30 * time.Second

// elementClient is one running Element-like client, logged in as one user
// on one new device.
type elementClient struct {
	t        testing.TB
	UserID   string
	DeviceID string
	// Timeout bounds each wait for the homeserver or for keys;
	// elementTimeout unless a test that expects a wait to run out
	// shortens it.
	Timeout time.Duration

	cmd     *exec.Cmd
	stdin   io.WriteCloser
	answers chan elementAnswer
	stderr  *lockedBuffer
	nextID  int
	done    chan struct{} // closed when the process has exited
	waitErr error
}

// elementMessage is a message as the Element-like client received it.
type elementMessage struct {
	EventID       string `json:"event_id"`
	Sender        string `json:"sender"`
	SenderDevice  string `json:"sender_device"`
	Encrypted     bool   `json:"encrypted"`
	Decrypted     bool   `json:"decrypted"`
	Error         string `json:"error"` // why it could not be decrypted
	MsgType       string `json:"msgtype"`
	Body          string `json:"body"`
	FormattedBody string `json:"formatted_body"`
	// Shield is what Element draws beside the message; nil when the
	// message was not decrypted (or not encrypted).
	Shield *elementShield `json:"shield"`
	// Device is the sender device's verification status as this client
	// sees it; nil when the event did not name the device.
	Device *elementDevice `json:"device"`
}

// elementShield is matrix-js-sdk's getEncryptionInfoForEvent, with
// Element's wording for the reason.
type elementShield struct {
	Colour string `json:"colour"` // none, grey or red
	Reason string `json:"reason"` // e.g. unsigned_device; "" when none
	Text   string `json:"text"`   // e.g. "Encrypted by a device not verified by its owner."
}

// elementDevice is matrix-js-sdk's DeviceVerificationStatus.
type elementDevice struct {
	SignedByOwner        bool `json:"signed_by_owner"`
	CrossSigningVerified bool `json:"cross_signing_verified"`
	LocallyVerified      bool `json:"locally_verified"`
	Verified             bool `json:"verified"`
}

type elementAnswer struct {
	ID    int             `json:"id"`
	OK    bool            `json:"ok"`
	Error string          `json:"error"`
	raw   json.RawMessage // the whole line, decoded again by the caller
}

// startElement starts an Element-like client and logs it in as user
// (localpart or full ID) with password on the homeserver at hsURL. The
// client stops when the test ends. The test fails when Node.js or the npm
// packages are missing.
func startElement(t testing.TB, hsURL, user, password string) *elementClient {
	t.Helper()
	node, modules := requireElement(t)
	// The program runs from a folder of its own beside the installed
	// packages, so that Node finds them as it finds any node_modules.
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(elementDir, "client.mjs"))
	if err != nil {
		t.Fatalf("element client: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "client.mjs"), src, 0o644); err != nil {
		t.Fatalf("element client: %v", err)
	}
	if err := os.Symlink(modules, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatalf("element client: %v", err)
	}

	cmd := exec.Command(node, "client.mjs")
	cmd.Dir = dir
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatalf("element client: %v", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("element client: %v", err)
	}
	c := &elementClient{
		t:       t,
		cmd:     cmd,
		stdin:   stdin,
		answers: make(chan elementAnswer),
		stderr:  &lockedBuffer{},
		done:    make(chan struct{}),
		Timeout: elementTimeout,
	}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start element client: %v", err)
	}
	go c.read(stdout)
	go func() {
		c.waitErr = cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(c.stop)

	var login struct {
		UserID   string `json:"user_id"`
		DeviceID string `json:"device_id"`
	}
	c.call("login", map[string]any{"homeserver": hsURL, "user": user, "password": password}, &login)
	c.UserID, c.DeviceID = login.UserID, login.DeviceID
	return c
}

// BootstrapCrossSigning sets up cross-signing for the client's account and
// signs its own device with it, as Element does on a first login.
func (c *elementClient) BootstrapCrossSigning() {
	c.t.Helper()
	var res struct {
		Ready bool `json:"cross_signing_ready"`
	}
	c.call("bootstrap", nil, &res)
	if !res.Ready {
		c.t.Fatalf("%s: cross-signing is not ready after bootstrapping it", c.UserID)
	}
}

// DirectChat creates an encrypted direct chat with userID, as Element does,
// and returns its room ID once the client has it joined and encrypted.
func (c *elementClient) DirectChat(userID string) string {
	c.t.Helper()
	var res struct {
		RoomID string `json:"room_id"`
	}
	c.call("direct", map[string]any{"user": userID}, &res)
	return res.RoomID
}

// Join waits for an invite to room and accepts it, recording it as a
// direct chat when the invite says so.
func (c *elementClient) Join(room string) {
	c.t.Helper()
	c.call("join", map[string]any{"room": room}, nil)
}

// Send sends text as a plain message (m.text) to room, encrypted when the
// room is, and returns its event ID.
func (c *elementClient) Send(room, text string) string {
	c.t.Helper()
	var res struct {
		EventID string `json:"event_id"`
	}
	c.call("send", map[string]any{"room": room, "text": text}, &res)
	return res.EventID
}

// Await returns the next message from fromUser in room that no Await has
// returned yet and whose body contains contains ("" for any). A message
// that could still not be decrypted at the deadline is returned with
// Decrypted false; the test fails when nothing came at all.
func (c *elementClient) Await(room, fromUser, contains string) elementMessage {
	c.t.Helper()
	var res struct {
		Message elementMessage `json:"message"`
	}
	c.call("await", map[string]any{"room": room, "from": fromUser, "contains": contains}, &res)
	return res.Message
}

// call sends one request and decodes its answer into out (when not nil),
// failing the test on an error answer or a client that stops answering.
func (c *elementClient) call(op string, args map[string]any, out any) {
	c.t.Helper()
	c.nextID++
	req := map[string]any{"id": c.nextID, "op": op, "timeout_ms": c.Timeout.Milliseconds()}
	for k, v := range args {
		req[k] = v
	}
	line, err := json.Marshal(req)
	if err != nil {
		c.t.Fatalf("element %s: %v", op, err)
	}
	if _, err := c.stdin.Write(append(line, '\n')); err != nil {
		c.t.Fatalf("element %s: write request: %v%s", op, err, c.stderrTail())
	}
	select {
	case a, ok := <-c.answers:
		if !ok {
			c.t.Fatalf("element %s: the client exited without answering%s", op, c.stderrTail())
		}
		if a.ID != c.nextID {
			c.t.Fatalf("element %s: answer to request %d, want %d", op, a.ID, c.nextID)
		}
		if !a.OK {
			c.t.Fatalf("element %s (%s): %s", op, c.UserID, a.Error)
		}
		if out != nil {
			if err := json.Unmarshal(a.raw, out); err != nil {
				c.t.Fatalf("element %s: decode answer %s: %v", op, a.raw, err)
			}
		}
	case <-time.After(c.Timeout + 15*time.Second):
		c.t.Fatalf("element %s: no answer within %s%s", op, c.Timeout+15*time.Second, c.stderrTail())
	}
}

// read turns the client's stdout lines into answers until it closes.
func (c *elementClient) read(stdout io.Reader) {
	defer close(c.answers)
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		var a elementAnswer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			a = elementAnswer{ID: -1, Error: fmt.Sprintf("not an answer: %q", sc.Text())}
		}
		a.raw = append(json.RawMessage(nil), sc.Bytes()...)
		select {
		case c.answers <- a:
		case <-c.done:
			return
		}
	}
}

// stop asks the client to exit, and kills it if it does not.
func (c *elementClient) stop() {
	c.nextID++
	line, _ := json.Marshal(map[string]any{"id": c.nextID, "op": "stop"})
	_, _ = c.stdin.Write(append(line, '\n'))
	_ = c.stdin.Close()
	select {
	case <-c.done:
		if c.waitErr != nil {
			c.t.Errorf("element client %s: %v%s", c.UserID, c.waitErr, c.stderrTail())
		}
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
		c.t.Errorf("element client %s did not exit when asked%s", c.UserID, c.stderrTail())
	}
	if c.t.Failed() {
		c.t.Logf("element client %s stderr:%s", c.UserID, c.stderrTail())
	}
}

func (c *elementClient) stderrTail() string {
	s := c.stderr.String()
	if s == "" {
		return ""
	}
	const max = 4000
	if len(s) > max {
		s = "…" + s[len(s)-max:]
	}
	return "\n" + strings.TrimRight(s, "\n")
}

// requireElement finds node and the installed npm packages, failing the
// test with the command that installs them.
func requireElement(t testing.TB) (node, modules string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("Element client: node is not on PATH: install Node.js 20 or newer, then run %s", servers.InstallCommand)
	}
	modules, err = elementModules()
	if err != nil {
		t.Fatalf("Element client: %v (run %s)", err, servers.InstallCommand)
	}
	return node, modules
}

// elementModules is the node_modules folder scripts/install-servers.sh
// installs from e2e/element/package-lock.json: under the cache, in a folder
// named for the lock file's hash, complete once it holds .installed.
func elementModules() (string, error) {
	lock, err := os.ReadFile(filepath.Join(elementDir, "package-lock.json"))
	if err != nil {
		return "", fmt.Errorf("read the npm lock file: %w", err)
	}
	sum := sha256.Sum256(lock)
	dir := filepath.Join(servers.CacheDir(), "element-"+hex.EncodeToString(sum[:])[:16])
	if _, err := os.Stat(filepath.Join(dir, ".installed")); err != nil {
		return "", fmt.Errorf("matrix-js-sdk is not installed: %s is missing", dir)
	}
	return filepath.Join(dir, "node_modules"), nil
}

// lockedBuffer collects a process's stderr while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
