package forgejo

import (
	"testing"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/storetest"
)

// The shared ledger.Store contract, against a real Gitea: one forge for the
// run, a fresh repository (with its initial README commit) per clause.
// History asks for two commits a page, so that the contract's few commits
// span several pages.
func TestContract(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	storetest.Run(t, func(t *testing.T) ledger.Store {
		c, _ := f.repo(t, "")
		c.historyLimit = 2
		return c
	})
}
