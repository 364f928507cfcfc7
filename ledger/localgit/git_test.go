package localgit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// TestGitReadsRepository checks the repository with the git command line:
// one commit per Commit, the content as written, and objects git accepts.
func TestGitReadsRepository(t *testing.T) {
	s, path := newRepo(t)
	page := "---\ntitle: Build the ledger\n---\nLine with \"quotes\", commas\r\nand ünïcödé.\n"
	mustCommit(t, s, "Create task 6_1_1_1", create("pages/tasks/6_1_1_1.md", page), create("indexes/tasks.csv", "task_id\n6_1_1_1\n"))
	mustCommit(t, s, "Claim task 6_1_1_1", update("indexes/tasks.csv", "task_id,attacker\n6_1_1_1,ana\n", "task_id\n6_1_1_1\n"))
	last := mustCommit(t, s, "Drop the index", remove("indexes/tasks.csv", "task_id,attacker\n6_1_1_1,ana\n"))

	log := strings.Split(strings.TrimSpace(gitCLI(t, "-C", path, "log", "--format=%H %an <%ae> %s", "main")), "\n")
	want := []string{
		last.Commit + " Test Writer <writer@example.invalid> Drop the index",
		"Claim task 6_1_1_1",
		"Create task 6_1_1_1",
		"Start the Engelbot ledger",
	}
	if len(log) != len(want) {
		t.Fatalf("git log shows %d commits, want %d:\n%s", len(log), len(want), strings.Join(log, "\n"))
	}
	for i, w := range want {
		if !strings.HasSuffix(log[i], w) {
			t.Errorf("git log line %d = %q, want it to end with %q", i, log[i], w)
		}
	}
	if oneline := strings.Count(gitCLI(t, "-C", path, "log", "--oneline"), "\n"); oneline != len(want) {
		t.Errorf("git log --oneline shows %d lines, want %d", oneline, len(want))
	}
	if got := gitCLI(t, "-C", path, "show", "main:pages/tasks/6_1_1_1.md"); got != page {
		t.Errorf("git show main:pages/tasks/6_1_1_1.md = %q, want %q", got, page)
	}
	if got := gitCLI(t, "-C", path, "show", "main:README.md"); !strings.Contains(got, "Engelbot ledger") {
		t.Errorf("the README does not say this is an Engelbot ledger:\n%s", got)
	}
	// fsck --strict rejects mis-sorted trees, bad modes and bad idents.
	gitCLI(t, "-C", path, "fsck", "--strict", "--no-dangling")
	if bare := strings.TrimSpace(gitCLI(t, "-C", path, "rev-parse", "--is-bare-repository")); bare != "true" {
		t.Errorf("git rev-parse --is-bare-repository = %q, want true", bare)
	}
}

// TestGitWritesAreSeen pushes a commit with the git command line and checks
// that the store sees it, and refuses a change computed before it.
func TestGitWritesAreSeen(t *testing.T) {
	s, path := newRepo(t)
	mustCommit(t, s, "Create the wallet", create("wallet.csv", "sc\n1\n"))

	work := filepath.Join(t.TempDir(), "work")
	gitCLI(t, "clone", "--quiet", path, work)
	if err := os.WriteFile(filepath.Join(work, "wallet.csv"), []byte("sc\n2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitCLI(t, "-C", work, "-c", "user.name=Git", "-c", "user.email=git@example.invalid", "commit", "--quiet", "-am", "Edit by git")
	gitCLI(t, "-C", work, "push", "--quiet", "origin", "main")

	pushed := strings.TrimSpace(gitCLI(t, "-C", path, "rev-parse", "main"))
	if h := mustHead(t, s); h != pushed {
		t.Errorf("Head = %s, want the commit git pushed, %s", h, pushed)
	}
	f, err := s.ReadFile(t.Context(), "wallet.csv")
	if err != nil || string(f.Content) != "sc\n2\n" {
		t.Errorf("ReadFile(wallet.csv) = %q, %v; want the content git pushed", f.Content, err)
	}
	_, err = s.Commit(t.Context(), ledger.Commit{Message: "Update from before git", Changes: []ledger.Change{update("wallet.csv", "sc\n3\n", "sc\n1\n")}})
	if !errors.Is(err, ledger.ErrConflict) {
		t.Errorf("an update computed before the push: %v, want ledger.ErrConflict", err)
	}
	mustCommit(t, s, "Update after git", update("wallet.csv", "sc\n3\n", "sc\n2\n"))
	gitCLI(t, "-C", path, "fsck", "--strict", "--no-dangling")
}

// TestGitGCIsSeen packs and prunes the repository with git gc while the
// store has the list of packs loaded: the objects it reads move from loose
// files into a pack it has not seen, then into another.
func TestGitGCIsSeen(t *testing.T) {
	s, path := newRepo(t)
	mustCommit(t, s, "Before gc", create("pages/a.md", "a\n"), create("indexes/a.csv", "a\n"))
	// Looking for a commit that does not exist loads the (empty) pack list.
	if _, err := s.Tree(t.Context(), strings.Repeat("ab", 20)); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("Tree(unknown commit) = %v, want ledger.ErrNotFound", err)
	}
	for round := range 2 {
		gitCLI(t, "-C", path, "gc", "--quiet", "--prune=now")
		f, err := s.ReadFile(t.Context(), "pages/a.md")
		if err != nil || string(f.Content) != "a\n" {
			t.Fatalf("round %d: ReadFile after git gc = %q, %v", round, f.Content, err)
		}
		if _, err := s.Tree(t.Context(), ""); err != nil {
			t.Fatalf("round %d: Tree after git gc: %v", round, err)
		}
		mustCommit(t, s, fmt.Sprintf("After gc %d", round), create(fmt.Sprintf("pages/gc%d.md", round), "x\n"))
	}
	gitCLI(t, "-C", path, "fsck", "--strict", "--no-dangling")
}
