package ledgertest

import (
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// treasuryLedger holds two movements: €1,500.50 in, €500.25 out, with
// 30 SC outstanding at the second.
func (s suite) treasuryLedger(t *testing.T) (ledger.Store, *ledger.Ledger) {
	t.Helper()
	st := s.newStore(t)
	l := openOn(t, st)
	applyFunc(t, l, "$dep", func(tx *ledger.Tx) {
		tx.AppendTreasury(ledger.TreasuryTx{Kind: ledger.TreasuryDeposit, Delta: 150050, Note: "=seed money, from the founders", By: "alice"})
	})
	applyFunc(t, l, "$wd", func(tx *ledger.Tx) {
		tx.AppendTreasury(ledger.TreasuryTx{Kind: ledger.TreasuryWithdrawal, Delta: -50025, SCOutstanding: 30, Note: "hosting", By: "alice"})
	})
	return st, l
}

// Treasury rows are a journal of their own: the running balance is the
// ledger's to compute, the file holds exact cents with two decimals, and
// the rows read back after a restart with their audit rows.
func (s suite) testTreasuryJournal(t *testing.T) {
	st, l := s.treasuryLedger(t)
	if ps := l.Current().Verify(); len(ps) != 0 {
		t.Fatalf("problems in a sound treasury: %v", ps)
	}
	tree, err := st.Tree(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	var shard string
	for p := range tree.Files {
		if strings.HasPrefix(p, ledger.TreasuryDir+"/") {
			shard = p
		}
	}
	f, err := st.ReadFile(t.Context(), shard)
	if err != nil {
		t.Fatalf("no treasury shard (%q): %v", shard, err)
	}
	want := "tx_id,timestamp,event_type,amount_eur_delta,total_eur_balance,sc_outstanding,sc_liability_eur,ratio,notes,by,event_id\n"
	if !strings.HasPrefix(string(f.Content), want) ||
		!strings.Contains(string(f.Content), ",deposit,1500.50,1500.50,0,0.00,0.00,\"'=seed money, from the founders\",alice,$dep\n") ||
		!strings.Contains(string(f.Content), ",withdrawal,-500.25,1000.25,30,30.00,0.03,hosting,alice,$wd\n") {
		t.Fatalf("the treasury shard reads:\n%s", f.Content)
	}
	again := openOn(t, st)
	tx := again.Current().Read()
	if b := tx.TreasuryBalance(); b != 100025 {
		t.Fatalf("after a restart the balance is %s, want 1000.25", b)
	}
	var notes []string
	for r := range tx.TreasuryTxs() {
		notes = append(notes, r.ID+" "+r.Note)
	}
	if strings.Join(notes, "|") != "tr_1 =seed money, from the founders|tr_2 hosting" {
		t.Fatalf("rows read back as %q", notes)
	}
	if e, ok := again.Current().Applied("$wd"); !ok || !strings.Contains(e.Files, ledger.TreasuryDir) {
		t.Fatalf("the withdrawal's audit row does not list the treasury: %+v", e)
	}
}

// A total that is not the previous total plus the delta is reported, and
// so is a row whose audit row is missing.
func (s suite) testVerifyCatchesABrokenTreasuryBalance(t *testing.T) {
	st, _ := s.treasuryLedger(t)
	tree, err := st.Tree(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	var shard string
	for p := range tree.Files {
		if strings.HasPrefix(p, ledger.TreasuryDir+"/") {
			shard = p
		}
	}
	handEdit(t, st, shard, func(s string) string {
		s = strings.Replace(s, "-500.25,1000.25,", "-500.25,9000.25,", 1)
		return strings.Replace(s, ",$dep\n", ",$nowhere\n", 1)
	})
	got := problems(t, st)
	for _, want := range []string{
		"(tr_2): total_eur_balance 9000.25, but the previous total 1500.50 plus -500.25 is 1000.25",
		"(tr_2): ratio \"0.03\", but 30 SC over 9000.25 EUR is \"0.01\"",
		"(tr_1): event $nowhere has no audit row in master-events",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("verify does not report %q:\n%s", want, got)
		}
	}
}
