// Package app wires Engelbot together from a configuration: the ledger's
// storage backend, the ledger, the toolbox, the bot's state and the bot.
// cmd/engelbot and the end-to-end tests build the same thing through it.
//
// It holds no behaviour of its own beyond construction and shutdown order.
package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"smartup0.org/engelbot/bot"
	"smartup0.org/engelbot/bot/state"
	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/identity"
	"smartup0.org/engelbot/metrics"
	"smartup0.org/engelbot/storage"
	"smartup0.org/engelbot/toolbox"
)

// App is a running Engelbot's parts.
type App struct {
	Ledger  *ledger.Ledger
	Toolbox *toolbox.Toolbox
	Bot     *bot.Bot
	db      *state.DB
	jobs    config.Jobs
	log     zerolog.Logger
	metrics *metrics.Server // nil: the configuration turns it off
	// site publishes to the public site's repository; nil: none configured
	site *sitePublisher
	// public is the site's settings: the schedule
	public config.Public
	// published is signalled when a scheduled job changed what the site
	// shows (SC awarded, SK decayed), so that it is published right away
	published chan struct{}
}

// OpenStore opens the ledger's storage backend named by the configuration.
func OpenStore(cfg *config.Config) (ledger.Store, error) { return storage.Open(cfg.Ledger) }

// OpenIdentity opens the private identity repository the configuration
// names, with its own token, or returns nil when there is none. It is the
// ledger's backend code with the identity repository's settings.
func OpenIdentity(ctx context.Context, cfg *config.Config) (*identity.Book, error) {
	if cfg.Identity.Backend == "" {
		return nil, nil
	}
	store, err := storage.Open(cfg.Identity)
	if err != nil {
		return nil, err
	}
	if err := checkPrivate(ctx, store, cfg.Identity.Forgejo.Owner+"/"+cfg.Identity.Forgejo.Repo); err != nil {
		return nil, err
	}
	if err := initStore(ctx, store); err != nil {
		return nil, fmt.Errorf("identity repository (identity.forgejo, identity.branch): %w", err)
	}
	return identity.New(store), nil
}

// checkPrivate refuses an identity store the forge does not keep private:
// real names written there would be published. A store that is not on a
// forge (a local repository) has no such setting.
func checkPrivate(ctx context.Context, store ledger.Store, name string) error {
	p, ok := store.(interface {
		Private(context.Context) (bool, error)
	})
	if !ok {
		return nil
	}
	private, err := p.Private(ctx)
	if err != nil {
		return fmt.Errorf("checking that %s is private: %w", name, err)
	}
	if !private {
		return fmt.Errorf("%s is a public repository; the identity mapping must be kept in a private one (identity.forgejo.repo)", name)
	}
	return nil
}

// initStore starts the history of a forge repository created without any
// commit, so that an operator can begin with an empty repository; the
// local backend does the same when it creates its repository.
func initStore(ctx context.Context, store ledger.Store) error {
	if s, ok := store.(interface{ Init(context.Context) error }); ok {
		return s.Init(ctx)
	}
	return nil
}

// identityOf is the toolbox's view of the identity repository: it can
// write an entry, nothing else; nil when there is none.
func identityOf(b *identity.Book) toolbox.Identity {
	if b == nil {
		return nil
	}
	return identityRecorder{b}
}

// identityRecorder records the toolbox's entries in the identity mapping.
type identityRecorder struct{ book *identity.Book }

func (r identityRecorder) Record(ctx context.Context, e toolbox.IdentityEntry, queued func()) error {
	return r.book.RecordQueued(ctx, identity.Entry(e), queued)
}

// Options change how the parts are built, for tests.
type Options struct {
	// Clock is the ledger's and the scheduled jobs' clock. Default time.Now.
	Clock func() time.Time
	// TimelineLimit is how many of a room's newest events one sync
	// carries; tests make it small to have gaps filled. Default 50.
	TimelineLimit int
	// Site, when set, is where !publish and the schedule publish instead
	// of the configuration's site repository: the demo's folder (a
	// publish.Dir). SiteName names it in answers.
	Site     ledger.Store
	SiteName string
}

// Open builds every part. The ledger is read once here, so a bad ledger
// stops the start with an error that names the file and line.
func Open(ctx context.Context, cfg *config.Config, log zerolog.Logger) (*App, error) {
	return OpenWith(ctx, cfg, log, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, cfg *config.Config, log zerolog.Logger, opts Options) (*App, error) {
	store, err := OpenStore(cfg)
	if err != nil {
		return nil, fmt.Errorf("ledger storage: %w", err)
	}
	if err := initStore(ctx, store); err != nil {
		return nil, fmt.Errorf("ledger storage (ledger.forgejo, ledger.branch): %w", err)
	}
	// The listener starts before the ledger is read, so that a slow load
	// shows as alive (/healthz) and not ready (/readyz), not as a process
	// that does not answer.
	m, srv, err := openMetrics(cfg)
	if err != nil {
		return nil, err
	}
	ledgerOpts := ledger.Options{Clock: opts.Clock}
	var botObserver bot.Observer
	if m != nil {
		ledgerOpts.Observer, botObserver = m, m
	}
	ledgerLog := log.With().Str("component", "ledger").Logger()
	ledgerOpts.Log = &ledgerLog
	l, err := ledger.Open(ctx, store, ledgerOpts)
	if err != nil {
		closeMetrics(srv, log)
		return nil, fmt.Errorf("loading the ledger: %w", err)
	}
	if m != nil {
		m.WatchLedger(l.Queued, func(ctx context.Context) error {
			_, err := l.Snapshot(ctx)
			return err
		})
	}
	db, err := state.Open(ctx, cfg.Database, log.With().Str("component", "database").Logger())
	if err != nil {
		l.Close()
		closeMetrics(srv, log)
		return nil, fmt.Errorf("bot database: %w", err)
	}
	ids, err := OpenIdentity(ctx, cfg)
	if err != nil {
		l.Close()
		_ = db.Close()
		closeMetrics(srv, log)
		return nil, fmt.Errorf("identity repository: %w", err)
	}
	tb := toolbox.New(l, toolbox.Config{
		Founder: cfg.Founder, Admins: cfg.Admins, ServerName: cfg.Homeserver.ServerName,
		Identity: identityOf(ids), Version: Version(),
	})
	if err := bootstrap(ctx, cfg, l, tb, log); err != nil {
		l.Close()
		_ = db.Close()
		closeMetrics(srv, log)
		return nil, err
	}
	rooms := map[string]toolbox.Room{}
	for key, r := range cfg.Rooms {
		rooms[key] = roomOf(r)
	}
	b := bot.New(bot.Config{
		HomeserverURL: cfg.Homeserver.URL, ServerName: cfg.Homeserver.ServerName,
		UserID: cfg.Bot.UserID, Password: cfg.Bot.Password, AccessToken: cfg.Bot.AccessToken,
		DeviceID: cfg.Bot.DeviceID, DisplayName: cfg.Bot.DisplayName, Rooms: rooms,
		TimelineLimit: opts.TimelineLimit, Observer: botObserver,
		Encryption: cfg.Encryption.On(), PickleKey: cfg.Encryption.PickleKey,
	}, db, tb, log.With().Str("component", "bot").Logger())
	// !setup_rooms reaches the homeserver through the bot; the toolbox
	// sees only its plain interface.
	tb.SetRooms(b)
	a := &App{Ledger: l, Toolbox: tb, Bot: b, db: db, jobs: cfg.Jobs, log: log, metrics: srv, public: cfg.Public, published: make(chan struct{}, 1)}
	store, where := opts.Site, opts.SiteName
	if store == nil && cfg.Public.Configured() {
		if store, where, err = OpenSite(cfg); err != nil {
			_ = a.Close()
			return nil, err
		}
	}
	if store != nil {
		a.site = &sitePublisher{ledger: l, store: store, where: where, target: TargetOf(cfg)}
		tb.SetPublisher(a.site)
	}
	return a, nil
}

func roomOf(r config.Room) toolbox.Room {
	switch r.Kind {
	case "team":
		return toolbox.Room{Kind: toolbox.RoomTeam, Team: r.Team}
	case "forum":
		return toolbox.Room{Kind: toolbox.RoomForum}
	case "workplace":
		return toolbox.Room{Kind: toolbox.RoomWorkplace}
	}
	return toolbox.Room{Kind: toolbox.RoomOther}
}

// Run runs the bot until ctx ends, then closes everything in order: the bot
// finishes the commands in flight (for a grace period), the ledger writer
// its commit, and the database last.
func (a *App) Run(ctx context.Context) error {
	jobsDone := make(chan struct{})
	jobsCtx, stopJobs := context.WithCancel(ctx)
	go func() {
		defer close(jobsDone)
		if !a.jobs.Disabled {
			a.runJobs(jobsCtx)
		}
	}()
	publishDone := make(chan struct{})
	go func() {
		defer close(publishDone)
		if !a.jobs.Disabled {
			a.runPublishing(jobsCtx)
		}
	}()
	err := a.Bot.Run(ctx)
	stopJobs()
	<-jobsDone
	<-publishDone
	return errors.Join(err, a.Close())
}

// lastCommitGrace bounds how long closing waits for the ledger's commit in
// flight; one commit takes about a second on a real forge, and a commit cut
// short is recognised by its event IDs at the next start.
const lastCommitGrace = 15 * time.Second

// Close releases the ledger, after its commit in flight (within
// lastCommitGrace), and the database.
func (a *App) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), lastCommitGrace)
	defer cancel()
	if err := a.Ledger.Shutdown(ctx); err != nil {
		a.log.Warn().Err(err).Msg("the ledger's last commit was cut short; the next start finds what landed")
	}
	err := a.db.Close()
	if a.site != nil {
		if c, ok := a.site.store.(interface{ Close() error }); ok {
			err = errors.Join(err, c.Close())
		}
	}
	closeMetrics(a.metrics, a.log)
	return err
}
