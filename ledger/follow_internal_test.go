package ledger

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// A mutation whose caller says another follows (Followed) waits in the
// writer for it, even when the writer took it from an otherwise empty
// queue: the follower, queued only after the writer took the first, joins
// the same commit instead of the next one.
func TestFollowedMutationWaitsForItsFollower(t *testing.T) {
	l := waitingLedger(t)
	aQueued := make(chan struct{})
	a := applyAt(l, Followed(WithTurn(t.Context(), nil, func() { close(aQueued) })), newTask("6_1_1_1"))
	<-aQueued
	awaitTaken(t, l)
	b := applyAt(l, WithTurn(t.Context(), aQueued, func() {}), newTask("6_1_1_2"))
	sameCommit(t, <-a, <-b, "A (followed) and B")
}

// While a mutation is announced (Expect) and not queued yet, the writer
// holds what it has for it: owners' commands sent at the same moment share
// one commit, the first included.
func TestWriterWaitsForAnAnnouncedMutation(t *testing.T) {
	l := waitingLedger(t)
	bCtx, bDone := l.Expect(t.Context())
	defer bDone()
	aQueued := make(chan struct{})
	a := applyAt(l, WithTurn(t.Context(), nil, func() { close(aQueued) }), newTask("6_1_1_1"))
	<-aQueued
	awaitTaken(t, l)
	b := applyAt(l, bCtx, newTask("6_1_1_2"))
	sameCommit(t, <-a, <-b, "A and the announced B")
	if n := l.incoming.Load(); n != 0 {
		t.Errorf("%d mutations still announced after B was queued", n)
	}
}

// waitingLedger is a ledger in memory whose writer waits far longer than a
// follower can take, so that only a writer that does not wait at all puts
// the two mutations of a test in different commits.
func waitingLedger(t *testing.T) *Ledger {
	l, err := Open(t.Context(), &memStore{files: map[string][]byte{}}, Options{FollowWait: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

func newTask(id string) Mutation {
	return Mutation{EventID: "$" + id, Actor: "bob", Command: "!create_task " + id, Run: func(tx *Tx) (Outcome, error) {
		tx.PutTask(Task{ID: id, Title: "task " + id, State: TaskOpen, Size: "S", BudgetSC: 25})
		return Outcome{Action: "task.create", Target: id, Reply: "created " + id}, nil
	}}
}

type applied struct {
	res Result
	err error
}

func applyAt(l *Ledger, ctx context.Context, m Mutation) <-chan applied {
	out := make(chan applied, 1)
	go func() {
		res, err := l.Apply(ctx, m)
		out <- applied{res, err}
	}()
	return out
}

// awaitTaken returns once the writer has taken everything queued: what is
// applied after it cannot be in the queue with it.
func awaitTaken(t *testing.T, l *Ledger) {
	t.Helper()
	for len(l.queue) > 0 {
		select {
		case <-t.Context().Done():
			t.Fatal("the writer never took what was queued")
		case <-time.After(time.Millisecond):
		}
	}
}

func sameCommit(t *testing.T, a, b applied, what string) {
	t.Helper()
	if a.err != nil || b.err != nil {
		t.Fatalf("%s: %v, %v", what, a.err, b.err)
	}
	if a.res.Commit != b.res.Commit {
		t.Errorf("%s in different commits (%s, %s): the writer did not wait for the second", what, a.res.Commit, b.res.Commit)
	}
}

// memStore is a branch in memory: enough for the writer, for a test that
// is about the writer alone.
type memStore struct {
	mu    sync.Mutex
	n     int
	files map[string][]byte
}

func (m *memStore) Head(context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return fmt.Sprint(m.n), nil
}

func (m *memStore) Tree(context.Context, string) (Tree, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	tr := Tree{Commit: fmt.Sprint(m.n), Files: map[string]string{}}
	for p, data := range m.files {
		tr.Files[p] = BlobSHA(data)
	}
	return tr, nil
}

func (m *memStore) ReadFile(_ context.Context, p string) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	data, ok := m.files[p]
	if !ok {
		return File{}, ErrNotFound
	}
	return File{Path: p, Content: data, SHA: BlobSHA(data)}, nil
}

func (m *memStore) Commit(_ context.Context, c Commit) (CommitResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, ch := range c.Changes {
		if ch.Op == OpDelete {
			delete(m.files, ch.Path)
		} else {
			m.files[ch.Path] = ch.Content
		}
	}
	m.n++
	return CommitResult{Commit: fmt.Sprint(m.n), Parent: fmt.Sprint(m.n - 1)}, nil
}
