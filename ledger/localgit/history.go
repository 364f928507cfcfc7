package localgit

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"smartup0.org/engelbot/ledger"
)

var _ ledger.Historian = (*Store)(nil)

// History calls fn for each commit from the head of the branch back through
// first parents, as git log --first-parent walks it, until fn returns false
// or the root commit has been given. Each commit's Files are the paths whose
// blob or mode differs from its first parent's (all its files for the root
// commit), in byte order. fn runs with no lock held, so it may call the
// store.
func (s *Store) History(ctx context.Context, fn func(ledger.CommitInfo) bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	h, err := s.head()
	if err != nil {
		return err
	}
	trees := &treeCache{}
	for !h.IsZero() {
		if err := ctx.Err(); err != nil {
			return err
		}
		var info ledger.CommitInfo
		var parent plumbing.Hash
		err := s.withObjects(func(st objectStorage) error {
			var err error
			info, parent, err = commitInfo(st, trees, h)
			return err
		})
		trees.next()
		if err != nil {
			return err
		}
		if !fn(info) {
			return nil
		}
		h = parent
	}
	return nil
}

// commitInfo describes commit h against its first parent, and returns that
// parent (ZeroHash for a root commit).
func commitInfo(st storer.EncodedObjectStorer, trees *treeCache, h plumbing.Hash) (ledger.CommitInfo, plumbing.Hash, error) {
	c, err := getCommit(st, h)
	if err != nil {
		return ledger.CommitInfo{}, plumbing.ZeroHash, err
	}
	info := ledger.CommitInfo{
		ID: h.String(),
		// writeCommit ends every message with the newline git expects;
		// the caller gets back the message it committed.
		Message: strings.TrimSuffix(c.Message, "\n"),
		Author:  ledger.Signature{Name: c.Author.Name, Email: c.Author.Email},
	}
	parent, parentTree := plumbing.ZeroHash, plumbing.ZeroHash
	if len(c.ParentHashes) > 0 {
		parent = c.ParentHashes[0]
		pc, err := getCommit(st, parent)
		if err != nil {
			return ledger.CommitInfo{}, plumbing.ZeroHash, err
		}
		info.Parent = parent.String()
		parentTree = pc.TreeHash
	}
	if err := diffTrees(st, trees, parentTree, c.TreeHash, "", &info.Files); err != nil {
		return ledger.CommitInfo{}, plumbing.ZeroHash, fmt.Errorf("localgit: compare commit %s with its parent: %w", h, err)
	}
	slices.Sort(info.Files)
	return info, parent, nil
}

// diffTrees appends to out the path of every file that is in one of the
// trees and not the other, or in both with another blob or mode. ZeroHash
// stands for an empty tree. A subtree whose hash is the same on both sides
// holds the same files, so it is never opened: the cost follows the size of
// the change, not of the ledger.
func diffTrees(st storer.EncodedObjectStorer, trees *treeCache, from, to plumbing.Hash, prefix string, out *[]string) error {
	if from == to {
		return nil
	}
	a, err := trees.read(st, from)
	if err != nil {
		return err
	}
	b, err := trees.read(st, to)
	if err != nil {
		return err
	}
	// Both lists are in git's order, in which a file and a folder of the
	// same name are different keys: a path that turned from one into the
	// other shows as one removed and one added.
	for len(a) > 0 || len(b) > 0 {
		var ea, eb *object.TreeEntry
		switch {
		case len(b) == 0:
			ea, a = &a[0], a[1:]
		case len(a) == 0:
			eb, b = &b[0], b[1:]
		default:
			switch c := compareEntry(a[0], b[0].Name, b[0].Mode == filemode.Dir); {
			case c < 0:
				ea, a = &a[0], a[1:]
			case c > 0:
				eb, b = &b[0], b[1:]
			default:
				ea, eb, a, b = &a[0], &b[0], a[1:], b[1:]
			}
		}
		if err := diffEntries(st, trees, ea, eb, prefix, out); err != nil {
			return err
		}
	}
	return nil
}

// diffEntries compares the entries one name has in the two trees (nil
// where it has none); both are folders or neither is.
func diffEntries(st storer.EncodedObjectStorer, trees *treeCache, a, b *object.TreeEntry, prefix string, out *[]string) error {
	hash := func(e *object.TreeEntry) plumbing.Hash {
		if e == nil {
			return plumbing.ZeroHash
		}
		return e.Hash
	}
	e := a
	if e == nil {
		e = b
	}
	switch {
	case e.Mode == filemode.Dir:
		return diffTrees(st, trees, hash(a), hash(b), prefix+e.Name+"/", out)
	case !isFile(a) && !isFile(b):
		// Submodules are commits of other repositories, not files here
		// (Tree does not list them either).
		return nil
	case a == nil || b == nil || a.Hash != b.Hash || a.Mode != b.Mode:
		*out = append(*out, prefix+e.Name)
	}
	return nil
}

func isFile(e *object.TreeEntry) bool {
	return e != nil && e.Mode != filemode.Dir && e.Mode != filemode.Submodule
}

// treeCache keeps the trees decoded for one commit of the walk until the
// next: the parent's side of one comparison is the child's side of the
// next, and decoding a large folder is most of the cost of a step.
type treeCache struct {
	cur, prev map[plumbing.Hash][]object.TreeEntry
}

// read returns a tree's entries; ZeroHash stands for an empty tree.
func (c *treeCache) read(st storer.EncodedObjectStorer, h plumbing.Hash) ([]object.TreeEntry, error) {
	if h.IsZero() {
		return nil, nil
	}
	if c.cur == nil {
		c.cur = make(map[plumbing.Hash][]object.TreeEntry)
	}
	entries, ok := c.cur[h]
	if !ok {
		entries, ok = c.prev[h]
	}
	if !ok {
		var err error
		if entries, err = readTree(st, h); err != nil {
			return nil, err
		}
	}
	c.cur[h] = entries
	return entries, nil
}

// next starts the next step: what was read for this one stays at hand
// for one more.
func (c *treeCache) next() {
	c.prev, c.cur = c.cur, nil
}
