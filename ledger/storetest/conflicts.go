package storetest

import (
	"testing"

	"smartup0.org/engelbot/ledger"
)

func createOnExistingPathConflicts(t *testing.T, s ledger.Store) {
	commit(t, s, "storetest: create", create("exists/owners.csv", "alias\nana\n"))
	cases := []struct {
		name    string
		changes []ledger.Change
	}{
		{"alone", []ledger.Change{create("exists/owners.csv", "alias\nbob\n")}},
		{"after a new file", []ledger.Change{
			create("exists/new.md", "new\n"),
			create("exists/owners.csv", "alias\nbob\n"),
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conflict(t, s, "storetest: create again", c.changes...)
			hasContent(t, s, "exists/owners.csv", "alias\nana\n")
			notFound(t, s, "exists/new.md")
		})
	}
}

// staleSHARejectsWholeCommit sends commits whose every change is valid but
// one, in first or last place: none of it may land.
func staleSHARejectsWholeCommit(t *testing.T, s ledger.Store) {
	commit(t, s, "storetest: setup",
		create("stale/a.csv", "a1\n"),
		create("stale/b.csv", "b1\n"),
	)
	commit(t, s, "storetest: move a on", update("stale/a.csv", "a2\n", ledger.BlobSHA([]byte("a1\n"))))
	staleA := ledger.BlobSHA([]byte("a1\n"))
	goodB := update("stale/b.csv", "b2\n", ledger.BlobSHA([]byte("b1\n")))
	newC := create("stale/c.md", "c\n")

	cases := []struct {
		name    string
		changes []ledger.Change
	}{
		{"update from an old SHA, last", []ledger.Change{newC, goodB, update("stale/a.csv", "a3\n", staleA)}},
		{"update from an old SHA, first", []ledger.Change{update("stale/a.csv", "a3\n", staleA), goodB, newC}},
		{"delete from an old SHA", []ledger.Change{newC, goodB, remove("stale/a.csv", staleA)}},
		{"update from a SHA never seen", []ledger.Change{newC, goodB, update("stale/a.csv", "a3\n", ledger.BlobSHA([]byte("never\n")))}},
		{"update of a file that does not exist", []ledger.Change{newC, goodB, update("stale/gone.csv", "x\n", staleA)}},
		{"delete of a file that does not exist", []ledger.Change{newC, goodB, remove("stale/gone.csv", staleA)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conflict(t, s, "storetest: "+c.name, c.changes...)
			hasContent(t, s, "stale/a.csv", "a2\n")
			hasContent(t, s, "stale/b.csv", "b1\n")
			notFound(t, s, "stale/c.md")
			notFound(t, s, "stale/gone.csv")
		})
	}
}
