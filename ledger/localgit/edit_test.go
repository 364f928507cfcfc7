package localgit

import (
	"errors"
	"maps"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// TestCommitEditsTree covers what the contract leaves to each backend:
// folders appearing and vanishing, files and folders of the same name, and
// several changes to one path in one commit, applied in order.
func TestCommitEditsTree(t *testing.T) {
	cases := []struct {
		name    string
		setup   []ledger.Change
		changes []ledger.Change
		want    map[string]string // path → content after the commit; nil: ErrConflict
	}{
		{
			name:    "deep new folders",
			changes: []ledger.Change{create("a/b/c/d.md", "d")},
			want:    map[string]string{"a/b/c/d.md": "d"},
		},
		{
			name:    "deleting the last file removes its folders",
			setup:   []ledger.Change{create("a/b/c.md", "c"), create("a/e.md", "e")},
			changes: []ledger.Change{remove("a/b/c.md", "c")},
			want:    map[string]string{"a/e.md": "e"},
		},
		{
			name:    "create then update in one commit",
			changes: []ledger.Change{create("x.csv", "1"), update("x.csv", "2", "1")},
			want:    map[string]string{"x.csv": "2"},
		},
		{
			name:    "delete then create in one commit",
			setup:   []ledger.Change{create("x.csv", "1")},
			changes: []ledger.Change{remove("x.csv", "1"), create("x.csv", "new")},
			want:    map[string]string{"x.csv": "new"},
		},
		{
			name:    "a file where a folder was emptied in the same commit",
			setup:   []ledger.Change{create("a/b.md", "b")},
			changes: []ledger.Change{remove("a/b.md", "b"), create("a", "now a file")},
			want:    map[string]string{"a": "now a file"},
		},
		{
			name:    "a file where a folder is",
			setup:   []ledger.Change{create("a/b.md", "b")},
			changes: []ledger.Change{create("a", "file")},
		},
		{
			name:    "a file under a file",
			setup:   []ledger.Change{create("a", "file")},
			changes: []ledger.Change{create("a/b.md", "b")},
		},
		{
			name:    "updating a folder",
			setup:   []ledger.Change{create("a/b.md", "b")},
			changes: []ledger.Change{update("a", "file", "b")},
		},
		{
			name:    "the same file created twice in one commit",
			changes: []ledger.Change{create("x.csv", "1"), create("x.csv", "2")},
		},
		{
			name:    "an update from the SHA before an earlier change of the same commit",
			setup:   []ledger.Change{create("x.csv", "1")},
			changes: []ledger.Change{update("x.csv", "2", "1"), update("x.csv", "3", "1")},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _ := newRepo(t)
			if len(c.setup) > 0 {
				mustCommit(t, s, "setup", c.setup...)
			}
			before := mustHead(t, s)
			_, err := s.Commit(t.Context(), ledger.Commit{Message: c.name, Changes: c.changes})
			if c.want == nil {
				if !errors.Is(err, ledger.ErrConflict) {
					t.Fatalf("Commit = %v, want ledger.ErrConflict", err)
				}
				if h := mustHead(t, s); h != before {
					t.Errorf("a refused commit moved the head")
				}
				return
			}
			if err != nil {
				t.Fatalf("Commit: %v", err)
			}
			tr, err := s.Tree(t.Context(), "")
			if err != nil {
				t.Fatalf("Tree: %v", err)
			}
			want := map[string]string{"README.md": tr.Files["README.md"]}
			for p, content := range c.want {
				want[p] = ledger.BlobSHA([]byte(content))
			}
			if !maps.Equal(tr.Files, want) {
				t.Errorf("Tree = %v, want %v", tr.Files, want)
			}
		})
	}
}

func TestCommitRefusesInvalidChanges(t *testing.T) {
	s, _ := newRepo(t)
	before := mustHead(t, s)
	cases := []struct {
		name    string
		changes []ledger.Change
		want    error
	}{
		{"no changes", nil, ErrInvalidChange},
		{"unknown op", []ledger.Change{{Op: 0, Path: "x.md"}}, ErrInvalidChange},
		{"update without SHA", []ledger.Change{{Op: ledger.OpUpdate, Path: "README.md", Content: []byte("x")}}, ErrInvalidChange},
		{"delete without SHA", []ledger.Change{{Op: ledger.OpDelete, Path: "README.md"}}, ErrInvalidChange},
		{"empty path", []ledger.Change{create("", "x")}, ErrInvalidPath},
		{"absolute path", []ledger.Change{create("/etc/x", "x")}, ErrInvalidPath},
		{"trailing slash", []ledger.Change{create("a/", "x")}, ErrInvalidPath},
		{"double slash", []ledger.Change{create("a//b", "x")}, ErrInvalidPath},
		{"dot segment", []ledger.Change{create("a/./b", "x")}, ErrInvalidPath},
		{"parent segment", []ledger.Change{create("a/../b", "x")}, ErrInvalidPath},
		{"git folder", []ledger.Change{create(".git/config", "x")}, ErrInvalidPath},
		{"git folder in other case, deeper", []ledger.Change{create("a/.GIT/hooks", "x")}, ErrInvalidPath},
		{"backslash", []ledger.Change{create(`a\b`, "x")}, ErrInvalidPath},
		{"line break", []ledger.Change{create("a\nb", "x")}, ErrInvalidPath},
		{"drive letter", []ledger.Change{create("C:/x", "x")}, ErrInvalidPath},
		{"a good change before a bad one", []ledger.Change{create("ok.md", "x"), create("../x", "x")}, ErrInvalidPath},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Commit(t.Context(), ledger.Commit{Message: c.name, Changes: c.changes})
			if !errors.Is(err, c.want) {
				t.Errorf("Commit = %v, want %v", err, c.want)
			}
		})
	}
	if h := mustHead(t, s); h != before {
		t.Errorf("refused commits moved the head from %s to %s", before, h)
	}
	if _, err := s.ReadFile(t.Context(), "../README.md"); !errors.Is(err, ErrInvalidPath) {
		t.Errorf("ReadFile(../README.md) = %v, want ErrInvalidPath", err)
	}
}

func TestCommitSanitisesAuthor(t *testing.T) {
	s, path := newRepo(t)
	_, err := s.Commit(t.Context(), ledger.Commit{
		Message: "Signed oddly",
		Author:  ledger.Signature{Name: "Eve\ncommitter Mallory <m@x> 0 +0000", Email: "<eve@example.invalid>"},
		Changes: []ledger.Change{create("x.md", "x")},
	})
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if got := gitCLI(t, "-C", path, "log", "-1", "--format=%an|%ae|%cn"); got != "Evecommitter Mallory m@x 0 +0000|eve@example.invalid|Evecommitter Mallory m@x 0 +0000\n" {
		t.Errorf("git log shows author|email|committer %q", got)
	}
	gitCLI(t, "-C", path, "fsck", "--strict", "--no-dangling")
}
