package storetest

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
)

func author() ledger.Signature {
	return ledger.Signature{Name: "Storetest", Email: "storetest@example.invalid"}
}

func create(path, content string) ledger.Change {
	return ledger.Change{Op: ledger.OpCreate, Path: path, Content: []byte(content)}
}

func update(path, content, sha string) ledger.Change {
	return ledger.Change{Op: ledger.OpUpdate, Path: path, Content: []byte(content), SHA: sha}
}

func remove(path, sha string) ledger.Change {
	return ledger.Change{Op: ledger.OpDelete, Path: path, SHA: sha}
}

func head(t *testing.T, s ledger.Store) string {
	t.Helper()
	h, err := s.Head(t.Context())
	if err != nil {
		t.Fatalf("Head: %v", err)
	}
	if h == "" {
		t.Fatal("Head returned an empty commit ID")
	}
	return h
}

func tree(t *testing.T, s ledger.Store, commit string) ledger.Tree {
	t.Helper()
	tr, err := s.Tree(t.Context(), commit)
	if err != nil {
		t.Fatalf("Tree(%q): %v", commit, err)
	}
	return tr
}

func read(t *testing.T, s ledger.Store, path string) ledger.File {
	t.Helper()
	f, err := s.ReadFile(t.Context(), path)
	if err != nil {
		t.Fatalf("ReadFile(%q): %v", path, err)
	}
	return f
}

// commit makes a commit that must succeed, and checks that the head moved
// from where it was to the commit the store reported.
func commit(t *testing.T, s ledger.Store, msg string, changes ...ledger.Change) ledger.CommitResult {
	t.Helper()
	before := head(t, s)
	res, err := s.Commit(t.Context(), ledger.Commit{Message: msg, Author: author(), Changes: changes})
	if err != nil {
		t.Fatalf("Commit(%q): %v", msg, err)
	}
	if res.Commit == "" || res.Commit == before {
		t.Fatalf("Commit(%q) reported commit %q; the head before it was %q", msg, res.Commit, before)
	}
	if after := head(t, s); after != res.Commit {
		t.Fatalf("after Commit(%q) the head is %q, but the commit reported %q", msg, after, res.Commit)
	}
	return res
}

// conflict makes a commit that must fail with ErrConflict and leave the
// head where it was.
func conflict(t *testing.T, s ledger.Store, msg string, changes ...ledger.Change) {
	t.Helper()
	before := head(t, s)
	res, err := s.Commit(t.Context(), ledger.Commit{Message: msg, Author: author(), Changes: changes})
	if !errors.Is(err, ledger.ErrConflict) {
		t.Fatalf("Commit(%q) = %+v, %v; want an error wrapping ledger.ErrConflict", msg, res, err)
	}
	if after := head(t, s); after != before {
		t.Fatalf("a rejected Commit(%q) moved the head from %q to %q", msg, before, after)
	}
}

// hasContent checks a file's bytes and that its SHA is the git blob SHA.
func hasContent(t *testing.T, s ledger.Store, path, want string) {
	t.Helper()
	f := read(t, s, path)
	if string(f.Content) != want {
		t.Errorf("ReadFile(%q) content = %q, want %q", path, f.Content, want)
	}
	if wantSHA := ledger.BlobSHA([]byte(want)); f.SHA != wantSHA {
		t.Errorf("ReadFile(%q) SHA = %q, want the blob SHA %q", path, f.SHA, wantSHA)
	}
	if f.Path != path {
		t.Errorf("ReadFile(%q) Path = %q", path, f.Path)
	}
}

func notFound(t *testing.T, s ledger.Store, path string) {
	t.Helper()
	f, err := s.ReadFile(t.Context(), path)
	if !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("ReadFile(%q) = %q, %v; want an error wrapping ledger.ErrNotFound", path, f.Content, err)
	}
}

// files is a listing as a Tree should give it: base's files, plus the
// given files (path → content) with their blob SHAs, minus gone.
func files(base map[string]string, with map[string]string, gone ...string) map[string]string {
	out := maps.Clone(base)
	for p, content := range with {
		out[p] = ledger.BlobSHA([]byte(content))
	}
	for _, p := range gone {
		delete(out, p)
	}
	return out
}

// sameFiles reports every difference between a Tree and the listing wanted.
func sameFiles(t *testing.T, got ledger.Tree, want map[string]string) {
	t.Helper()
	var diffs []string
	for _, p := range slices.Sorted(maps.Keys(want)) {
		switch sha, ok := got.Files[p]; {
		case !ok:
			diffs = append(diffs, "missing "+p)
		case sha != want[p]:
			diffs = append(diffs, p+" has SHA "+sha+", want "+want[p])
		}
	}
	for _, p := range slices.Sorted(maps.Keys(got.Files)) {
		if _, ok := want[p]; !ok {
			diffs = append(diffs, "unexpected "+p)
		}
	}
	if len(diffs) > 0 {
		t.Errorf("Tree at %s differs:\n  %s", got.Commit, strings.Join(diffs, "\n  "))
	}
}
