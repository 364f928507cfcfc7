package identity_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/identity"
)

// heldStore holds its first commit until released, and keeps the messages
// of those that landed.
type heldStore struct {
	ledger.Store
	entered, release chan struct{}
	once             sync.Once
	mu               sync.Mutex
	messages         []string
}

func (s *heldStore) Commit(ctx context.Context, c ledger.Commit) (ledger.CommitResult, error) {
	s.once.Do(func() {
		close(s.entered)
		<-s.release
	})
	res, err := s.Store.Commit(ctx, c)
	if err == nil {
		s.mu.Lock()
		s.messages = append(s.messages, c.Message)
		s.mu.Unlock()
	}
	return res, err
}

// Entries recorded while a commit is being written share the next one, in
// the order they were recorded; each caller hears of its own entry.
func TestEntriesInLineShareACommit(t *testing.T) {
	st := &heldStore{Store: openStore(t), entered: make(chan struct{}), release: make(chan struct{})}
	b := identity.New(st)
	errs := make(chan error, 4)
	go func() { errs <- b.Record(t.Context(), entry(1)) }()
	<-st.entered
	for n := 2; n <= 4; n++ {
		queued := make(chan struct{})
		go func() { errs <- b.RecordQueued(t.Context(), entry(n), func() { close(queued) }) }()
		select {
		case <-queued:
		case <-time.After(10 * time.Second):
			t.Fatalf("entry %d was never put in line", n)
		}
	}
	close(st.release)
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if len(st.messages) != 2 || !strings.HasPrefix(st.messages[1], "identity: 3 entries") {
		t.Errorf("commits %q, want the first alone and the three in line together", st.messages)
	}
	rows := fileRows(t, st)
	if len(rows) != 4 {
		t.Fatalf("rows %+v, want 4", rows)
	}
	for i, r := range rows {
		if r != entry(i+1) {
			t.Errorf("row %d is %+v, want %+v: in the order recorded", i, r, entry(i+1))
		}
	}
	for _, m := range st.messages {
		if strings.Contains(m, "Number") || strings.Contains(m, "example.org") {
			t.Errorf("a commit message names a person: %q", m)
		}
	}
}
