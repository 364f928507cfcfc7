package ledgertest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
)

// Append-only files roll over to a new shard when full and each month; a
// write touches only the newest shard; everything reads back after a
// restart, transactions included.
func (s suite) testJournalsRollOver(t *testing.T) {
	st := s.newStore(t)
	now := time.Date(2026, 10, 30, 12, 0, 0, 0, time.UTC)
	rec := &recordingStore{Store: st}
	open := func() *ledger.Ledger {
		return openWith(t, rec, ledger.Options{ShardRows: 3, Clock: func() time.Time { return now }})
	}
	l := open()
	award := func(i int) {
		t.Helper()
		_, err := l.Apply(t.Context(), ledger.Mutation{
			EventID: fmt.Sprintf("$k%d", i), Actor: "bob", Command: "!award_sk",
			Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
				id := tx.AppendSK(ledger.SKTx{Alias: "carol", Category: "code_review", Amount: 5, By: "bob"})
				tx.AppendSC(ledger.SCTx{Alias: "carol", Task: "6_1_1_1", Kind: ledger.SCPending, Amount: i})
				return ledger.Outcome{Action: "sk.award", Target: id, Reply: "ok"}, nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range 4 {
		award(i)
	}
	now = now.AddDate(0, 0, 3) // November
	award(4)

	tree, err := st.Tree(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	var shards []string
	for p := range tree.Files {
		if strings.HasPrefix(p, ledger.EventsDir+"/") {
			shards = append(shards, p)
		}
	}
	want := map[string]bool{"master-events/2026-10-001.csv": true, "master-events/2026-10-002.csv": true, "master-events/2026-11-001.csv": true}
	if len(shards) != 3 || !want[shards[0]] || !want[shards[1]] || !want[shards[2]] {
		t.Fatalf("master-events shards %v, want %v", shards, want)
	}
	last := rec.commits[len(rec.commits)-1]
	for _, ch := range last.Changes {
		if strings.Contains(ch.Path, "2026-10") {
			t.Errorf("a November write touched %s", ch.Path)
		}
	}
	l.Close()

	l = open()
	defer l.Close()
	tx := l.Current().Read()
	var sk, sc int
	var ids []string
	for r := range tx.SKTxs() {
		sk += r.Amount
		ids = append(ids, r.ID)
	}
	for r := range tx.SCTxs() {
		sc += r.Amount
	}
	if sk != 25 || sc != 0+1+2+3+4 || ids[0] != "sk_1" || ids[4] != "sk_5" {
		t.Fatalf("after a restart: SK %d (ids %v), SC %d", sk, ids, sc)
	}
	if e, ok := l.Current().Applied("$k4"); !ok || e.Seq != 5 || !strings.Contains(e.Files, ledger.SKDir) {
		t.Fatalf("audit row of the last award: %+v", e)
	}
}
