package ledgertest

import (
	"bytes"
	_ "embed"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// oldLayoutBundle is the history of a community's ledger written by the
// code before index shards, whose indexes are single files: see
// testdata/README.md for what is in it and how it was made.
//
//go:embed testdata/old-layout.bundle
var oldLayoutBundle []byte

// ReplayOldLayout commits the history of testdata/old-layout.bundle onto
// st, a store on a fresh ledger branch: each commit with the same changes,
// message and author, so that the branch carries the old code's files and
// audit trailers as a community running it has them. The store's own first
// commit stands for the bundle's (both only add the README). It returns the
// new head.
func ReplayOldLayout(t testing.TB, st ledger.Store) string {
	t.Helper()
	dir := t.TempDir()
	bundle := filepath.Join(dir, "old-layout.bundle")
	if err := os.WriteFile(bundle, oldLayoutBundle, 0o600); err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(dir, "old.git")
	gitOut(t, "", "clone", "-q", "--bare", bundle, repo)
	var head string
	for _, line := range strings.Split(strings.TrimSpace(gitOut(t, repo, "rev-list", "--reverse", "--parents", "main")), "\n") {
		ids := strings.Fields(line)
		if len(ids) > 2 {
			t.Fatalf("the bundle's commit %s is a merge; its history must be a line", ids[0])
		}
		c := oldCommit(t, repo, ids[0], ids[1:])
		if len(ids) == 1 {
			c.Changes = onFreshBranch(t, st, c.Changes)
			if len(c.Changes) == 0 {
				continue
			}
		}
		res, err := st.Commit(t.Context(), c)
		if err != nil {
			t.Fatalf("replaying %s (%q): %v", ids[0], firstLine(c.Message), err)
		}
		head = res.Commit
	}
	// The replay is only as good as its last tree: every file as the old
	// code left it.
	tree, err := st.Tree(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(gitOut(t, repo, "ls-tree", "-r", "main")), "\n") {
		meta, path, _ := strings.Cut(line, "\t")
		want[path] = strings.Fields(meta)[2]
	}
	if len(tree.Files) != len(want) {
		t.Fatalf("the replayed branch has %d files, the bundle %d", len(tree.Files), len(want))
	}
	for p, sha := range want {
		if tree.Files[p] != sha {
			t.Fatalf("replayed %s has blob %s, the bundle %s", p, tree.Files[p], sha)
		}
	}
	return head
}

// oldCommit reads commit id of repo as a ledger.Commit against its parent.
func oldCommit(t testing.TB, repo, id string, parent []string) ledger.Commit {
	t.Helper()
	raw := gitOut(t, repo, "cat-file", "commit", id)
	_, msg, _ := strings.Cut(raw, "\n\n")
	who := strings.SplitN(gitOut(t, repo, "log", "-1", "--format=%an%x00%ae", id), "\x00", 2)
	c := ledger.Commit{Message: msg, Author: ledger.Signature{Name: who[0], Email: strings.TrimSpace(who[1])}}
	args := []string{"diff-tree", "-r", "-z", "--no-renames", "--no-commit-id", "--name-status"}
	if len(parent) == 0 {
		args = append(args, "--root", id)
	} else {
		args = append(args, parent[0], id)
	}
	fields := strings.Split(strings.TrimSuffix(gitOut(t, repo, args...), "\x00"), "\x00")
	for i := 0; i+1 < len(fields); i += 2 {
		status, path := fields[i], fields[i+1]
		switch status {
		case "A":
			c.Changes = append(c.Changes, ledger.Change{Op: ledger.OpCreate, Path: path, Content: blob(t, repo, id, path)})
		case "M":
			c.Changes = append(c.Changes, ledger.Change{Op: ledger.OpUpdate, Path: path, Content: blob(t, repo, id, path),
				SHA: strings.TrimSpace(gitOut(t, repo, "rev-parse", parent[0]+":"+path))})
		case "D":
			c.Changes = append(c.Changes, ledger.Change{Op: ledger.OpDelete, Path: path,
				SHA: strings.TrimSpace(gitOut(t, repo, "rev-parse", parent[0]+":"+path))})
		default:
			t.Fatalf("commit %s: change %q of %s is not one a ledger store makes", id, status, path)
		}
	}
	return c
}

// onFreshBranch adapts the bundle's first commit to a branch the store
// has started itself: a file it already holds as the bundle has it is left
// out, one it holds otherwise is updated.
func onFreshBranch(t testing.TB, st ledger.Store, changes []ledger.Change) []ledger.Change {
	t.Helper()
	tree, err := st.Tree(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	var out []ledger.Change
	for _, c := range changes {
		sha, ok := tree.Files[c.Path]
		switch {
		case !ok:
			out = append(out, c)
		case sha != ledger.BlobSHA(c.Content):
			out = append(out, ledger.Change{Op: ledger.OpUpdate, Path: c.Path, Content: c.Content, SHA: sha})
		}
	}
	return out
}

func blob(t testing.TB, repo, commit, path string) []byte {
	t.Helper()
	return []byte(gitOut(t, repo, "cat-file", "blob", commit+":"+path))
}

func gitOut(t testing.TB, dir string, args ...string) string {
	t.Helper()
	if dir != "" {
		args = append([]string{"-C", dir}, args...)
	}
	cmd := exec.Command("git", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
