// Package ledgertest is the behaviour suite of the ledger — law order,
// exactly-once, group commit, conflicts re-run on fresh data, freshness,
// sharded journals, verify, migrating a ledger of the old layout — run
// against every storage backend by that backend's own tests, so both are
// held to the same contract.
//
// It holds tests only; nothing in production imports it.
package ledgertest

import (
	"testing"

	"smartup0.org/engelbot/ledger"
)

// suite carries the store factory through the tests.
type suite struct {
	newStore func(t *testing.T) ledger.Store
}

// Run runs the suite; newStore must return a store on a fresh branch with
// no ledger files, each time it is called.
func Run(t *testing.T, newStore func(t *testing.T) ledger.Store) {
	s := suite{newStore: newStore}
	for _, tc := range []struct {
		name string
		run  func(t *testing.T)
	}{
		{"ApplyWritesOneCommitInLawOrder", s.testApplyWritesOneCommitInLawOrder},
		{"ExactlyOnce", s.testExactlyOnce},
		{"RefusalWritesNothing", s.testRefusalWritesNothing},
		{"GroupCommit", s.testGroupCommit},
		{"ConflictReRunsTheRule", s.testConflictReRunsTheRule},
		{"SnapshotSeesOutsideCommits", s.testSnapshotSeesOutsideCommits},
		{"AuditChain", s.testAuditChain},
		{"FreshnessReadsOnlyWhatChanged", s.testFreshnessReadsOnlyWhatChanged},
		{"PersistentFailureEndsInUnavailable", s.testPersistentFailureEndsInUnavailable},
		{"JournalsRollOver", s.testJournalsRollOver},
		{"VerifyCatchesAnEditedPastRow", s.testVerifyCatchesAnEditedPastRow},
		{"VerifyCatchesARemovedRow", s.testVerifyCatchesARemovedRow},
		{"VerifyCatchesOrphanAndMissingPages", s.testVerifyCatchesOrphanAndMissingPages},
		{"VerifyRecomputesSC", s.testVerifyRecomputesSC},
		{"TreasuryJournal", s.testTreasuryJournal},
		{"VerifyCatchesABrokenTreasuryBalance", s.testVerifyCatchesABrokenTreasuryBalance},
		{"VotesJournal", s.testVotesJournal},
		{"VerifyCatchesAForgedVote", s.testVerifyCatchesAForgedVote},
		{"VerifyCatchesAForgedWeightAndAStranger", s.testVerifyCatchesAForgedWeightAndAStranger},
		{"VerifyCatchesAResultTheTallyDoesNotGive", s.testVerifyCatchesAResultTheTallyDoesNotGive},
		{"VerifyHistoryCatchesAHandEdit", s.testVerifyHistoryCatchesAHandEdit},
		{"TasksOfFollowsChanges", s.testTasksOfFollowsChanges},
		{"RunningSumsMatchARecompute", s.testRunningSumsMatchARecompute},
		{"IndexShardsStayBounded", s.testIndexShardsStayBounded},
		{"MissingShardIsRefused", s.testMissingShardIsRefused},
		{"PackedSessionsReadBack", s.testPackedSessionsReadBack},
		{"MigrateAnOldLedger", s.testMigrateAnOldLedger},
	} {
		t.Run(tc.name, tc.run)
	}
}
