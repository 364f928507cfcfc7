package bot

import (
	"context"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/sqlstatestore"

	"smartup0.org/engelbot/bot/lane"
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
	// TimelineLimit is how many of a room's newest events one sync
	// carries; older ones are fetched separately. Default 50.
	TimelineLimit int
	// ShutdownGrace bounds how long, once asked to stop, the bot lets the
	// commands already running finish and be answered. Default 20 s.
	ShutdownGrace time.Duration
	// Observer hears of every command answered and every sync, for
	// metrics and health checks. Default: nobody.
	Observer Observer
	// Encryption turns end-to-end encryption on: the bot decrypts
	// commands in encrypted rooms and answers encrypted there.
	Encryption bool
	// PickleKey encrypts the bot's keys in its database; empty: a key
	// made once and kept in the database.
	PickleKey string
}

// defaultShutdownGrace leaves a service manager's usual stop timeout
// (90 s in systemd) room for the ledger's last commit after it.
const defaultShutdownGrace = 20 * time.Second

// Bot is Engelbot's Matrix client.
type Bot struct {
	cfg     Config
	db      *state.DB
	tb      *toolbox.Toolbox
	log     zerolog.Logger
	client  *mautrix.Client
	session session

	firstStart time.Time
	rooms      *roomBook
	roomState  *sqlstatestore.SQLStateStore
	direct     directRooms // the bot's m.direct
	e2ee       *e2ee       // nil when encryption is off
	// background is the work that outlives a sync: waiting for the room
	// key of an encrypted command. Run waits for it before it returns.
	background sync.WaitGroup
	lanes      *lane.Lanes[state.Event]
	coming     sync.Map // event ID → toolbox.Coming: writes announced, not yet run (coming.go)
	batchMu    sync.Mutex
	batch      *[]state.Event // commands taken in during a batch, not yet in their lanes (coming.go)
	typing     *typists       // the typing notices of commands that take a while
	ready      chan struct{}  // closed once logged in and the rooms are known

	// stopping is done once the bot is asked to stop: no new command
	// starts. work is done ShutdownGrace later: commands still running
	// are cut off, and stay recorded for the next start.
	stopping context.Context
	work     context.Context

	caughtUp     chan struct{} // closed once what arrived while away is answered
	caughtUpOnce sync.Once

	// Seams for tests: the clock, waiting between attempts, and recording a
	// command (which a test makes fail once).
	now   func() time.Time
	wait  func(ctx context.Context, d time.Duration) error
	claim func(ctx context.Context, ev state.Event) (bool, error)
}

// CaughtUp is closed once the bot has answered the commands that arrived
// while it was not running (those of its first sync, and those a previous
// run left unanswered). Scheduled work waits for it, so that an objection
// sent before a deadline is handled before the deadline's job runs.
func (b *Bot) CaughtUp() <-chan struct{} { return b.caughtUp }

// New prepares a bot; Run connects it.
func New(cfg Config, db *state.DB, tb *toolbox.Toolbox, log zerolog.Logger) *Bot {
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = defaultShutdownGrace
	}
	if cfg.Observer == nil {
		cfg.Observer = noObserver{}
	}
	b := &Bot{
		cfg: cfg, db: db, tb: tb, log: log,
		rooms: newRoomBook(),
		ready: make(chan struct{}), caughtUp: make(chan struct{}),
		stopping: context.Background(), work: context.Background(),
		now: time.Now, wait: sleep, claim: db.Claim,
	}
	b.lanes = lane.New(b.handleInTurn)
	b.typing = newTypists(b.sendTyping)
	return b
}

// Run logs in, joins pending invites, resumes commands a previous run left
// unanswered, and syncs until ctx ends. Then it stops taking commands, lets
// those already running finish and be answered for up to ShutdownGrace,
// and returns; what did not run stays recorded for the next start.
func (b *Bot) Run(ctx context.Context) error {
	ctx = b.log.WithContext(ctx)
	work, cutOff := context.WithCancel(context.WithoutCancel(ctx))
	b.stopping, b.work = ctx, work
	defer b.stop(cutOff)

	if err := b.canEncrypt(); err != nil {
		return err
	}
	if err := b.connect(ctx); err != nil {
		return err
	}
	if err := b.startEncryption(ctx); err != nil {
		return err
	}
	if err := b.loadDirect(ctx); err != nil {
		return err
	}
	defer b.background.Wait() // before the database closes
	first, err := b.db.FirstStart(ctx, b.now())
	if err != nil {
		return err
	}
	b.firstStart = first
	b.resolveRooms(ctx)
	close(b.ready)
	if err := b.resume(ctx); err != nil {
		return err
	}
	if err := b.resumeUndecrypted(ctx); err != nil {
		return err
	}
	pruneCtx, stopPruning := context.WithCancel(ctx)
	pruned := make(chan struct{})
	go func() {
		defer close(pruned)
		b.pruneLoop(pruneCtx)
	}()
	defer func() { stopPruning(); <-pruned }() // before the database closes

	b.log.Info().Str("user_id", b.cfg.UserID).Str("device_id", string(b.client.DeviceID)).Time("first_start", first).Msg("Engelbot is syncing")
	err = b.syncLoop(ctx)
	b.log.Info().Msg("Engelbot is stopping: no new commands; letting those running finish")
	return err
}

// stop ends a run, whichever way it ends: no queued command starts any
// more, and those running get ShutdownGrace to finish before cutOff ends
// their context.
func (b *Bot) stop(cutOff context.CancelFunc) {
	b.lanes.Close()
	b.forgetComing() // those not started will not run in this process
	grace := time.AfterFunc(b.cfg.ShutdownGrace, cutOff)
	b.lanes.Wait()
	grace.Stop()
	cutOff()
	b.typing.wait()
}

// resume answers the commands a previous run took on but never answered
// (it was stopped or crashed mid-command). The ledger's exactly-once check
// keeps a write that did land from landing twice.
func (b *Bot) resume(ctx context.Context) error {
	pending, err := b.db.Unfinished(ctx)
	if err != nil {
		return err
	}
	b.beginBatch()
	defer b.endBatch()
	for _, ev := range pending {
		b.log.Info().Str("event_id", ev.ID).Msg("answering a command left unanswered by the previous run")
		b.enqueue(ev, nameOf(ev))
	}
	return nil
}
