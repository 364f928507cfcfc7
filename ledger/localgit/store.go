package localgit

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"smartup0.org/engelbot/ledger"
)

// Errors particular to this store, besides ledger.ErrNotFound and
// ledger.ErrConflict. ErrInvalidPath and ErrInvalidChange also match
// ledger.ErrPermanent: the same commit is refused however often it comes.
var (
	// ErrInvalidPath: a path no ledger file can have (empty, absolute, with
	// "." or ".." or ".git" segments, control characters or backslashes).
	ErrInvalidPath = ledger.PermanentClass("localgit: invalid file path")
	// ErrInvalidChange: a commit this store refuses before looking at the
	// branch (no changes, an unknown op, an update or delete without a SHA).
	ErrInvalidChange = ledger.PermanentClass("localgit: invalid change")
	// ErrLocked: another writer held the branch's ref lock file for longer
	// than a commit takes. Errors carrying it also wrap ledger.ErrConflict,
	// since retrying is right when the other writer is alive; a lock file
	// left behind by a killed git process has to be removed by hand.
	ErrLocked = errors.New("localgit: branch is locked by another writer")
)

// maxOpenPacks is how many packfiles stay open between reads; reopening a
// pack for every object would cost a few system calls per object.
const maxOpenPacks = 16

// Store is a ledger.Store over one branch of a git repository on disk. It is
// safe for concurrent use, and several processes may share one repository.
type Store struct {
	gitDir string
	branch plumbing.ReferenceName
	// lockWait is how long a commit waits for another writer's ref lock.
	lockWait time.Duration

	// commitMu serialises Commit within the process; the ref lock file
	// serialises the branch move across processes.
	commitMu sync.Mutex

	// go-git's storage is not safe for concurrent use. It is kept (rather
	// than made per call) because it holds the packfile indexes, which are
	// costly to load; the object storage and the ref reader are separate so
	// that Head never waits for a commit writing objects.
	objMu   sync.Mutex
	objects objectStorage // guarded by objMu
	refMu   sync.Mutex
	refs    *filesystem.Storage // guarded by refMu; used for references only
}

var _ ledger.Store = (*Store)(nil)

func newStore(gitDir string, branch plumbing.ReferenceName) *Store {
	dir := osfs.New(gitDir)
	objects := cache.NewObjectLRUDefault()
	return &Store{
		gitDir:   gitDir,
		branch:   branch,
		lockWait: defaultLockWait,
		objects: newObjectStorage(gitDir, filesystem.NewStorageWithOptions(dir, objects,
			filesystem.Options{MaxOpenDescriptors: maxOpenPacks}), objects),
		refs: filesystem.NewStorage(dir, cache.NewObjectLRU(0)),
	}
}

// withObjects runs fn with the object storage to itself. When fn misses an
// object or a packfile, it reloads the list of packs and runs fn once more:
// a git gc in another process may have packed the loose objects it sought,
// or replaced the pack they were in. fn must be safe to run twice (writing
// an object again is: objects are named by their content).
func (s *Store) withObjects(fn func(st objectStorage) error) error {
	s.objMu.Lock()
	defer s.objMu.Unlock()
	err := fn(s.objects)
	if errors.Is(err, plumbing.ErrObjectNotFound) || errors.Is(err, fs.ErrNotExist) {
		s.objects.Reindex()
		err = fn(s.objects)
	}
	return err
}

// Close releases the packfiles the store keeps open between reads. The
// store must not be used afterwards.
func (s *Store) Close() error {
	s.objMu.Lock()
	defer s.objMu.Unlock()
	return s.objects.Close()
}

// Head returns the commit at the tip of the branch, read from disk each time
// so that commits made by other processes are seen.
func (s *Store) Head(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	h, err := s.head()
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

// head is the commit the branch points at. A branch or a repository folder
// that is gone wraps ledger.ErrPermanent: the store never deletes either,
// so someone did, and only they can put it back.
func (s *Store) head() (plumbing.Hash, error) {
	h, err := s.readRef()
	if err == nil && h.IsZero() {
		if _, statErr := os.Stat(s.gitDir); errors.Is(statErr, fs.ErrNotExist) {
			return plumbing.ZeroHash, fmt.Errorf("localgit: the repository %s is gone: %w", s.gitDir, ledger.ErrPermanent)
		}
		return plumbing.ZeroHash, fmt.Errorf("localgit: branch %s does not exist: %w: %w", s.branch.Short(), ledger.ErrPermanent, plumbing.ErrReferenceNotFound)
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("localgit: read branch %s: %w", s.branch.Short(), err)
	}
	return h, nil
}

// readRef returns the commit the branch points at, or ZeroHash if there is
// no such branch.
func (s *Store) readRef() (plumbing.Hash, error) {
	s.refMu.Lock()
	defer s.refMu.Unlock()
	ref, err := s.refs.Reference(s.branch)
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound):
		return plumbing.ZeroHash, nil
	case err != nil:
		return plumbing.ZeroHash, err
	case ref.Type() != plumbing.HashReference:
		return plumbing.ZeroHash, fmt.Errorf("branch %s is a symbolic reference", s.branch.Short())
	}
	return ref.Hash(), nil
}
