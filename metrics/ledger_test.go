package metrics_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/ledgertest"
	"smartup0.org/engelbot/metrics"
)

// A real ledger on a git repository, observed as the app wires it: its
// commits, the commands they carry and the queue show in the metrics.
func TestLedgerCommits(t *testing.T) {
	clk := newClock()
	m := metrics.New(metrics.Options{Clock: clk.Now})
	hold := &heldStore{Store: newLocalStore(t), entered: make(chan struct{}), release: make(chan struct{})}
	l := openLedger(t, hold, m, ledger.Options{})
	if got := value(t, m, "engelbot_ledger_last_commit_timestamp_seconds"); got != 0 {
		t.Errorf("last commit before any: %v", got)
	}

	// The first commit is held while three more writes queue behind it:
	// they share the next commit.
	var wg sync.WaitGroup
	apply := func(i int) {
		defer wg.Done()
		if _, err := l.Apply(t.Context(), ledgertest.AddTask(fmt.Sprintf("$e%d", i), fmt.Sprintf("6_1_7_%d", i))); err != nil {
			t.Errorf("write %d: %v", i, err)
		}
	}
	wg.Add(1)
	go apply(1)
	<-hold.entered
	for i := 2; i <= 4; i++ {
		wg.Add(1)
		go apply(i)
	}
	awaitQueued(t, l, 3)
	if got := value(t, m, "engelbot_ledger_queue_depth"); got != 3 {
		t.Errorf("queue depth %v while three writes wait, want 3", got)
	}
	clk.advance(90 * time.Second)
	close(hold.release)
	wg.Wait()

	if got := value(t, m, "engelbot_ledger_commits_total"); got != 2 {
		t.Errorf("commits: %v, want 2", got)
	}
	if n, sum := histogram(t, m, "engelbot_ledger_commands_per_commit"); n != 2 || sum != 4 {
		t.Errorf("commands per commit: %d commits carrying %v, want 2 carrying 4", n, sum)
	}
	if got, want := value(t, m, "engelbot_ledger_last_commit_timestamp_seconds"), float64(clk.Now().UnixNano())/1e9; got != want {
		t.Errorf("last commit at %v, want %v", got, want)
	}
	if got := value(t, m, "engelbot_ledger_queue_depth"); got != 0 {
		t.Errorf("queue depth %v once all is written", got)
	}
	// A write the rules refuse commits nothing.
	if res, err := l.Apply(t.Context(), ledgertest.AddTask("$again", "6_1_7_1")); err != nil || !res.Refused {
		t.Fatalf("writing task 6_1_7_1 again: %+v, %v; want a refusal", res, err)
	}
	if got := value(t, m, "engelbot_ledger_commits_total"); got != 2 {
		t.Errorf("commits after a refusal: %v, want still 2", got)
	}
}

// Another writer commits between the writer's read and its commit: the
// store answers with a real conflict, and the writer retries on fresh data.
func TestConflictCountedAndRetried(t *testing.T) {
	m := metrics.New(metrics.Options{})
	st := newLocalStore(t)
	other, err := ledger.Open(t.Context(), st, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(other.Close)
	racing := &racedStore{Store: st, before: func() {
		if _, err := other.Apply(context.Background(), ledgertest.AddTask("$other", "6_1_7_9")); err != nil {
			t.Errorf("the other writer: %v", err)
		}
	}}
	l := openLedger(t, racing, m, ledger.Options{})
	if _, err := l.Apply(t.Context(), ledgertest.AddTask("$mine", "6_1_7_1")); err != nil {
		t.Fatal(err)
	}
	if got := value(t, m, "engelbot_forge_failures_total", "class", "conflict"); got != 1 {
		t.Errorf("conflicts: %v, want 1", got)
	}
	if got := value(t, m, "engelbot_forge_retries_total", "class", "conflict"); got != 1 {
		t.Errorf("retries after a conflict: %v, want 1", got)
	}
	for _, class := range []string{"unavailable", "permanent"} {
		if got := value(t, m, "engelbot_forge_failures_total", "class", class); got != 0 {
			t.Errorf("%s failures: %v, want 0", class, got)
		}
	}
	if got := value(t, m, "engelbot_ledger_commits_total"); got != 1 {
		t.Errorf("commits: %v, want 1 (the other writer's is not this one's)", got)
	}
}

// heldStore is a real store whose first commit waits, once entered is
// closed, until release is.
type heldStore struct {
	ledger.Store
	once             sync.Once
	entered, release chan struct{}
}

func (h *heldStore) Commit(ctx context.Context, c ledger.Commit) (ledger.CommitResult, error) {
	h.once.Do(func() {
		close(h.entered)
		<-h.release
	})
	return h.Store.Commit(ctx, c)
}

// racedStore is a real store that runs before once, just before its first
// commit: another writer landing a commit there makes it a real conflict.
type racedStore struct {
	ledger.Store
	once   sync.Once
	before func()
}

func (r *racedStore) Commit(ctx context.Context, c ledger.Commit) (ledger.CommitResult, error) {
	r.once.Do(r.before)
	return r.Store.Commit(ctx, c)
}

// awaitQueued waits until n writes wait in the ledger's queue; the
// writer is held, so nothing else takes them out.
func awaitQueued(t *testing.T, l *ledger.Ledger, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // a guard against hanging, not a timing
	for l.Queued() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued, want %d", l.Queued(), n)
		}
		runtime.Gosched()
	}
}
