package ledger

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
)

// Options tune a Ledger. The zero value is usable.
type Options struct {
	// Clock gives the time mutations run at; tests set it. Default time.Now.
	Clock func() time.Time
	// Author signs the commits. Default "Engelbot".
	Author Signature
	// MaxGroup caps how many queued mutations share one commit. Default 100.
	MaxGroup int
	// RetryFor bounds how long a group keeps retrying conflicts and forge
	// errors before it answers "not now". Default 2 minutes.
	RetryFor time.Duration
	// ShardRows is how many rows an append-only file holds before the next
	// one starts. Default DefaultShardRows.
	ShardRows int
	// Log receives the writer's own log lines. Default: disabled.
	Log *zerolog.Logger
	// FollowWait is how long the writer holds a group for the next
	// mutation while one is on its way: its caller said it follows the
	// last one (Followed), or announced it (Expect). Default
	// 100 ms: long enough for a sender's next command to run its checks
	// and queue its write, short enough that a follower that does not come
	// (a query, a refusal at the door) costs little.
	FollowWait time.Duration
	// ReadOldLayout opens a ledger whose indexes are still single files
	// (see migrate.go) for reading: verify and the doctor check it, but
	// every write is refused. Without it Open refuses such a ledger with
	// ErrOldLayout, naming the command that migrates it.
	ReadOldLayout bool
	// Observer hears of loads, commits and the store's answers and
	// failures, for metrics and health checks. Default: nobody.
	Observer Observer
}

// Ledger is the one writer of a ledger repository in this process, and the
// keeper of its in-memory snapshot.
type Ledger struct {
	store Store
	opts  Options
	snap  atomic.Pointer[Snapshot]

	refreshMu sync.Mutex // one freshness check at a time
	queue     chan *request
	incoming  atomic.Int64 // mutations announced (Expect) and not queued yet

	// Closing: see close.go. sendMu is held for reading while a request is
	// sent to the queue and for writing while Close marks the ledger closed,
	// so that no request enters the queue after the last drain.
	sendMu    sync.RWMutex
	closed    bool          // guarded by sendMu
	stop      chan struct{} // closed when Close begins
	done      chan struct{} // closed when the writer has stopped
	closeOnce sync.Once
	// writing is the context of every commit; Shutdown cancels it (abort)
	// when its grace period is over.
	writing context.Context
	abort   context.CancelFunc
}

// withDefaults is opts with every unset option at its default.
func (opts Options) withDefaults() Options {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Author.Name == "" {
		opts.Author = Signature{Name: "Engelbot", Email: "engelbot@localhost"}
	}
	if opts.MaxGroup <= 0 {
		opts.MaxGroup = 100
	}
	if opts.RetryFor <= 0 {
		opts.RetryFor = 2 * time.Minute
	}
	if opts.ShardRows <= 0 {
		opts.ShardRows = DefaultShardRows
	}
	if opts.FollowWait <= 0 {
		opts.FollowWait = 100 * time.Millisecond
	}
	if opts.Log == nil {
		nop := zerolog.Nop()
		opts.Log = &nop
	}
	if opts.Observer == nil {
		opts.Observer = noObserver{}
	}
	return opts
}

// Open loads the ledger from store and starts its writer.
func Open(ctx context.Context, store Store, opts Options) (*Ledger, error) {
	opts = opts.withDefaults()
	l := &Ledger{store: store, opts: opts, queue: make(chan *request, 1024), stop: make(chan struct{}), done: make(chan struct{})}
	s, err := l.reload(ctx, nil)
	if err != nil {
		return nil, err
	}
	if len(s.legacy) > 0 && !opts.ReadOldLayout {
		return nil, oldLayout(s.legacy)
	}
	l.writing, l.abort = context.WithCancel(context.Background())
	l.snap.Store(s)
	opts.Observer.Loaded()
	// Parsing a large ledger leaves several times its size in garbage (the
	// files' bytes, the decoder's strings); hand it back to the system once
	// instead of keeping the load's peak as the service's footprint.
	debug.FreeOSMemory()
	go l.run()
	return l, nil
}

// Now is the ledger's clock: the time a mutation started now would run at.
func (l *Ledger) Now() time.Time { return l.opts.Clock().UTC().Truncate(time.Second) }

// Current returns the snapshot as last read, without asking the store.
func (l *Ledger) Current() *Snapshot { return l.snap.Load() }

// Snapshot returns a snapshot that is fresh as of this call: one cheap
// question to the store (the branch head), and a reload of only the changed
// files when someone else has committed.
func (l *Ledger) Snapshot(ctx context.Context) (*Snapshot, error) {
	l.refreshMu.Lock()
	defer l.refreshMu.Unlock()
	cur := l.snap.Load()
	head, err := l.store.Head(ctx)
	if err != nil {
		return cur, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	l.opts.Observer.StoreAnswered()
	if head == cur.head {
		return cur, nil
	}
	s, err := l.reload(ctx, cur)
	if err != nil {
		return cur, err
	}
	l.install(cur, s)
	return l.snap.Load(), nil
}

// install replaces the snapshot unless a newer one got there first.
func (l *Ledger) install(old, s *Snapshot) {
	l.snap.CompareAndSwap(old, s)
}

func (l *Ledger) reload(ctx context.Context, prev *Snapshot) (*Snapshot, error) {
	for attempt := 0; ; attempt++ {
		tree, err := l.store.Tree(ctx, "")
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		l.opts.Observer.StoreAnswered()
		s, err := load(ctx, l.store, tree, prev, l.opts.ShardRows, l.opts.Log)
		// The branch moving while we read is the only error worth a retry here.
		if errors.Is(err, ErrConflict) && attempt < 5 {
			continue
		}
		return s, err
	}
}

// Mutation is one command's change to the ledger.
type Mutation struct {
	// EventID makes the mutation happen at most once: a second mutation with
	// the same ID writes nothing and gets the first one's answer.
	EventID string
	Actor   string // alias of who asked (or "engelbot" for scheduled work)
	Command string // the command as typed, for the audit row
	// Run applies the rules to tx and makes the changes, or refuses with a
	// *Refusal. It may run more than once (after a conflict, against fresh
	// data), so it must not have effects outside tx.
	Run func(tx *Tx) (Outcome, error)
}

// Outcome is what a successful mutation did.
type Outcome struct {
	Action string // e.g. work_session.start
	Target string // the record it is about
	Reply  string // the answer to the owner, also kept in the audit row
}

// Result is a mutation's answer.
type Result struct {
	Reply     string
	Target    string // the record it was about (Outcome.Target)
	Refused   bool   // the rules said no; nothing was written
	Duplicate bool   // the event was applied before; this is its recorded answer
	Commit    string // the commit that carried it
}

type request struct {
	m    Mutation
	resp chan response
	// followed: the same caller's next mutation is about to be queued (see
	// Followed); the writer waits a moment for it.
	followed bool
	// answered is set by reply; only the goroutine that took the request
	// from the queue touches it.
	answered bool
}

// reply sends the request its one answer; any later one is dropped, so
// that the writer's last line of defence (commitSafely) may answer a whole
// group without knowing who was answered before the panic.
func (r *request) reply(resp response) {
	if r.answered {
		return
	}
	r.answered = true
	r.resp <- resp
}

type response struct {
	res Result
	err error
}

// errUncertain marks a failure after which the writer cannot say whether
// the commit landed (it panicked, possibly after the forge took the
// commit). Apply settles it by reading the branch before answering.
var errUncertain = errors.New("the commit may or may not have landed")

// settle answers a mutation whose commit may or may not have landed: from
// its audit row when the branch has it, else with the failure, which then
// truly wrote nothing. An owner told "nothing was written" of a write that
// landed would send it again, under a new event ID, and it would land twice.
func (l *Ledger) settle(ctx context.Context, eventID string, failure error) (Result, error) {
	snap, err := l.Snapshot(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("%w (and reading the branch to tell failed: %w)", failure, err)
	}
	if e, ok := snap.Applied(eventID); ok {
		return Result{Reply: e.Result, Target: e.Target, Commit: snap.head}, nil
	}
	return Result{}, failure
}

// Apply queues a mutation for the writer and waits for its answer. A
// refusal is a Result with Refused set, not an error; an error means
// nothing was written and the owner should try again later. Once the
// ledger is closing it answers ErrClosed at once.
//
// With a turn (WithTurn) it queues the mutation only once those ahead of
// it are queued, and then lets the next one go.
func (l *Ledger) Apply(ctx context.Context, m Mutation) (Result, error) {
	t := turnOf(ctx)
	if m.EventID == "" {
		t.done()
		return Result{}, errors.New("ledger: mutation without an event ID")
	}
	r := &request{m: m, resp: make(chan response, 1), followed: t.followed}
	err := t.wait(ctx)
	if err == nil {
		err = l.enqueue(ctx, r)
	}
	arrive(ctx)
	t.done()
	if err != nil {
		return Result{}, err
	}
	select {
	case resp := <-r.resp:
		if errors.Is(resp.err, errUncertain) {
			return l.settle(ctx, m.EventID, resp.err)
		}
		return resp.res, resp.err
	case <-ctx.Done():
		// The writer still finishes it; the event ID keeps a retry from doubling it.
		return Result{}, ctx.Err()
	}
}
