package localgit

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// looseObjects counts the objects stored in their own file.
func looseObjects(t *testing.T, gitDir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(filepath.Join(gitDir, "objects"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "pack" || d.Name() == "info") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCommitWritesOnlyWhatChanged counts the objects a commit adds to a
// ledger of 300 files: its blob, the folders on its path, the commit. Any
// more would mean the commit rewrites files or folders it did not touch.
func TestCommitWritesOnlyWhatChanged(t *testing.T) {
	s, path := newRepo(t)
	var seed []ledger.Change
	for _, folder := range []string{"pages/tasks", "pages/sessions", "indexes"} {
		for i := range 100 {
			seed = append(seed, create(fmt.Sprintf("%s/%03d.md", folder, i), fmt.Sprintf("%s %d\n", folder, i)))
		}
	}
	mustCommit(t, s, "seed", seed...)

	cases := []struct {
		name   string
		change ledger.Change
		want   int
	}{
		{"update in pages/tasks", update("pages/tasks/007.md", "changed\n", "pages/tasks 7\n"), 1 + 3 + 1},
		{"create in new folders", create("audit/2025/01.csv", "new\n"), 1 + 3 + 1},
		{"delete in indexes", remove("indexes/042.md", "indexes 42\n"), 2 + 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := looseObjects(t, path)
			mustCommit(t, s, c.name, c.change)
			if got := looseObjects(t, path) - before; got != c.want {
				t.Errorf("the commit wrote %d objects, want %d (blob, folders on the path, commit)", got, c.want)
			}
		})
	}
}
