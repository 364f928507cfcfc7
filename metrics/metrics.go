package metrics

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// unknownCommand is the label of every command name not in the registry,
// so that whatever people type cannot make label values without end.
const unknownCommand = "unknown"

// The outcomes the bot reports (bot.Outcome*) and the classes the ledger
// gives a failure (ledger.Failure*): each starts at zero.
var (
	outcomes = []string{"answered", "refused", "failed"}
	classes  = []string{"conflict", "unavailable", "permanent"}
)

// Metrics is one Engelbot's metrics and health, on a registry of its own.
type Metrics struct {
	reg   *prometheus.Registry
	now   func() time.Time
	known map[string]bool // command names; nil: any name is taken as given

	commands       *prometheus.CounterVec
	latency        prometheus.Histogram
	commits        prometheus.Counter
	perCommit      prometheus.Histogram
	lastCommit     prometheus.Gauge
	storeFailures  *prometheus.CounterVec
	retries        *prometheus.CounterVec
	syncLag        prometheus.Histogram
	lastSync       prometheus.Gauge
	queued         atomic.Pointer[func() int]
	loaded, synced atomic.Bool
	storeAnswered  atomic.Int64 // unix nanoseconds of the store's last answer; 0: none yet

	probeMu   sync.Mutex // one probe at a time
	probe     func(context.Context) error
	lastProbe time.Time
	probeErr  error
}

// Options change how Metrics count, mostly for tests.
type Options struct {
	// Commands are the registry's command names: each starts at zero, and
	// any other name is counted as "unknown".
	Commands []string
	// Clock is the time of the last commit and sync, and readiness's
	// notion of now. Default time.Now.
	Clock func() time.Time
}

// New returns metrics registered on a registry of their own, with the Go
// runtime's and the process's collectors.
func New(opts Options) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), now: opts.Clock}
	if m.now == nil {
		m.now = time.Now
	}
	m.commands = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "engelbot_commands_total",
		Help: "Commands answered, by command name (\"unknown\" for any name not in the registry) and outcome: " +
			"answered (it ran: a query answered, a write that landed, or one that had landed before answered again); " +
			"refused (the rules, the sender's standing, the room or the input said no; nothing written); " +
			"failed (something other than the rules went wrong: the forge or homeserver unreachable, a commit that did not land, an internal error).",
	}, []string{"command", "outcome"})
	m.latency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "engelbot_command_duration_seconds",
		Help:    "Time from the bot taking a command to its answer sent.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 180},
	})
	m.commits = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "engelbot_ledger_commits_total",
		Help: "Commits the ledger's writer landed.",
	})
	m.perCommit = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "engelbot_ledger_commands_per_commit",
		Help:    "Commands (audit rows) each commit carried: more than one when writes queued up and shared a commit.",
		Buckets: []float64{1, 2, 3, 5, 10, 20, 50, 100},
	})
	m.lastCommit = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "engelbot_ledger_last_commit_timestamp_seconds",
		Help: "When the ledger's writer last landed a commit, in unix seconds; 0 before the first since the start.",
	})
	m.storeFailures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "engelbot_forge_failures_total",
		Help: "Failed reads and commits of the ledger's writer, by class: conflict (the branch moved; re-read and retried), " +
			"unavailable (the forge down, busy or slow; retried for two minutes), permanent (token, access, repository or branch refused; not retried, an admin must act).",
	}, []string{"class"})
	m.retries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "engelbot_forge_retries_total",
		Help: "Times the ledger's writer started a commit again, on fresh data, after a failure of this class.",
	}, []string{"class"})
	m.syncLag = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "engelbot_sync_lag_seconds",
		Help:    "For each sync batch that carried events, how far behind the newest of them the bot was when it had recorded the batch (its server time to then).",
		Buckets: []float64{.1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 86400},
	})
	m.lastSync = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "engelbot_sync_last_success_timestamp_seconds",
		Help: "When the bot last completed a sync with the homeserver, in unix seconds; 0 before the first. Idle, it syncs at least every 30 s.",
	})
	queue := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "engelbot_ledger_queue_depth",
		Help: "Writes waiting for the ledger's writer, not counting the group it is committing.",
	}, func() float64 {
		if f := m.queued.Load(); f != nil {
			return float64((*f)())
		}
		return 0
	})
	m.reg.MustRegister(m.commands, m.latency, m.commits, m.perCommit, m.lastCommit, m.storeFailures, m.retries,
		m.syncLag, m.lastSync, queue,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if len(opts.Commands) > 0 {
		m.known = map[string]bool{unknownCommand: true}
		for _, name := range opts.Commands {
			m.known[name] = true
		}
		for name := range m.known {
			for _, o := range outcomes {
				m.commands.WithLabelValues(name, o)
			}
		}
	}
	for _, c := range classes {
		m.storeFailures.WithLabelValues(c)
		m.retries.WithLabelValues(c)
	}
	return m
}

// Registry is where the metrics are registered, for tests to read.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// WatchLedger gives the metrics the ledger's queue length, read at each
// scrape, and a probe that asks the ledger's store for its branch head,
// which readiness uses when the store has been quiet (see Ready).
func (m *Metrics) WatchLedger(queued func() int, probe func(context.Context) error) {
	m.queued.Store(&queued)
	m.probeMu.Lock()
	m.probe = probe
	m.probeMu.Unlock()
}

// The bot's observer (bot.Observer).

// CommandAnswered counts a command answered and how long it took.
func (m *Metrics) CommandAnswered(name, outcome string, took time.Duration) {
	if m.known != nil && !m.known[name] {
		name = unknownCommand
	}
	m.commands.WithLabelValues(name, outcome).Inc()
	m.latency.Observe(took.Seconds())
}

// Synced notes a completed sync, and the lag behind its newest event.
func (m *Metrics) Synced(newest time.Time) {
	now := m.now()
	m.synced.Store(true)
	m.lastSync.Set(unixSeconds(now))
	if !newest.IsZero() {
		m.syncLag.Observe(max(now.Sub(newest), 0).Seconds())
	}
}

// The ledger's observer (ledger.Observer).

// Loaded notes that the ledger was read at the start.
func (m *Metrics) Loaded() { m.loaded.Store(true) }

// StoreAnswered notes that the ledger's store answered just now.
func (m *Metrics) StoreAnswered() { m.storeAnswered.Store(m.now().UnixNano()) }

// Committed counts a commit and the commands it carried.
func (m *Metrics) Committed(commands int) {
	m.commits.Inc()
	m.perCommit.Observe(float64(commands))
	m.lastCommit.Set(unixSeconds(m.now()))
}

// StoreFailed counts a failed read or commit of the writer by its class.
func (m *Metrics) StoreFailed(class string) { m.storeFailures.WithLabelValues(class).Inc() }

// Retrying counts a commit started again after a failure of this class.
func (m *Metrics) Retrying(class string) { m.retries.WithLabelValues(class).Inc() }

func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
