package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/bot/state"
	"smartup0.org/engelbot/toolbox"
)

// Config is what the bot needs to know about Matrix.
type Config struct {
	HomeserverURL string
	ServerName    string // only this server's users are served
	UserID        string
	Password      string
	AccessToken   string
	DeviceID      string
	DisplayName   string
	// Rooms maps room IDs or aliases to what they are to the community.
	Rooms map[string]toolbox.Room
}

// Bot is Engelbot's Matrix client.
type Bot struct {
	cfg    Config
	db     *state.DB
	tb     *toolbox.Toolbox
	log    zerolog.Logger
	client *mautrix.Client

	firstStart time.Time
	rooms      map[id.RoomID]toolbox.Room
	teamRooms  map[string]id.RoomID // team ID → its room, for announcements
	members    memberCache
	lanes      *lanes
	ready      chan struct{} // closed once logged in and the rooms are known

	caughtUp     chan struct{} // closed once what arrived while away is answered
	caughtUpOnce sync.Once
}

// CaughtUp is closed once the bot has answered the commands that arrived
// while it was not running (those of its first sync, and those a previous
// run left unanswered). Scheduled work waits for it, so that an objection
// sent before a deadline is handled before the deadline's job runs.
func (b *Bot) CaughtUp() <-chan struct{} { return b.caughtUp }

// New prepares a bot; Run connects it.
func New(cfg Config, db *state.DB, tb *toolbox.Toolbox, log zerolog.Logger) *Bot {
	b := &Bot{cfg: cfg, db: db, tb: tb, log: log, rooms: map[id.RoomID]toolbox.Room{}, teamRooms: map[string]id.RoomID{}, ready: make(chan struct{}), caughtUp: make(chan struct{})}
	b.lanes = newLanes(b.handle)
	return b
}

// Run logs in, joins pending invites, resumes commands a previous run left
// unanswered, and syncs until ctx ends. It returns after the commands in
// flight have been answered.
func (b *Bot) Run(ctx context.Context) error {
	ctx = b.log.WithContext(ctx)
	if err := b.login(ctx); err != nil {
		return err
	}
	first, err := b.db.FirstStart(ctx, time.Now())
	if err != nil {
		return err
	}
	b.firstStart = first
	b.resolveRooms(ctx)
	close(b.ready)
	if err := b.resume(ctx); err != nil {
		return err
	}

	syncer := mautrix.NewDefaultSyncer()
	syncer.FilterJSON = &mautrix.Filter{Room: &mautrix.RoomFilter{Timeline: &mautrix.FilterPart{Limit: 100}}}
	syncer.OnSync(b.onSync)
	b.client.Syncer = syncer
	b.client.Store = deferredSyncStore{b.db.SyncStore()}

	b.log.Info().Str("user_id", b.cfg.UserID).Str("device_id", string(b.client.DeviceID)).Time("first_start", first).Msg("Engelbot is syncing")
	defer b.lanes.wait()
	for attempt := 0; ; attempt++ {
		err := b.client.SyncWithContext(ctx)
		if ctx.Err() != nil {
			return nil
		}
		b.log.Warn().Err(err).Int("attempt", attempt).Msg("sync stopped; reconnecting")
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(min(time.Duration(attempt+1)*time.Second, 30*time.Second)):
		}
	}
}

// login uses the configured access token, or the one kept from an earlier
// password login, or logs in with the password on the configured device so
// that the device stays the same across restarts.
func (b *Bot) login(ctx context.Context) error {
	userID := id.UserID(b.cfg.UserID)
	token := b.cfg.AccessToken
	if token == "" {
		stored, ok, err := b.db.Get(ctx, "access_token")
		if err != nil {
			return err
		}
		if ok {
			token = stored
		}
	}
	client, err := mautrix.NewClient(b.cfg.HomeserverURL, userID, token)
	if err != nil {
		return fmt.Errorf("homeserver: %w", err)
	}
	client.Log = b.log.With().Str("component", "matrix").Logger()
	client.DefaultHTTPRetries = 3
	b.client = client
	if token != "" {
		who, err := client.Whoami(ctx)
		if err == nil {
			client.DeviceID = who.DeviceID
			return nil
		}
		if b.cfg.AccessToken != "" || !errors.Is(err, mautrix.MUnknownToken) {
			return fmt.Errorf("checking the bot's access token: %w", err)
		}
		b.log.Info().Msg("the stored access token is no longer valid; logging in again")
	}
	if b.cfg.Password == "" {
		return errors.New("no access token and no password for the bot")
	}
	localpart, _, _ := strings.Cut(strings.TrimPrefix(b.cfg.UserID, "@"), ":")
	resp, err := client.Login(ctx, &mautrix.ReqLogin{
		Type:                     mautrix.AuthTypePassword,
		Identifier:               mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: localpart},
		Password:                 b.cfg.Password,
		DeviceID:                 id.DeviceID(b.cfg.DeviceID),
		InitialDeviceDisplayName: b.cfg.DisplayName,
		StoreCredentials:         true,
	})
	if err != nil {
		return fmt.Errorf("logging in as %s: %w", b.cfg.UserID, err)
	}
	return b.db.Set(ctx, "access_token", resp.AccessToken)
}

// resolveRooms turns configured room aliases into room IDs.
func (b *Bot) resolveRooms(ctx context.Context) {
	for key, room := range b.cfg.Rooms {
		roomID := id.RoomID(key)
		if !strings.HasPrefix(key, "!") {
			resp, err := b.client.ResolveAlias(ctx, id.RoomAlias(key))
			if err != nil {
				b.log.Warn().Err(err).Str("alias", key).Msg("a configured room alias does not resolve; that room is treated as an ordinary room")
				continue
			}
			roomID = resp.RoomID
		}
		b.rooms[roomID] = room
		if room.Kind == toolbox.RoomTeam {
			b.teamRooms[room.Team] = roomID
		}
	}
}

// resume answers the commands a previous run took on but never answered
// (it was stopped or crashed mid-command). The ledger's exactly-once check
// keeps a write that did land from landing twice.
func (b *Bot) resume(ctx context.Context) error {
	pending, err := b.db.Unfinished(ctx)
	if err != nil {
		return err
	}
	for _, ev := range pending {
		b.log.Info().Str("event_id", ev.ID).Msg("answering a command left unanswered by the previous run")
		b.lanes.add(ev.Sender, ev)
	}
	return nil
}

// serverOf is the server part of a Matrix user ID.
func serverOf(userID id.UserID) string {
	_, server, _ := strings.Cut(string(userID), ":")
	return server
}

// memberCache remembers how many members a room has, to tell direct chats
// from shared rooms; any membership change in a room forgets its entry.
type memberCache struct {
	mu    sync.Mutex
	count map[id.RoomID]int
}

func (m *memberCache) get(roomID id.RoomID) (int, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, ok := m.count[roomID]
	return n, ok
}

func (m *memberCache) set(roomID id.RoomID, n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.count == nil {
		m.count = map[id.RoomID]int{}
	}
	m.count[roomID] = n
}

func (m *memberCache) forget(roomID id.RoomID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.count, roomID)
}

// roomFor says what a room is: configured, or a direct chat when only the
// bot and one other person are in it.
func (b *Bot) roomFor(ctx context.Context, roomID id.RoomID) toolbox.Room {
	if r, ok := b.rooms[roomID]; ok {
		return r
	}
	n, ok := b.members.get(roomID)
	if !ok {
		resp, err := b.client.JoinedMembers(ctx, roomID)
		if err != nil {
			b.log.Warn().Err(err).Stringer("room_id", roomID).Msg("cannot count room members; treating it as a shared room")
			return toolbox.Room{Kind: toolbox.RoomOther}
		}
		n = len(resp.Joined)
		b.members.set(roomID, n)
	}
	if n == 2 {
		return toolbox.Room{Kind: toolbox.RoomDirect}
	}
	return toolbox.Room{Kind: toolbox.RoomOther}
}
