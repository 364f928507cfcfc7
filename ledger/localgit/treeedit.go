package localgit

import (
	"fmt"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"smartup0.org/engelbot/ledger"
)

// treeEditor applies changes to a commit's tree and writes the result. It
// decodes only the folders on the changed paths and writes only the
// folders it changed: every other file and folder keeps its object, so the
// cost of a commit does not grow with the number of files beside it.
type treeEditor struct {
	st   storer.EncodedObjectStorer
	root *folder
}

// folder is one tree being edited.
type folder struct {
	entries  []object.TreeEntry // in git's order; an opened subfolder's hash is stale
	opened   map[string]*folder // subfolders decoded because a path goes through them
	modified bool
}

// kind is what a path names in the tree being edited.
type kind int

const (
	absent kind = iota
	file
	other // a folder, a submodule, or something under a file
)

func newTreeEditor(st storer.EncodedObjectStorer, root plumbing.Hash) (*treeEditor, error) {
	f, err := loadFolder(st, root)
	if err != nil {
		return nil, err
	}
	return &treeEditor{st: st, root: f}, nil
}

func loadFolder(st storer.EncodedObjectStorer, h plumbing.Hash) (*folder, error) {
	entries, err := readTree(st, h)
	if err != nil {
		return nil, err
	}
	return &folder{entries: entries, opened: map[string]*folder{}}, nil
}

// apply checks one change against the tree as edited so far and applies it.
func (e *treeEditor) apply(c ledger.Change, segs []string) error {
	k, cur, err := e.stat(segs)
	if err != nil {
		return err
	}
	switch c.Op {
	case ledger.OpCreate:
		if k != absent {
			return fmt.Errorf("%w: %s already exists", ledger.ErrConflict, c.Path)
		}
		return e.put(segs, c.Content, filemode.Regular)
	case ledger.OpUpdate, ledger.OpDelete:
		if k != file {
			return fmt.Errorf("%w: %s does not exist (expected blob %s)", ledger.ErrConflict, c.Path, c.SHA)
		}
		if !plumbing.IsHash(c.SHA) || plumbing.NewHash(c.SHA) != cur.Hash {
			return fmt.Errorf("%w: %s is at blob %s, not %s", ledger.ErrConflict, c.Path, cur.Hash, c.SHA)
		}
		if c.Op == ledger.OpDelete {
			return e.remove(segs)
		}
		return e.put(segs, c.Content, cur.Mode)
	}
	return fmt.Errorf("%w: unknown op %v", ErrInvalidChange, c.Op)
}

// stat tells what segs names now: nothing, a file (with its entry), or
// something a file cannot be created over or updated in place.
func (e *treeEditor) stat(segs []string) (kind, object.TreeEntry, error) {
	dir := e.root
	for _, seg := range segs[:len(segs)-1] {
		next, k, err := e.open(dir, seg, false)
		switch {
		case err != nil:
			return absent, object.TreeEntry{}, err
		case k == absent:
			return absent, object.TreeEntry{}, nil
		case k == file:
			return other, object.TreeEntry{}, nil // a file stands where a folder should
		}
		dir = next
	}
	name := segs[len(segs)-1]
	if sub, ok := dir.opened[name]; ok {
		if len(sub.entries) == 0 {
			return absent, object.TreeEntry{}, nil // emptied by this commit; git keeps no empty folders
		}
		return other, object.TreeEntry{}, nil
	}
	entry, ok := lookup(dir.entries, name)
	switch {
	case !ok:
		return absent, object.TreeEntry{}, nil
	case entry.Mode == filemode.Dir || entry.Mode == filemode.Submodule:
		return other, entry, nil
	}
	return file, entry, nil
}

// open returns the subfolder name of dir, decoding it on first use. When
// there is none it returns nil and absent, or creates an empty folder if
// create is set; when a file (or submodule) has the name it returns nil
// and file.
func (e *treeEditor) open(dir *folder, name string, create bool) (*folder, kind, error) {
	if sub, ok := dir.opened[name]; ok {
		return sub, other, nil
	}
	entry, ok := lookup(dir.entries, name)
	switch {
	case !ok && !create:
		return nil, absent, nil
	case !ok:
		sub := &folder{opened: map[string]*folder{}}
		dir.opened[name] = sub
		return sub, other, nil
	case entry.Mode != filemode.Dir:
		return nil, file, nil
	}
	sub, err := loadFolder(e.st, entry.Hash)
	if err != nil {
		return nil, absent, err
	}
	dir.opened[name] = sub
	return sub, other, nil
}

// parent returns the folder that holds segs' last segment, marking every
// folder on the way as modified, and creating the missing ones.
func (e *treeEditor) parent(segs []string) (*folder, error) {
	dir := e.root
	dir.modified = true
	for _, seg := range segs[:len(segs)-1] {
		next, _, err := e.open(dir, seg, true)
		if err != nil {
			return nil, err
		}
		if next == nil {
			// stat said the path was free; a file here means a bug above.
			return nil, fmt.Errorf("localgit: %s is a file", seg)
		}
		next.modified = true
		dir = next
	}
	return dir, nil
}

func (e *treeEditor) put(segs []string, content []byte, mode filemode.FileMode) error {
	blob, err := writeBlob(e.st, content)
	if err != nil {
		return err
	}
	dir, err := e.parent(segs)
	if err != nil {
		return err
	}
	name := segs[len(segs)-1]
	if _, ok := dir.opened[name]; ok {
		// A folder this commit emptied: the file takes its name.
		delete(dir.opened, name)
		if i, ok := search(dir.entries, name, true); ok {
			dir.entries = slices.Delete(dir.entries, i, i+1)
		}
	}
	entry := object.TreeEntry{Name: name, Mode: mode, Hash: blob}
	if i, ok := search(dir.entries, name, false); ok {
		dir.entries[i] = entry
	} else {
		dir.entries = slices.Insert(dir.entries, i, entry)
	}
	return nil
}

func (e *treeEditor) remove(segs []string) error {
	dir, err := e.parent(segs)
	if err != nil {
		return err
	}
	if i, ok := search(dir.entries, segs[len(segs)-1], false); ok {
		dir.entries = slices.Delete(dir.entries, i, i+1)
	}
	return nil
}

// write stores the modified folders, deepest first, and returns the new
// root tree.
func (e *treeEditor) write() (plumbing.Hash, error) {
	h, _, err := e.writeFolder(e.root, true)
	return h, err
}

func (e *treeEditor) writeFolder(f *folder, root bool) (plumbing.Hash, bool, error) {
	for name, sub := range f.opened {
		if !sub.modified {
			continue
		}
		h, empty, err := e.writeFolder(sub, false)
		if err != nil {
			return plumbing.ZeroHash, false, err
		}
		i, found := search(f.entries, name, true)
		switch {
		case empty && found:
			f.entries = slices.Delete(f.entries, i, i+1)
		case empty:
		case found:
			f.entries[i].Hash = h
		default:
			f.entries = slices.Insert(f.entries, i, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
		}
	}
	if len(f.entries) == 0 && !root {
		return plumbing.ZeroHash, true, nil
	}
	h, err := writeTree(e.st, f.entries)
	return h, false, err
}
