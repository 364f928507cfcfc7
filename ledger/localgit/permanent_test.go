package localgit

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// What no retry clears is ledger.ErrPermanent, so the writer answers at
// once: the repository folder or the branch gone (a person has to restore
// it), a commit this store never accepts. A stale SHA stays a conflict.
func TestNeverClearingFailuresArePermanent(t *testing.T) {
	gone := func(name string, remove func(t *testing.T, path string)) {
		t.Run(name, func(t *testing.T) {
			s, path := newRepo(t)
			mustCommit(t, s, "Add a file", create("a.csv", "a\n"))
			remove(t, path)
			_, headErr := s.Head(t.Context())
			_, treeErr := s.Tree(t.Context(), "")
			_, readErr := s.ReadFile(t.Context(), "a.csv")
			_, commitErr := s.Commit(t.Context(), ledger.Commit{Changes: []ledger.Change{create("b.csv", "b\n")}})
			for call, err := range map[string]error{"Head": headErr, "Tree": treeErr, "ReadFile": readErr, "Commit": commitErr} {
				if !errors.Is(err, ledger.ErrPermanent) || errors.Is(err, ledger.ErrConflict) {
					t.Errorf("%s: err = %v, want ledger.ErrPermanent", call, err)
				}
			}
		})
	}
	gone("repository folder removed", func(t *testing.T, path string) {
		if err := os.RemoveAll(path); err != nil {
			t.Fatal(err)
		}
	})
	gone("branch deleted", func(t *testing.T, path string) {
		if err := os.Remove(filepath.Join(path, "refs", "heads", "main")); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("commits this store never accepts", func(t *testing.T) {
		s, _ := newRepo(t)
		for name, c := range map[string]ledger.Commit{
			"no changes":            {},
			"a path with ..":        {Changes: []ledger.Change{create("a/../b.csv", "x\n")}},
			"an update with no sha": {Changes: []ledger.Change{{Op: ledger.OpUpdate, Path: "README.md", Content: []byte("x\n")}}},
		} {
			if _, err := s.Commit(t.Context(), c); !errors.Is(err, ledger.ErrPermanent) {
				t.Errorf("%s: err = %v, want ledger.ErrPermanent", name, err)
			}
		}
	})

	t.Run("a stale sha is a conflict", func(t *testing.T) {
		s, _ := newRepo(t)
		mustCommit(t, s, "Add a file", create("a.csv", "v1\n"))
		mustCommit(t, s, "Change it", update("a.csv", "v2\n", "v1\n"))
		_, err := s.Commit(t.Context(), ledger.Commit{Changes: []ledger.Change{update("a.csv", "v3\n", "v1\n")}})
		if !errors.Is(err, ledger.ErrConflict) || errors.Is(err, ledger.ErrPermanent) {
			t.Errorf("err = %v, want ledger.ErrConflict only", err)
		}
	})
}
