package localgit

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// TestHistoryMatchesGit compares History with what the git command line
// says of the same branch, after commits git made that the store never
// makes itself: a merge (History follows first parents only, and lists the
// merge's changes against its first parent), a file turned into a folder,
// and a change of mode alone.
func TestHistoryMatchesGit(t *testing.T) {
	s, path := newRepo(t)
	mustCommit(t, s, "Create pages",
		create("pages/tasks/a.md", "a\n"),
		create("pages/tasks/b.md", "b\n"),
		create("pages/Zoë and Ünal.md", "z\n"),
		create("indexes/tasks.csv", "id\n"),
		create("turn", "a file, for now\n"),
	)
	mustCommit(t, s, "Update and delete", update("pages/tasks/a.md", "a2\n", "a\n"), remove("indexes/tasks.csv", "id\n"))

	work := filepath.Join(t.TempDir(), "work")
	gitCLI(t, "clone", "--quiet", path, work)
	git := func(args ...string) string {
		t.Helper()
		return gitCLI(t, append([]string{"-C", work, "-c", "user.name=Git", "-c", "user.email=git@example.invalid"}, args...)...)
	}
	write := func(p, content string) {
		t.Helper()
		full := filepath.Join(work, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("checkout", "--quiet", "-b", "side")
	write("side/notes.md", "from the side branch\n")
	git("add", "side/notes.md")
	git("commit", "--quiet", "-m", "Side work")
	git("checkout", "--quiet", "main")
	git("rm", "--quiet", "turn")
	write("turn/inner.md", "now a folder\n")
	git("add", "turn/inner.md")
	git("update-index", "--chmod=+x", "pages/tasks/b.md")
	git("commit", "--quiet", "-m", "Turn a file into a folder, make b executable")
	git("merge", "--quiet", "--no-ff", "-m", "Merge the side branch", "side")
	git("push", "--quiet", "origin", "main")
	mustCommit(t, s, "After the merge", create("top.md", "top\n"))

	var got []ledger.CommitInfo
	if err := s.History(t.Context(), func(c ledger.CommitInfo) bool {
		got = append(got, c)
		return true
	}); err != nil {
		t.Fatalf("History: %v", err)
	}

	ids := strings.Fields(gitCLI(t, "-C", path, "rev-list", "--first-parent", "main"))
	if len(got) != len(ids) {
		t.Fatalf("History gives %d commits, git rev-list --first-parent %d", len(got), len(ids))
	}
	for i, id := range ids {
		show := strings.Split(gitCLI(t, "-C", path, "show", "-s", "--format=%P%x00%an%x00%ae%x00%B", id), "\x00")
		parent, _, _ := strings.Cut(show[0], " ")
		var files string
		if parent == "" {
			files = gitCLI(t, "-C", path, "ls-tree", "-r", "-z", "--name-only", id)
		} else {
			files = gitCLI(t, "-C", path, "diff-tree", "-r", "-z", "--no-renames", "--name-only", parent, id)
		}
		want := ledger.CommitInfo{
			ID:      id,
			Parent:  parent,
			Message: strings.TrimRight(show[3], "\n"),
			Author:  ledger.Signature{Name: show[1], Email: show[2]},
			Files:   slices.Sorted(slices.Values(strings.FieldsFunc(files, func(r rune) bool { return r == 0 }))),
		}
		c := got[i]
		if c.ID != want.ID || c.Parent != want.Parent || c.Message != want.Message || c.Author != want.Author ||
			!slices.Equal(c.Files, want.Files) {
			t.Errorf("History commit %d:\n  %+v\ngit says\n  %+v", i, c, want)
		}
	}
	merge := got[1]
	if merge.Message != "Merge the side branch" || !slices.Equal(merge.Files, []string{"side/notes.md"}) {
		t.Errorf("the merge is given as %+v, want it with side/notes.md, the one file it brought", merge)
	}
}
