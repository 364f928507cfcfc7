package forgejo

import (
	"testing"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/ledgertest"
)

// The ledger's behaviour suite on a real Gitea: the same tests the local
// backend passes, a fresh repository per test.
func TestLedgerOnGitea(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	ledgertest.Run(t, func(t *testing.T) ledger.Store {
		c, _ := f.repo(t, "")
		return c
	})
}
