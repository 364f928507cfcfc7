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
	st := &memStore{files: map[string][]byte{}}
	// A wait far longer than B can take, so that only a writer that does
	// not wait at all puts A and B in different commits.
	l, err := Open(t.Context(), st, Options{FollowWait: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	task := func(id string) Mutation {
		return Mutation{EventID: "$" + id, Actor: "bob", Command: "!create_task " + id, Run: func(tx *Tx) (Outcome, error) {
			tx.PutTask(Task{ID: id, Title: "task " + id, State: TaskOpen, Size: "S", BudgetSC: 25})
			return Outcome{Action: "task.create", Target: id, Reply: "created " + id}, nil
		}}
	}
	type applied struct {
		res Result
		err error
	}
	apply := func(ctx context.Context, m Mutation) <-chan applied {
		out := make(chan applied, 1)
		go func() {
			res, err := l.Apply(ctx, m)
			out <- applied{res, err}
		}()
		return out
	}
	aQueued := make(chan struct{})
	a := apply(Followed(WithTurn(t.Context(), nil, func() { close(aQueued) })), task("6_1_1_1"))
	<-aQueued
	// The writer takes A from the queue; only then does B come.
	for len(l.queue) > 0 {
		select {
		case <-t.Context().Done():
			t.Fatal("the writer never took A")
		case <-time.After(time.Millisecond):
		}
	}
	b := apply(WithTurn(t.Context(), aQueued, func() {}), task("6_1_1_2"))
	ra, rb := <-a, <-b
	if ra.err != nil || rb.err != nil {
		t.Fatalf("A: %v, B: %v", ra.err, rb.err)
	}
	if ra.res.Commit != rb.res.Commit {
		t.Errorf("A (followed) and B in different commits (%s, %s): the writer did not wait for B", ra.res.Commit, rb.res.Commit)
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
