package ledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
)

// faultStore is a real store (git on disk) whose Head and Commit can be
// made to fail, block or panic, and which counts the calls: the writer's
// reaction to a store in trouble is what these tests look at.
type faultStore struct {
	ledger.Store
	heads, commits atomic.Int32
	// onHead and onCommit, when set, run before the real call with its
	// number (from 1) and replace it by their error when they return one.
	onHead   func(n int32) error
	onCommit func(ctx context.Context, n int32) error
}

func (f *faultStore) Head(ctx context.Context) (string, error) {
	n := f.heads.Add(1)
	if f.onHead != nil {
		if err := f.onHead(n); err != nil {
			return "", err
		}
	}
	return f.Store.Head(ctx)
}

func (f *faultStore) Commit(ctx context.Context, c ledger.Commit) (ledger.CommitResult, error) {
	n := f.commits.Add(1)
	if f.onCommit != nil {
		if err := f.onCommit(ctx, n); err != nil {
			return ledger.CommitResult{}, err
		}
	}
	return f.Store.Commit(ctx, c)
}

// holdingFirstCommit is a ledger on a store whose first commit waits,
// once entered is closed, until release is: what a test queues meanwhile
// shares the next group.
func holdingFirstCommit(t *testing.T) (l *ledger.Ledger, store ledger.Store, entered, release chan struct{}) {
	t.Helper()
	entered, release = make(chan struct{}), make(chan struct{})
	fs := &faultStore{Store: newLocalStore(t)}
	fs.onCommit = func(_ context.Context, n int32) error {
		if n == 1 {
			close(entered)
			<-release
		}
		return nil
	}
	l, err := ledger.Open(t.Context(), fs, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return l, fs, entered, release
}

// newLocalStore is a fresh ledger repository on disk.
func newLocalStore(t *testing.T) *localgit.Store {
	t.Helper()
	st, err := localgit.Open(t.TempDir()+"/ledger.git", "main")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// logBuffer collects a ledger's log lines for a test to read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// logLine is one line of the ledger's log, with the fields tests look at.
type logLine struct {
	Level   string `json:"level"`
	Message string `json:"message"`
	Error   string `json:"error"`
	Stack   string `json:"stack"`
}

// warnings returns the lines logged at level warn or above.
func (b *logBuffer) warnings(t *testing.T) []logLine {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []logLine
	for _, raw := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if raw == "" {
			continue
		}
		var line logLine
		if err := json.Unmarshal([]byte(raw), &line); err != nil {
			t.Fatalf("log line %q: %v", raw, err)
		}
		if line.Level == "warn" || line.Level == "error" {
			out = append(out, line)
		}
	}
	return out
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *zerolog.Logger {
	l := zerolog.New(b)
	return &l
}

// taskMutation creates task id with its page; it always succeeds.
func taskMutation(eventID, id string) ledger.Mutation {
	return ledger.Mutation{
		EventID: eventID, Actor: "bob", Command: "!create_task " + id,
		Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
			page := ledger.TaskPagesDir + "/" + id + ".md"
			tx.WritePage(page, ledger.Page{Front: ledger.Frontmatter{Title: id, Author: "bob"}, Body: "task " + id})
			tx.PutTask(ledger.Task{ID: id, Title: "task " + id, State: ledger.TaskOpen, Size: "S", BudgetSC: 25, WikiPath: page})
			return ledger.Outcome{Action: "task.create", Target: id, Reply: "created " + id}, nil
		},
	}
}

// forgeAnswer is a store's failure as a forge reports it: a status and a
// message, of a class the ledger acts on.
type forgeAnswer struct {
	status int
	msg    string
	class  error
}

func (a forgeAnswer) Error() string { return fmt.Sprintf("HTTP %d %q", a.status, a.msg) }
func (a forgeAnswer) Unwrap() error { return a.class }
