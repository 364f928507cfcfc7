package localgit

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
)

// TestHeldRefLockRefusesCommit plays a git process that holds the branch's
// lock file, as git does while it moves the branch.
func TestHeldRefLockRefusesCommit(t *testing.T) {
	s, path := newRepo(t)
	s.lockWait = 50 * time.Millisecond
	before := mustHead(t, s)
	lock := filepath.Join(path, "refs", "heads", "main.lock")
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}

	_, err := s.Commit(t.Context(), ledger.Commit{Message: "blocked", Changes: []ledger.Change{create("x.md", "x")}})
	if !errors.Is(err, ErrLocked) || !errors.Is(err, ledger.ErrConflict) {
		t.Fatalf("Commit under a held lock = %v, want ErrLocked and ledger.ErrConflict", err)
	}
	if h := mustHead(t, s); h != before {
		t.Errorf("a commit under a held lock moved the head")
	}
	if _, err := os.Stat(lock); err != nil {
		t.Errorf("the commit removed a lock it did not hold: %v", err)
	}

	if err := os.Remove(lock); err != nil {
		t.Fatal(err)
	}
	mustCommit(t, s, "after the lock", create("x.md", "x"))
	if _, err := os.Stat(lock); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a commit left its lock file behind: %v", err)
	}
}
