package ledgertest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
)

func (s suite) openLedger(t *testing.T) (*ledger.Ledger, ledger.Store) {
	t.Helper()
	st := s.newStore(t)
	return openOn(t, st), st
}

func openOn(t *testing.T, st ledger.Store) *ledger.Ledger {
	t.Helper()
	return openWith(t, st, ledger.Options{})
}

// openWith opens the ledger on st with opts, closed when the test ends
// (closing it earlier, to open it again as after a restart, is fine).
func openWith(t *testing.T, st ledger.Store, opts ledger.Options) *ledger.Ledger {
	t.Helper()
	l, err := ledger.Open(t.Context(), st, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

// AddTask is a mutation that creates a task with a page, refusing when the
// task exists.
func AddTask(eventID, id string) ledger.Mutation {
	return ledger.Mutation{
		EventID: eventID, Actor: "bob", Command: "!create_task " + id,
		Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
			if _, ok := tx.Task(id); ok {
				return ledger.Outcome{}, ledger.Refuse("task %s exists", id)
			}
			page := ledger.TaskPagesDir + "/" + id + ".md"
			tx.WritePage(page, ledger.Page{Front: ledger.Frontmatter{Title: id, Author: "bob"}, Body: "task " + id})
			tx.PutTask(ledger.Task{ID: id, Title: "task " + id, State: ledger.TaskOpen, Size: "S", BudgetSC: 25, WikiPath: page})
			return ledger.Outcome{Action: "task.create", Target: id, Reply: "created " + id}, nil
		},
	}
}

func commitCount(t *testing.T, st ledger.Store) int {
	t.Helper()
	// Every ledger commit adds one audit row; the store's own initial commit adds none.
	tree, err := st.Tree(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for p, sha := range tree.Files {
		if strings.HasPrefix(p, ledger.EventsDir+"/") {
			f, err := st.ReadFile(t.Context(), p)
			if err != nil || f.SHA != sha {
				t.Fatal(err)
			}
			rows, err := ledger.DecodeCSV[ledger.Event](p, f.Content)
			if err != nil {
				t.Fatal(err)
			}
			n += len(rows)
		}
	}
	return n
}

// One mutation is one commit: page first, index second, audit row last.
func (s suite) testApplyWritesOneCommitInLawOrder(t *testing.T) {
	rec := &recordingStore{}
	st := s.newStore(t)
	rec.Store = st
	l := openOn(t, rec)
	res, err := l.Apply(t.Context(), AddTask("$e1", "6_1_1_1"))
	if err != nil || res.Refused || res.Reply != "created 6_1_1_1" || res.Commit == "" {
		t.Fatalf("apply: %+v %v", res, err)
	}
	if len(rec.commits) != 1 {
		t.Fatalf("%d commits, want 1", len(rec.commits))
	}
	var paths []string
	for _, ch := range rec.commits[0].Changes {
		paths = append(paths, ch.Path)
	}
	if len(paths) != 3 || paths[0] != "pages/tasks/6_1_1_1.md" || paths[1] != ledger.ShardPath(ledger.TasksIndex, 1) || !strings.HasPrefix(paths[2], ledger.EventsDir+"/") {
		t.Fatalf("commit order %v, want page, index, master-events", paths)
	}
	head, _ := st.Head(t.Context())
	if head != res.Commit {
		t.Errorf("result names commit %s, the branch is at %s", res.Commit, head)
	}
	ev, ok := l.Current().Applied("$e1")
	if !ok || ev.Action != "task.create" || ev.Actor != "bob" || ev.Files != "pages/tasks/6_1_1_1.md;indexes/tasks" {
		t.Fatalf("audit row %+v", ev)
	}
}

// The same event applied twice writes once and answers the same both times,
// also from a ledger opened afresh (after a restart).
func (s suite) testExactlyOnce(t *testing.T) {
	l, st := s.openLedger(t)
	first, err := l.Apply(t.Context(), AddTask("$dup", "6_1_1_1"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := l.Apply(t.Context(), AddTask("$dup", "6_1_1_2"))
	if err != nil {
		t.Fatal(err)
	}
	if !again.Duplicate || again.Reply != first.Reply {
		t.Fatalf("second application: %+v, first: %+v", again, first)
	}
	l.Close()
	restarted := openOn(t, st)
	third, err := restarted.Apply(t.Context(), AddTask("$dup", "6_1_1_3"))
	if err != nil || !third.Duplicate || third.Reply != first.Reply {
		t.Fatalf("after a restart: %+v %v", third, err)
	}
	if n := commitCount(t, st); n != 1 {
		t.Fatalf("%d audit rows, want 1", n)
	}
	if _, ok := restarted.Current().Read().Task("6_1_1_2"); ok {
		t.Fatal("the duplicate's changes were written")
	}
}

// A refusal writes nothing.
func (s suite) testRefusalWritesNothing(t *testing.T) {
	l, st := s.openLedger(t)
	if _, err := l.Apply(t.Context(), AddTask("$a", "6_1_1_1")); err != nil {
		t.Fatal(err)
	}
	head, _ := st.Head(t.Context())
	res, err := l.Apply(t.Context(), AddTask("$b", "6_1_1_1"))
	if err != nil || !res.Refused || res.Reply != "task 6_1_1_1 exists" {
		t.Fatalf("%+v %v", res, err)
	}
	if after, _ := st.Head(t.Context()); after != head {
		t.Fatal("a refusal moved the branch")
	}
}

// Queued mutations share commits; each keeps its own audit row and answer,
// and a refused one holds back none of the others.
func (s suite) testGroupCommit(t *testing.T) {
	l, st := s.openLedger(t)
	const n = 40
	var wg sync.WaitGroup
	results := make([]ledger.Result, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("6_1_1_%d", i)
			if i%10 == 9 {
				id = "6_1_1_0" // collides with task 0: one of them is refused
			}
			var err error
			results[i], err = l.Apply(context.Background(), AddTask(fmt.Sprintf("$g%d", i), id))
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	refused, commits := 0, map[string]bool{}
	for _, r := range results {
		if r.Refused {
			refused++
		} else {
			commits[r.Commit] = true
		}
	}
	if refused != 4 {
		t.Errorf("%d refused, want 4: five mutations create task 6_1_1_0 and only one may (results %+v)", refused, results)
	}
	if rows := commitCount(t, st); rows != n-refused {
		t.Errorf("%d audit rows for %d applied mutations", rows, n-refused)
	}
	if len(commits) >= n-refused {
		t.Errorf("%d commits for %d mutations: nothing was grouped", len(commits), n-refused)
	}
	t.Logf("%d mutations, %d refused, %d commits", n, refused, len(commits))
}

// When someone else commits in between, the writer re-runs the mutation on
// fresh data: here the rule now refuses, and nothing is written.
func (s suite) testConflictReRunsTheRule(t *testing.T) {
	st := s.newStore(t)
	outsider := openOn(t, st)
	racing := &racingStore{Store: st}
	l := openOn(t, racing)
	racing.before = func() {
		// Another writer creates the same task first.
		if _, err := outsider.Apply(context.Background(), AddTask("$outside", "6_1_1_1")); err != nil {
			t.Error(err)
		}
	}
	var runs atomic.Int32
	m := AddTask("$inside", "6_1_1_1")
	inner := m.Run
	m.Run = func(tx *ledger.Tx) (ledger.Outcome, error) { runs.Add(1); return inner(tx) }
	res, err := l.Apply(t.Context(), m)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Refused || runs.Load() < 2 {
		t.Fatalf("result %+v after %d runs; want a refusal after a re-run", res, runs.Load())
	}
	if _, ok := l.Current().Applied("$outside"); !ok {
		t.Error("the writer's snapshot does not show the outside commit")
	}
}

// Changes made by someone else are seen by the next query.
func (s suite) testSnapshotSeesOutsideCommits(t *testing.T) {
	l, st := s.openLedger(t)
	other := openOn(t, st)
	if _, err := other.Apply(t.Context(), AddTask("$x", "6_1_1_7")); err != nil {
		t.Fatal(err)
	}
	snap, err := l.Snapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := snap.Read().Task("6_1_1_7"); !ok {
		t.Fatal("the outside task is not in the fresh snapshot")
	}
}

// The audit rows form an unbroken hash chain.
func (s suite) testAuditChain(t *testing.T) {
	l, _ := s.openLedger(t)
	for i := range 3 {
		if _, err := l.Apply(t.Context(), AddTask(fmt.Sprintf("$c%d", i), fmt.Sprintf("6_1_1_%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	prev := ""
	for i := range 3 {
		ev, ok := l.Current().Applied(fmt.Sprintf("$c%d", i))
		if !ok {
			t.Fatalf("event %d missing", i)
		}
		if ev.PrevHash != prev || ev.Hash != ledger.ChainHash(ev) || ev.Seq != int64(i+1) {
			t.Fatalf("row %d breaks the chain: %+v", i, ev)
		}
		prev = ev.Hash
	}
}

// recordingStore keeps every commit it forwards.
type recordingStore struct {
	ledger.Store
	mu      sync.Mutex
	commits []ledger.Commit
}

func (r *recordingStore) Commit(ctx context.Context, c ledger.Commit) (ledger.CommitResult, error) {
	r.mu.Lock()
	r.commits = append(r.commits, c)
	r.mu.Unlock()
	return r.Store.Commit(ctx, c)
}

// racingStore runs before once, just before the first commit goes through.
type racingStore struct {
	ledger.Store
	once   sync.Once
	before func()
}

func (r *racingStore) Commit(ctx context.Context, c ledger.Commit) (ledger.CommitResult, error) {
	r.once.Do(r.before)
	return r.Store.Commit(ctx, c)
}

// countingStore counts the files read.
type countingStore struct {
	ledger.Store
	mu    sync.Mutex
	reads []string
	heads int
}

func (c *countingStore) ReadFile(ctx context.Context, path string) (ledger.File, error) {
	c.mu.Lock()
	c.reads = append(c.reads, path)
	c.mu.Unlock()
	return c.Store.ReadFile(ctx, path)
}

func (c *countingStore) Head(ctx context.Context) (string, error) {
	c.mu.Lock()
	c.heads++
	c.mu.Unlock()
	return c.Store.Head(ctx)
}

// A query costs one head check; after someone else's commit only the files
// it changed are read again.
func (s suite) testFreshnessReadsOnlyWhatChanged(t *testing.T) {
	st := s.newStore(t)
	writer := openOn(t, st)
	for i := range 3 {
		if _, err := writer.Apply(t.Context(), AddTask(fmt.Sprintf("$f%d", i), fmt.Sprintf("6_1_1_%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	counting := &countingStore{Store: st}
	reader := openOn(t, counting)
	counting.reads, counting.heads = nil, 0
	if _, err := reader.Snapshot(t.Context()); err != nil {
		t.Fatal(err)
	}
	if counting.heads != 1 || len(counting.reads) != 0 {
		t.Fatalf("an unchanged ledger cost %d head checks and read %v", counting.heads, counting.reads)
	}
	// Someone else changes one task: only its tasks shard, its new page and the
	// audit shard travel.
	if _, err := writer.Apply(t.Context(), AddTask("$f9", "6_1_1_9")); err != nil {
		t.Fatal(err)
	}
	snap, err := reader.Snapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := snap.Read().Task("6_1_1_9"); !ok {
		t.Fatal("the new task is not seen")
	}
	for _, p := range counting.reads {
		if p != ledger.ShardPath(ledger.TasksIndex, 1) && !strings.HasPrefix(p, ledger.EventsDir+"/") {
			t.Errorf("read %s, which did not change", p)
		}
	}
	if len(counting.reads) == 0 {
		t.Error("nothing was reread")
	}
}

// failingStore accepts reads but fails every commit, like a forge that is
// down for writes.
type failingStore struct {
	ledger.Store
	commits atomic.Int32
}

func (f *failingStore) Commit(context.Context, ledger.Commit) (ledger.CommitResult, error) {
	f.commits.Add(1)
	return ledger.CommitResult{}, fmt.Errorf("forge: %w", ledger.ErrUnavailable)
}

// A forge that keeps failing ends in ErrUnavailable after bounded retries,
// and nothing is written.
func (s suite) testPersistentFailureEndsInUnavailable(t *testing.T) {
	st := s.newStore(t)
	before, _ := st.Head(t.Context())
	failing := &failingStore{Store: st}
	// The budget must leave room for a second attempt even when re-reading
	// the branch between attempts is slow (a loaded forge takes seconds).
	l, err := ledger.Open(t.Context(), failing, ledger.Options{RetryFor: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = l.Apply(t.Context(), AddTask("$down", "6_1_1_1"))
	if !errors.Is(err, ledger.ErrUnavailable) {
		t.Fatalf("got %v, want ErrUnavailable", err)
	}
	if failing.commits.Load() < 2 {
		t.Errorf("%d commit attempts: the failure was not retried", failing.commits.Load())
	}
	if after, _ := st.Head(t.Context()); after != before {
		t.Error("something was written")
	}
	if _, ok := l.Current().Applied("$down"); ok {
		t.Error("the snapshot claims the failed mutation applied")
	}
}

// applyFunc applies a mutation that always succeeds after running change.
func applyFunc(t *testing.T, l *ledger.Ledger, eventID string, change func(tx *ledger.Tx)) {
	t.Helper()
	_, err := l.Apply(t.Context(), ledger.Mutation{EventID: eventID, Actor: "bob", Command: "test", Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
		change(tx)
		return ledger.Outcome{Action: "test", Target: eventID, Reply: "ok"}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
}
