package localgit

import (
	"context"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"

	"smartup0.org/engelbot/ledger"
)

// Commit applies every change in one commit on the branch, or none of them.
// The changes are checked against the head as it is when the commit starts,
// and the branch moves only if it still points there.
func (s *Store) Commit(ctx context.Context, c ledger.Commit) (ledger.CommitResult, error) {
	paths, err := check(c)
	if err != nil {
		return ledger.CommitResult{}, err
	}
	s.commitMu.Lock()
	defer s.commitMu.Unlock()
	if err := ctx.Err(); err != nil {
		return ledger.CommitResult{}, err
	}

	head, err := s.head()
	if err != nil {
		return ledger.CommitResult{}, err
	}
	var commit plumbing.Hash
	err = s.withObjects(func(st objectStorage) error {
		commit, err = s.build(st, head, c, paths)
		return err
	})
	if err != nil {
		return ledger.CommitResult{}, err
	}
	// Objects written by a commit that then loses are unreachable, as after
	// a failed git push: harmless, and git gc removes them.
	if err := s.moveRef(ctx, head, commit); err != nil {
		return ledger.CommitResult{}, err
	}
	return ledger.CommitResult{Commit: commit.String(), Parent: head.String()}, nil
}

// build writes the blobs, the changed trees and the commit object on top of
// head, and returns the commit.
func (s *Store) build(st objectStorage, head plumbing.Hash, c ledger.Commit, paths [][]string) (plumbing.Hash, error) {
	parent, err := getCommit(st, head)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	ed, err := newTreeEditor(st, parent.TreeHash)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	for i, ch := range c.Changes {
		if err := ed.apply(ch, paths[i]); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("localgit: change %d (%s %s): %w", i+1, ch.Op, ch.Path, err)
		}
	}
	tree, err := ed.write()
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("localgit: write trees: %w", err)
	}
	commit, err := writeCommit(st, tree, &head, c)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("localgit: write commit: %w", err)
	}
	return commit, nil
}

// check refuses a malformed commit before anything is read or written, and
// returns each change's path segments.
func check(c ledger.Commit) ([][]string, error) {
	if len(c.Changes) == 0 {
		return nil, fmt.Errorf("%w: a commit needs at least one change", ErrInvalidChange)
	}
	paths := make([][]string, len(c.Changes))
	for i, ch := range c.Changes {
		segs, err := splitPath(ch.Path)
		if err != nil {
			return nil, fmt.Errorf("localgit: change %d: %w", i+1, err)
		}
		paths[i] = segs
		switch ch.Op {
		case ledger.OpCreate:
		case ledger.OpUpdate, ledger.OpDelete:
			if ch.SHA == "" {
				return nil, fmt.Errorf("%w: change %d (%s %s) names no SHA", ErrInvalidChange, i+1, ch.Op, ch.Path)
			}
		default:
			return nil, fmt.Errorf("%w: change %d (%s): unknown op %v", ErrInvalidChange, i+1, ch.Path, ch.Op)
		}
	}
	return paths, nil
}
