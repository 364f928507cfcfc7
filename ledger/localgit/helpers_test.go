package localgit

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// newRepo opens a fresh ledger repository in a temporary folder.
func newRepo(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ledger.git")
	s, err := Open(path, "main")
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, path
}

func mustCommit(t testing.TB, s *Store, msg string, changes ...ledger.Change) ledger.CommitResult {
	t.Helper()
	res, err := s.Commit(t.Context(), ledger.Commit{
		Message: msg,
		Author:  ledger.Signature{Name: "Test Writer", Email: "writer@example.invalid"},
		Changes: changes,
	})
	if err != nil {
		t.Fatalf("Commit(%q): %v", msg, err)
	}
	return res
}

func mustHead(t testing.TB, s *Store) string {
	t.Helper()
	h, err := s.Head(t.Context())
	if err != nil {
		t.Fatalf("Head: %v", err)
	}
	return h
}

func create(path, content string) ledger.Change {
	return ledger.Change{Op: ledger.OpCreate, Path: path, Content: []byte(content)}
}

func update(path, content, was string) ledger.Change {
	return ledger.Change{Op: ledger.OpUpdate, Path: path, Content: []byte(content), SHA: ledger.BlobSHA([]byte(was))}
}

func remove(path, was string) ledger.Change {
	return ledger.Change{Op: ledger.OpDelete, Path: path, SHA: ledger.BlobSHA([]byte(was))}
}

// gitCLI runs the real git command line on the repository and returns its
// standard output.
func gitCLI(t *testing.T, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("these tests check the repository with the git command line, which is not installed: %v", err)
	}
	cmd := exec.Command("git", args...)
	cmd.Env = append(cmd.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return string(out)
}
