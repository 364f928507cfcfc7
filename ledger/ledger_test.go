package ledger_test

import (
	"testing"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/ledgertest"
	"smartup0.org/engelbot/ledger/localgit"
)

// The ledger's behaviour on the local git backend; forgejo runs the same
// suite against a real forge.
func TestLedgerOnLocalGit(t *testing.T) {
	ledgertest.Run(t, func(t *testing.T) ledger.Store {
		st, err := localgit.Open(t.TempDir()+"/ledger.git", "main")
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}
