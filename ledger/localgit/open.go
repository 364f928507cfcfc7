package localgit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"smartup0.org/engelbot/ledger"
)

// The signature of the commit that creates a new ledger repository, and the
// name of commits whose author has none.
const (
	botName  = "Engelbot"
	botEmail = "engelbot@localhost"
)

// Open opens the repository at path on branch, creating a bare repository
// with an initial commit (a README.md saying it is an Engelbot ledger) if
// path does not exist yet or is an empty folder. An existing repository may
// have a working tree, but the store never updates it: give it a bare one.
// Close the store when done with it.
func Open(path, branch string) (*Store, error) {
	return OpenStarting(path, branch, ledgerStart)
}

// Start is the first commit of a repository the store creates: a README
// that says what the repository is, and the commit's message.
type Start struct {
	Readme  string
	Message string
}

// ledgerStart starts a new ledger, as the forge backend does.
var ledgerStart = Start{Readme: ledger.Readme, Message: "Start the Engelbot ledger"}

// OpenStarting is Open for a repository that is not a ledger (the public
// site's): when it creates the repository, its first commit is start's.
func OpenStarting(path, branch string, start Start) (*Store, error) {
	ref := plumbing.NewBranchReferenceName(branch)
	if branch == "" || ref.Validate() != nil {
		return nil, fmt.Errorf("localgit: invalid branch name %q", branch)
	}
	fresh, err := absentOrEmpty(path)
	if err != nil {
		return nil, fmt.Errorf("localgit: open %s: %w", path, err)
	}
	if fresh {
		if err := createRepo(path, ref, start); err != nil {
			return nil, fmt.Errorf("localgit: create %s: %w", path, err)
		}
	}
	repo, err := git.PlainOpen(path)
	if err != nil {
		return nil, fmt.Errorf("localgit: open %s: %w", path, err)
	}
	fsStorage, ok := repo.Storer.(*filesystem.Storage)
	if !ok {
		return nil, fmt.Errorf("localgit: open %s: not a repository on disk", path)
	}
	s := newStore(fsStorage.Filesystem().Root(), ref)
	if _, err := s.head(); err != nil {
		return nil, err
	}
	return s, nil
}

func absentOrEmpty(path string) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return false, err
	}
	if !info.IsDir() {
		return false, fmt.Errorf("%s is a file, not a folder", path)
	}
	_, err = f.Readdirnames(1)
	if errors.Is(err, io.EOF) {
		return true, nil
	}
	return false, err
}

// createRepo makes a bare repository whose branch holds one commit with
// start's README. Two processes creating the same repository at once both succeed:
// the ref is only set if it does not exist yet.
func createRepo(path string, branch plumbing.ReferenceName, start Start) error {
	_, err := git.PlainInitWithOptions(path, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: branch},
		Bare:        true,
	})
	if err != nil && !errors.Is(err, git.ErrRepositoryAlreadyExists) {
		return err
	}
	s := newStore(path, branch)
	defer s.Close()
	var commit plumbing.Hash
	err = s.withObjects(func(st objectStorage) error {
		blob, err := writeBlob(st, []byte(start.Readme))
		if err != nil {
			return err
		}
		treeHash, err := writeTree(st, []object.TreeEntry{{Name: "README.md", Mode: filemode.Regular, Hash: blob}})
		if err != nil {
			return err
		}
		commit, err = writeCommit(st, treeHash, nil, ledger.Commit{
			Message: start.Message,
			Author:  ledger.Signature{Name: botName, Email: botEmail},
		})
		return err
	})
	if err != nil {
		return err
	}
	err = s.moveRef(context.Background(), plumbing.ZeroHash, commit)
	if errors.Is(err, ledger.ErrConflict) {
		return nil // someone else created the branch first
	}
	return err
}
