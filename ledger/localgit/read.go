package localgit

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"smartup0.org/engelbot/ledger"
)

// Tree lists every file at commit ("" = the head) with its blob SHA. It
// reads trees only, never blobs.
func (s *Store) Tree(ctx context.Context, commit string) (ledger.Tree, error) {
	if err := ctx.Err(); err != nil {
		return ledger.Tree{}, err
	}
	var h plumbing.Hash
	if commit == "" {
		head, err := s.head()
		if err != nil {
			return ledger.Tree{}, err
		}
		h = head
	} else {
		if !plumbing.IsHash(commit) {
			return ledger.Tree{}, fmt.Errorf("localgit: %q is not a commit ID: %w", commit, ledger.ErrNotFound)
		}
		h = plumbing.NewHash(commit)
	}
	var files map[string]string
	err := s.withObjects(func(st objectStorage) error {
		c, err := getCommit(st, h)
		if err != nil {
			return err
		}
		files = make(map[string]string)
		if err := listFiles(st, c.TreeHash, "", files); err != nil {
			return fmt.Errorf("localgit: list commit %s: %w", h, err)
		}
		return nil
	})
	if err != nil {
		return ledger.Tree{}, err
	}
	return ledger.Tree{Commit: h.String(), Files: files}, nil
}

func listFiles(st storer.EncodedObjectStorer, tree plumbing.Hash, prefix string, files map[string]string) error {
	entries, err := readTree(st, tree)
	if err != nil {
		return err
	}
	for _, e := range entries {
		switch e.Mode {
		case filemode.Dir:
			if err := listFiles(st, e.Hash, prefix+e.Name+"/", files); err != nil {
				return err
			}
		case filemode.Submodule:
			// A submodule is a commit of another repository, not a file here.
		default:
			files[prefix+e.Name] = e.Hash.String()
		}
	}
	return nil
}

// ReadFile returns one file's content and blob SHA at the head.
func (s *Store) ReadFile(ctx context.Context, path string) (ledger.File, error) {
	if err := ctx.Err(); err != nil {
		return ledger.File{}, err
	}
	segs, err := splitPath(path)
	if err != nil {
		return ledger.File{}, err
	}
	head, err := s.head()
	if err != nil {
		return ledger.File{}, err
	}
	f := ledger.File{Path: path}
	err = s.withObjects(func(st objectStorage) error {
		c, err := getCommit(st, head)
		if err != nil {
			return err
		}
		entry, err := findFile(st, c.TreeHash, segs)
		if err != nil {
			return err
		}
		f.SHA = entry.Hash.String()
		f.Content, err = readBlob(st, entry.Hash)
		return err
	})
	if err != nil {
		return ledger.File{}, fmt.Errorf("localgit: read %s: %w", path, err)
	}
	return f, nil
}

func readBlob(st storer.EncodedObjectStorer, h plumbing.Hash) ([]byte, error) {
	blob, err := object.GetBlob(st, h)
	if err != nil {
		return nil, err
	}
	r, err := blob.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func getCommit(st storer.EncodedObjectStorer, h plumbing.Hash) (*object.Commit, error) {
	c, err := object.GetCommit(st, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, fmt.Errorf("localgit: commit %s: %w: %w", h, ledger.ErrNotFound, err)
	}
	if err != nil {
		return nil, fmt.Errorf("localgit: commit %s: %w", h, err)
	}
	return c, nil
}

// findFile walks from the root tree down the path's folders, decoding only
// the trees on the way.
func findFile(st storer.EncodedObjectStorer, root plumbing.Hash, segs []string) (object.TreeEntry, error) {
	tree := root
	for i, seg := range segs {
		entries, err := readTree(st, tree)
		if err != nil {
			return object.TreeEntry{}, err
		}
		e, ok := lookup(entries, seg)
		last := i == len(segs)-1
		switch {
		case !ok,
			last && (e.Mode == filemode.Dir || e.Mode == filemode.Submodule),
			!last && e.Mode != filemode.Dir:
			return object.TreeEntry{}, ledger.ErrNotFound
		case last:
			return e, nil
		}
		tree = e.Hash
	}
	return object.TreeEntry{}, ledger.ErrNotFound
}
