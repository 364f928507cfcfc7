package storetest

import (
	"testing"

	"smartup0.org/engelbot/ledger"
)

func headIsStableWithoutWrites(t *testing.T, s ledger.Store) {
	first := head(t, s)
	// Reads in between must not move the head.
	tr := tree(t, s, "")
	if tr.Commit != first {
		t.Errorf("Tree(\"\").Commit = %q, want the head %q", tr.Commit, first)
	}
	notFound(t, s, "storetest/never-written.csv")
	if again := head(t, s); again != first {
		t.Errorf("Head moved from %q to %q without a commit", first, again)
	}
}

func headMovesOncePerCommit(t *testing.T, s ledger.Store) {
	h0 := head(t, s)
	base := tree(t, s, "")
	c1 := commit(t, s, "storetest: first", create("moves/a.csv", "one\n"))
	if again := head(t, s); again != c1.Commit {
		t.Errorf("Head moved again to %q after the commit %q, without a write", again, c1.Commit)
	}
	c2 := commit(t, s, "storetest: second", update("moves/a.csv", "two\n", ledger.BlobSHA([]byte("one\n"))))
	if c2.Commit == h0 {
		t.Errorf("the second commit reported the initial head %q", h0)
	}
	// Parent tells the writer whether anyone committed in between.
	if c1.Parent != h0 || c2.Parent != c1.Commit {
		t.Errorf("parents %q and %q, want %q and %q", c1.Parent, c2.Parent, h0, c1.Commit)
	}
	// The commits before stay as they were.
	sameFiles(t, tree(t, s, h0), base.Files)
	sameFiles(t, tree(t, s, c1.Commit), files(base.Files, map[string]string{"moves/a.csv": "one\n"}))
}
