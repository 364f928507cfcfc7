package localgit

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"smartup0.org/engelbot/ledger"
)

// defaultLockWait is how long a commit waits for another writer's ref lock.
// A writer holds it for well under a millisecond, so a lock held longer than
// this belongs to a writer that is stuck or was killed.
const defaultLockWait = 2 * time.Second

// moveRef points the branch at next if it still points at prev (ZeroHash:
// if it does not exist yet), following git's own protocol: create
// "<ref>.lock" exclusively, check, write the new ID into the lock file and
// rename it over the ref. The lock excludes other processes, git included;
// the rename means a reader sees the old ref or the new one, never an empty
// file (go-git's CheckAndSetReference truncates and rewrites the ref in
// place, which a concurrent reader can catch half-done).
func (s *Store) moveRef(ctx context.Context, prev, next plumbing.Hash) error {
	refPath := filepath.Join(s.gitDir, filepath.FromSlash(s.branch.String()))
	lockPath := refPath + ".lock"
	lock, err := acquire(ctx, lockPath, s.lockWait)
	if err != nil {
		return err
	}
	renamed := false
	defer func() {
		if !renamed {
			_ = lock.Close()
			_ = os.Remove(lockPath)
		}
	}()

	cur, err := s.readRef()
	if err != nil {
		return fmt.Errorf("localgit: read branch %s: %w", s.branch.Short(), err)
	}
	if cur != prev {
		return fmt.Errorf("localgit: branch %s moved from %s to %s: %w", s.branch.Short(), prev, cur, ledger.ErrConflict)
	}

	if _, err := lock.WriteString(next.String() + "\n"); err != nil {
		return fmt.Errorf("localgit: write %s: %w", lockPath, err)
	}
	if err := lock.Close(); err != nil {
		return fmt.Errorf("localgit: write %s: %w", lockPath, err)
	}
	if err := os.Rename(lockPath, refPath); err != nil {
		return fmt.Errorf("localgit: move branch %s: %w", s.branch.Short(), err)
	}
	renamed = true
	return nil
}

// acquire creates the lock file, waiting while another writer holds it.
func acquire(ctx context.Context, lockPath string, patience time.Duration) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(lockPath), 0o755); err != nil {
		return nil, fmt.Errorf("localgit: lock %s: %w", lockPath, err)
	}
	deadline := time.Now().Add(patience)
	delay := 500 * time.Microsecond
	for {
		f, err := os.OpenFile(lockPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("localgit: lock %s: %w", lockPath, err)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%w (%s still exists after %v; remove it if no git or Engelbot process is writing): %w",
				ErrLocked, lockPath, patience, ledger.ErrConflict)
		}
		wait := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			wait.Stop()
			return nil, fmt.Errorf("localgit: waiting for %s: %w", lockPath, ctx.Err())
		case <-wait.C:
		}
		delay = min(2*delay, 20*time.Millisecond)
	}
}
