package ledger_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
)

// A panic in the writer (here: in the store it calls) fails that group's
// commands with an error, is logged with its stack, and the writer goes on
// serving the next ones: the process and the queue survive.
func TestWriterSurvivesAPanic(t *testing.T) {
	store := &faultStore{Store: newLocalStore(t)}
	store.onCommit = func(_ context.Context, n int32) error {
		if n == 1 {
			panic("store exploded")
		}
		return nil
	}
	var log logBuffer
	l, err := ledger.Open(t.Context(), store, ledger.Options{Log: log.logger()})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	a := <-applyAsync(l, taskMutation("$boom", "6_1_1_1"))
	if a.err == nil || !errors.Is(a.err, ledger.ErrUnavailable) {
		t.Fatalf("the group that panicked: %+v, %v; want an error that is ledger.ErrUnavailable", a.res, a.err)
	}
	if _, ok := l.Current().Applied("$boom"); ok {
		t.Error("the group that panicked shows as applied")
	}
	next := <-applyAsync(l, taskMutation("$next", "6_1_1_2"))
	if next.err != nil || next.res.Commit == "" {
		t.Fatalf("the next command: %+v, %v; want it committed", next.res, next.err)
	}
	warnings := log.warnings(t)
	if len(warnings) != 1 || !strings.Contains(warnings[0].Message+warnings[0].Error, "store exploded") || !strings.Contains(warnings[0].Stack, "faultStore") {
		t.Errorf("want one log line naming the panic, with the stack; got:\n%s", &log)
	}
}

// A value that cannot be written so that it reads back (a time outside
// the years 0000–9999, which RFC 3339 cannot hold) fails its own command
// with an error and writes nothing, while a command committed in the same
// group lands: an unreadable index would stop the ledger from loading.
func TestUnwritableValueFailsOnlyItsCommand(t *testing.T) {
	l, store, entered, release := holdingFirstCommit(t)
	defer l.Close()
	// Hold the writer on a first commit so that the next two share a group.
	first := applyAsync(l, taskMutation("$first", "6_1_1_1"))
	<-entered
	bad := taskMutation("$bad", "6_1_1_2")
	bad.Run = func(tx *ledger.Tx) (ledger.Outcome, error) {
		tx.PutTask(ledger.Task{ID: "6_1_1_2", Title: "far future", State: ledger.TaskOpen, Size: "S",
			Created: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
		return ledger.Outcome{Action: "task.create", Target: "6_1_1_2", Reply: "created"}, nil
	}
	badDone := applyAsync(l, bad)
	waitFor(t, "the bad command to be queued", func() bool { return l.Queued() == 1 })
	goodDone := applyAsync(l, taskMutation("$good", "6_1_1_3"))
	waitFor(t, "the good command to be queued", func() bool { return l.Queued() == 2 })
	close(release)

	if a := <-first; a.err != nil {
		t.Fatalf("first command: %v", a.err)
	}
	b := <-badDone
	if b.err == nil || b.res.Commit != "" {
		t.Errorf("the command with a year-10000 time: %+v, %v; want an error and no commit", b.res, b.err)
	} else if !strings.Contains(b.err.Error(), "created_at") {
		t.Errorf("the error %q does not name the column", b.err)
	} else {
		t.Logf("answered: %v", b.err)
	}
	if g := <-goodDone; g.err != nil || g.res.Commit == "" {
		t.Errorf("the command sharing its group: %+v, %v; want it committed", g.res, g.err)
	}
	reopened, err := ledger.Open(t.Context(), store, ledger.Options{})
	if err != nil {
		t.Fatalf("the ledger no longer loads: %v", err)
	}
	defer reopened.Close()
	if _, ok := reopened.Current().Read().Task("6_1_1_2"); ok {
		t.Error("the task with the unwritable time was written")
	}
}

// The audit row's time comes from the ledger's clock; a clock gone wrong
// fails the commands that ran at that moment, before anything is written,
// and the writer goes on once it is right again.
func TestClockOutOfRangeFailsTheGroupNotTheWriter(t *testing.T) {
	store := newLocalStore(t)
	var broken atomic.Bool
	clock := func() time.Time {
		if broken.Load() {
			return time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		return time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	}
	l, err := ledger.Open(t.Context(), store, ledger.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	head, _ := store.Head(t.Context())
	broken.Store(true)
	a := <-applyAsync(l, taskMutation("$then", "6_1_1_1"))
	if a.err == nil {
		t.Fatalf("a command at year 10000: %+v; want an error", a.res)
	}
	if now, _ := store.Head(t.Context()); now != head {
		t.Error("something was committed at year 10000")
	}
	broken.Store(false)
	if b := <-applyAsync(l, taskMutation("$now", "6_1_1_2")); b.err != nil || b.res.Commit == "" {
		t.Fatalf("the next command: %+v, %v; want it committed", b.res, b.err)
	}
}

// panicAfterCommit is a store whose first commit lands and then panics: the
// writer cannot tell from the panic whether the forge took the commit.
type panicAfterCommit struct {
	ledger.Store
	once atomic.Bool
}

func (p *panicAfterCommit) Commit(ctx context.Context, c ledger.Commit) (ledger.CommitResult, error) {
	res, err := p.Store.Commit(ctx, c)
	if err == nil && p.once.CompareAndSwap(false, true) {
		panic("lost the forge's answer")
	}
	return res, err
}

// A panic after the commit landed is not reported as "nothing was
// written": the owner would send it again, under a new event ID, and it
// would land twice. The caller gets the answer the audit row records.
func TestPanicAfterTheCommitLandedAnswersFromTheBranch(t *testing.T) {
	l, err := ledger.Open(t.Context(), &panicAfterCommit{Store: newLocalStore(t)}, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	a := <-applyAsync(l, taskMutation("$landed", "6_1_1_1"))
	if a.err != nil || a.res.Reply != "created 6_1_1_1" {
		t.Fatalf("a commit that landed before the panic was answered %+v, %v; want its reply", a.res, a.err)
	}
	if _, ok := l.Current().Read().Task("6_1_1_1"); !ok {
		t.Error("the snapshot does not hold the task that landed")
	}
}
