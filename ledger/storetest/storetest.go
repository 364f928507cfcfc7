// Package storetest is the contract every ledger.Store must meet, run by
// each backend's own tests against that backend: the local git store in
// milliseconds, the forge against a real server.
//
// It checks only what the ledger.Store interface promises, so it must not
// reach into a backend (no git commands, no forge API calls), and it keeps
// the number of commits modest (about 30) because a forge commit costs
// a good fraction of a second.
package storetest

import (
	"testing"

	"smartup0.org/engelbot/ledger"
)

// Run runs the contract against stores made by newStore; each call must
// return a store on a fresh, empty branch that already has at least one
// commit (an initial commit with no ledger files, or a README).
func Run(t *testing.T, newStore func(t *testing.T) ledger.Store) {
	t.Helper()
	for _, c := range contract() {
		t.Run(c.name, func(t *testing.T) {
			c.run(t, newStore(t))
		})
	}
}

type clause struct {
	name string
	run  func(t *testing.T, s ledger.Store)
}

func contract() []clause {
	return []clause{
		{"HeadIsStableWithoutWrites", headIsStableWithoutWrites},
		{"HeadMovesOncePerCommit", headMovesOncePerCommit},
		{"ReadFileReturnsExactBytes", readFileReturnsExactBytes},
		{"ReadFileOfMissingFileIsNotFound", readFileOfMissingFileIsNotFound},
		{"TreeListsFilesAtHeadAndOlderCommits", treeListsFilesAtHeadAndOlderCommits},
		{"CreateOnExistingPathConflicts", createOnExistingPathConflicts},
		{"StaleSHARejectsWholeCommit", staleSHARejectsWholeCommit},
		{"UpdateWithCurrentSHA", updateWithCurrentSHA},
		{"DeleteRemovesFile", deleteRemovesFile},
		{"MultiFileCommitIsOneCommit", multiFileCommitIsOneCommit},
		{"ConcurrentCommitsOfNewFiles", concurrentCommitsOfNewFiles},
		{"ConcurrentUpdatesOfOneFile", concurrentUpdatesOfOneFile},
		{"HistoryListsCommitsNewestFirst", historyListsCommitsNewestFirst},
	}
}
