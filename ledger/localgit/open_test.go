package localgit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenCreatesBareLedger(t *testing.T) {
	s, path := newRepo(t)
	for _, name := range []string{"HEAD", "objects", "refs/heads/main"} {
		if _, err := os.Stat(filepath.Join(path, name)); err != nil {
			t.Errorf("a bare repository has %s at its top: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(path, ".git")); err == nil {
		t.Errorf("%s has a .git folder: not a bare repository", path)
	}
	tr, err := s.Tree(t.Context(), "")
	if err != nil {
		t.Fatalf("Tree: %v", err)
	}
	if len(tr.Files) != 1 || tr.Files["README.md"] == "" {
		t.Errorf("a new ledger holds %v, want only README.md", tr.Files)
	}
	readme, err := s.ReadFile(t.Context(), "README.md")
	if err != nil {
		t.Fatalf("ReadFile(README.md): %v", err)
	}
	if !strings.Contains(string(readme.Content), "Engelbot ledger") {
		t.Errorf("README.md does not say what the repository is:\n%s", readme.Content)
	}
}

func TestOpenKeepsExistingLedger(t *testing.T) {
	s, path := newRepo(t)
	res := mustCommit(t, s, "Add a file", create("a.csv", "a\n"))
	again, err := Open(path, "main")
	if err != nil {
		t.Fatalf("Open an existing ledger: %v", err)
	}
	if h := mustHead(t, again); h != res.Commit {
		t.Errorf("reopened Head = %s, want the last commit %s", h, res.Commit)
	}
}

func TestOpenCreatesInEmptyFolder(t *testing.T) {
	path := t.TempDir()
	s, err := Open(path, "ledger/main")
	if err != nil {
		t.Fatalf("Open(empty folder): %v", err)
	}
	mustCommit(t, s, "Write on a branch with a slash", create("x.md", "x\n"))
	if out := gitCLI(t, "-C", path, "show", "ledger/main:x.md"); out != "x\n" {
		t.Errorf("git show ledger/main:x.md = %q", out)
	}
}

func TestOpenRefuses(t *testing.T) {
	_, existing := newRepo(t)
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("not a repository"), 0o644); err != nil {
		t.Fatal(err)
	}
	notRepo := t.TempDir()
	if err := os.WriteFile(filepath.Join(notRepo, "notes.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path, branch string
	}{
		{"a branch the repository lacks", existing, "other"},
		{"an invalid branch name", filepath.Join(t.TempDir(), "new.git"), "bad..name"},
		{"an empty branch name", filepath.Join(t.TempDir(), "new.git"), ""},
		{"a file", file, "main"},
		{"a folder with other files", notRepo, "main"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if s, err := Open(c.path, c.branch); err == nil {
				t.Errorf("Open(%s, %q) = %v, want an error", c.path, c.branch, s)
			}
		})
	}
}
