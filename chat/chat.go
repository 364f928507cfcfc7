// Package chat is a plain Matrix client that sends messages as a person and
// collects the bot's answers: the console of the one-machine demo and the
// hands of the end-to-end tests. It speaks only the Matrix client API, like
// Element does, and knows nothing of Engelbot's insides.
package chat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// Client is one person's Matrix session.
type Client struct {
	mx       *mautrix.Client
	password string // to renew a session the homeserver ended
	// token is the session's access token, put on each request by the
	// client's transport: a renewal in the sync loop replaces it while
	// other goroutines send, which the mautrix client's own field would
	// not allow without a race.
	token  atomic.Pointer[string]
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	replies map[id.EventID][]Reply // answers by the event they reply to
	notices map[id.RoomID][]Reply  // every notice seen, by room
	joined  map[id.RoomID]bool
	changed chan struct{} // closed and replaced whenever something arrives

	crypto *encryption // nil when built without it
}

// Reply is an answer the client saw.
type Reply struct {
	EventID id.EventID
	RoomID  id.RoomID
	Sender  id.UserID
	Body    string
	HTML    string
	MsgType event.MessageType
	Thread  id.EventID // the thread root, if the answer is in a thread
	ReplyTo id.EventID // the message it answers; empty for an announcement
	// Encrypted says the answer came end-to-end encrypted and was
	// decrypted by this client.
	Encrypted bool
}

// Login logs in with a password and starts syncing in the background.
func Login(ctx context.Context, homeserver, userID, password string) (*Client, error) {
	mx, err := mautrix.NewClient(homeserver, id.UserID(userID), "")
	if err != nil {
		return nil, err
	}
	c := &Client{mx: mx, password: password, replies: map[id.EventID][]Reply{}, notices: map[id.RoomID][]Reply{}, joined: map[id.RoomID]bool{}, changed: make(chan struct{}), done: make(chan struct{})}
	mx.Client = &http.Client{Timeout: 3 * time.Minute, Transport: bearer{c}}
	if err := c.login(ctx); err != nil {
		return nil, err
	}
	syncer := mautrix.NewDefaultSyncer()
	syncer.OnSync(c.onSync)
	// Decrypted messages come through here too: the crypto helper hands
	// them back to the syncer.
	syncer.OnEventType(event.EventMessage, c.onMessage)
	// The state store has taken a room's encryption in when this runs
	// (global listeners come first): wake AwaitEncrypted.
	syncer.OnEventType(event.StateEncryption, func(context.Context, *event.Event) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.wake()
	})
	mx.Syncer = syncer
	if err := c.startEncryption(ctx); err != nil {
		return nil, err
	}
	syncCtx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	go func() {
		defer close(c.done)
		c.syncLoop(syncCtx)
	}()
	return c, nil
}

// login logs in with the password, on the device of the previous login if
// there was one, so that a renewed session is the same device.
func (c *Client) login(ctx context.Context) error {
	localpart, _, _ := strings.Cut(strings.TrimPrefix(string(c.mx.UserID), "@"), ":")
	resp, err := c.mx.Login(ctx, &mautrix.ReqLogin{
		Type:       mautrix.AuthTypePassword,
		Identifier: mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: localpart},
		Password:   c.password, DeviceID: c.mx.DeviceID,
	})
	if err != nil {
		return fmt.Errorf("logging in as %s: %w", c.mx.UserID, err)
	}
	c.token.Store(&resp.AccessToken)
	if c.mx.DeviceID == "" { // the first login, before anything else runs
		c.mx.DeviceID = resp.DeviceID
	}
	return nil
}

// bearer puts the client's current token on each request but a login.
type bearer struct{ c *Client }

func (b bearer) RoundTrip(req *http.Request) (*http.Response, error) {
	if t := b.c.token.Load(); t != nil && !strings.HasSuffix(req.URL.Path, "/login") {
		req = req.Clone(req.Context())
		req.Header.Set("Authorization", "Bearer "+*t)
	}
	return http.DefaultTransport.RoundTrip(req)
}

// syncLoop syncs until ctx ends. mautrix's loop waits out a failing
// homeserver by itself and returns only when the session has ended (or a
// sync could not be handled): the session is renewed then, and failures
// in a row wait longer and longer.
func (c *Client) syncLoop(ctx context.Context) {
	wait := 200 * time.Millisecond
	for ctx.Err() == nil {
		err := c.mx.SyncWithContext(ctx)
		if err == nil || ctx.Err() != nil {
			continue
		}
		if errors.Is(err, mautrix.MUnknownToken) && c.login(ctx) == nil {
			wait = 200 * time.Millisecond
			continue
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
		}
		wait = min(2*wait, 30*time.Second)
	}
}

// UserID is who this client is.
func (c *Client) UserID() id.UserID { return c.mx.UserID }

// Matrix returns the underlying client, for setting up rooms.
func (c *Client) Matrix() *mautrix.Client { return c.mx }

// Close stops syncing and forgets the client's keys.
func (c *Client) Close() {
	c.cancel()
	c.mx.StopSync()
	<-c.done
	c.stopEncryption()
}

func (c *Client) onSync(_ context.Context, resp *mautrix.RespSync, _ string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for roomID := range resp.Rooms.Join {
		c.joined[roomID] = true
	}
	c.wake()
	return true
}

// onMessage records a message from someone else, plain or decrypted.
func (c *Client) onMessage(_ context.Context, evt *event.Event) {
	if evt.Sender == c.mx.UserID {
		return
	}
	msg := evt.Content.AsMessage()
	if msg == nil {
		return
	}
	seen := Reply{
		EventID: evt.ID, RoomID: evt.RoomID, Sender: evt.Sender, Body: msg.Body, HTML: msg.FormattedBody,
		MsgType: msg.MsgType, Thread: msg.RelatesTo.GetThreadParent(),
		Encrypted: evt.Mautrix.EventSource&event.SourceDecrypted != 0,
	}
	to := msg.RelatesTo.GetReplyTo()
	if to == "" {
		to = msg.RelatesTo.GetNonFallbackReplyTo()
	}
	seen.ReplyTo = to
	c.mu.Lock()
	defer c.mu.Unlock()
	if msg.MsgType == event.MsgNotice {
		c.notices[evt.RoomID] = append(c.notices[evt.RoomID], seen)
	}
	if to != "" {
		c.replies[to] = append(c.replies[to], seen)
	}
	c.wake()
}

// wake tells every waiter something arrived; the caller holds mu.
func (c *Client) wake() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Send sends a text message and returns its event ID.
func (c *Client) Send(ctx context.Context, roomID id.RoomID, text string) (id.EventID, error) {
	resp, err := c.mx.SendText(ctx, roomID, text)
	if err != nil {
		return "", err
	}
	return resp.EventID, nil
}

// SendInThread sends a text message in a thread under root.
func (c *Client) SendInThread(ctx context.Context, roomID id.RoomID, root id.EventID, text string) (id.EventID, error) {
	content := &event.MessageEventContent{MsgType: event.MsgText, Body: text}
	content.RelatesTo = (&event.RelatesTo{}).SetThread(root, root)
	resp, err := c.mx.SendMessageEvent(ctx, roomID, event.EventMessage, content)
	if err != nil {
		return "", err
	}
	return resp.EventID, nil
}

// Await waits for the first answer to an event.
func (c *Client) Await(ctx context.Context, eventID id.EventID) (Reply, error) {
	for {
		c.mu.Lock()
		got := c.replies[eventID]
		changed := c.changed
		c.mu.Unlock()
		if len(got) > 0 {
			return got[0], nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return Reply{}, fmt.Errorf("no answer to %s: %w", eventID, ctx.Err())
		}
	}
}

// Ask sends a message and waits for its answer.
func (c *Client) Ask(ctx context.Context, roomID id.RoomID, text string) (Reply, error) {
	evt, err := c.Send(ctx, roomID, text)
	if err != nil {
		return Reply{}, err
	}
	return c.Await(ctx, evt)
}

// Replies returns every answer seen so far to an event.
func (c *Client) Replies(eventID id.EventID) []Reply {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Reply(nil), c.replies[eventID]...)
}

// AwaitJoined waits until the client's sync shows it in a room.
func (c *Client) AwaitJoined(ctx context.Context, roomID id.RoomID) error {
	for {
		c.mu.Lock()
		ok := c.joined[roomID]
		changed := c.changed
		c.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return errors.New("not joined to " + string(roomID))
		}
	}
}

// Notices returns every notice seen so far in a room, in order.
func (c *Client) Notices(roomID id.RoomID) []Reply {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Reply(nil), c.notices[roomID]...)
}

// AwaitNotice waits for a notice in a room whose text contains want.
func (c *Client) AwaitNotice(ctx context.Context, roomID id.RoomID, want string) (Reply, error) {
	for {
		c.mu.Lock()
		var found *Reply
		for _, n := range c.notices[roomID] {
			if strings.Contains(n.Body, want) {
				found = &n
				break
			}
		}
		changed := c.changed
		c.mu.Unlock()
		if found != nil {
			return *found, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return Reply{}, fmt.Errorf("no notice saying %q in %s: %w", want, roomID, ctx.Err())
		}
	}
}
