package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// historyListsCommitsNewestFirst checks ledger.Historian, for the stores
// that offer it: four commits (new files in nested folders, updates, a
// delete, and one that empties a folder) come back newest first, each with
// exactly the paths it changed and its parent.
func historyListsCommitsNewestFirst(t *testing.T, s ledger.Store) {
	hs, ok := s.(ledger.Historian)
	if !ok {
		t.Skip("the store does not implement ledger.Historian, which is optional")
	}
	base := tree(t, s, "")
	sha := func(content string) string { return ledger.BlobSHA([]byte(content)) }
	steps := []struct {
		msg     string
		changes []ledger.Change
		files   []string // the paths the commit changes
	}{
		{"storetest: history one", []ledger.Change{
			create("history/a.csv", "a1\n"),
			create("history/docs/b.md", "b1\n"),
			create("history/docs/deep/c.md", "c1\n"),
		}, []string{"history/a.csv", "history/docs/b.md", "history/docs/deep/c.md"}},
		{"storetest: history two", []ledger.Change{
			update("history/docs/deep/c.md", "c2\n", sha("c1\n")),
			create("history/docs/deep/er/d.md", "d1\n"),
		}, []string{"history/docs/deep/c.md", "history/docs/deep/er/d.md"}},
		{"storetest: history three", []ledger.Change{
			remove("history/docs/b.md", sha("b1\n")),
			update("history/a.csv", "a2\n", sha("a1\n")),
		}, []string{"history/a.csv", "history/docs/b.md"}},
		// Both files left under history/docs go: the folder goes with them.
		{"storetest: history four", []ledger.Change{
			remove("history/docs/deep/c.md", sha("c2\n")),
			remove("history/docs/deep/er/d.md", sha("d1\n")),
		}, []string{"history/docs/deep/c.md", "history/docs/deep/er/d.md"}},
	}
	var want []ledger.CommitInfo // newest first
	for _, st := range steps {
		res := commit(t, s, st.msg, st.changes...)
		want = slices.Insert(want, 0, ledger.CommitInfo{
			ID: res.Commit, Parent: res.Parent, Message: st.msg, Author: author(), Files: st.files,
		})
	}
	if want[len(want)-1].Parent != base.Commit {
		t.Fatalf("the first commit reports parent %s, want the head before it, %s", want[len(want)-1].Parent, base.Commit)
	}

	got := history(t, hs)
	if len(got) < len(want)+1 {
		t.Fatalf("History gave %d commits, want at least %d: the 4 made here and the ones before", len(got), len(want)+1)
	}
	for i, w := range want {
		sameCommit(t, got[i], w)
	}
	if got[len(want)].ID != base.Commit {
		t.Errorf("History gives %s after the commits made here, want the head before them, %s", got[len(want)].ID, base.Commit)
	}
	for i, c := range got[:len(got)-1] {
		if c.Parent != got[i+1].ID {
			t.Errorf("History gives %s with parent %q, then %s", c.ID, c.Parent, got[i+1].ID)
		}
	}
	root := got[len(got)-1]
	if root.Parent != "" {
		t.Errorf("History ends at %s, whose parent is %s: it stopped before the root commit", root.ID, root.Parent)
	}
	if root.ID == base.Commit {
		// The store began with one commit: all of its files are new in it.
		if files, wantFiles := sorted(root.Files), slices.Sorted(maps.Keys(base.Files)); !slices.Equal(files, wantFiles) {
			t.Errorf("History gives the root commit %s with files %q, want all of its files, %q", root.ID, files, wantFiles)
		}
	}

	for _, n := range []int{1, 3} {
		t.Run(fmt.Sprintf("fn returning false after %d stops it", n), func(t *testing.T) {
			var seen []string
			err := hs.History(t.Context(), func(c ledger.CommitInfo) bool {
				seen = append(seen, c.ID)
				return len(seen) < n
			})
			if err != nil {
				t.Fatalf("History stopped after %d: %v", n, err)
			}
			wantIDs := make([]string, n)
			for i := range n {
				wantIDs[i] = got[i].ID
			}
			if !slices.Equal(seen, wantIDs) {
				t.Errorf("History told to stop after %d commits gave %q, want %q", n, seen, wantIDs)
			}
		})
	}

	t.Run("a cancelled context stops it", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		calls := 0
		err := hs.History(ctx, func(ledger.CommitInfo) bool {
			calls++
			cancel()
			return true
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("History with its context cancelled = %v, want an error wrapping context.Canceled", err)
		}
		if calls != 1 {
			t.Errorf("History called fn %d times after the context was cancelled in the first call", calls-1)
		}
	})
}

// history returns the whole history of the branch.
func history(t *testing.T, hs ledger.Historian) []ledger.CommitInfo {
	t.Helper()
	var out []ledger.CommitInfo
	if err := hs.History(t.Context(), func(c ledger.CommitInfo) bool {
		out = append(out, c)
		return true
	}); err != nil {
		t.Fatalf("History: %v", err)
	}
	return out
}

// sameCommit compares a commit of the history with the one wanted; the
// order of Files is not part of the contract, but each path is there once.
func sameCommit(t *testing.T, got, want ledger.CommitInfo) {
	t.Helper()
	files, wantFiles := sorted(got.Files), sorted(want.Files)
	if got.ID != want.ID || got.Parent != want.Parent || got.Message != want.Message || got.Author != want.Author ||
		!slices.Equal(files, wantFiles) {
		t.Errorf("History gives commit\n  %+v\nwant\n  %+v", got, want)
	}
}

func sorted(paths []string) []string { return slices.Sorted(slices.Values(paths)) }
