package ledger

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// syntheticJournals makes SC and SK journals of a long-lived community:
// owners owners, scRows SC rows (each task's pending row, and later the row
// that settles it, mostly awarded, the newest still open) and skRows SK
// rows, in shards of DefaultShardRows.
func syntheticJournals(owners, scRows, skRows int) (journal[SCTx], journal[SKTx]) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	alias := func(i int) string { return fmt.Sprintf("owner%05d", i%owners) }
	var sc []SCTx
	for i := 0; len(sc) < scRows; i++ {
		id := fmt.Sprintf("sc_%d", len(sc)+1)
		sc = append(sc, SCTx{ID: id, Time: t0, Alias: alias(i), Task: "6_1_1_1", Kind: SCPending, Amount: 45, Share: Attacker})
		if len(sc) < scRows-200 { // the last hundred or so stay open
			kind := SCAwarded
			if i%50 == 0 {
				kind = SCContested
			}
			sc = append(sc, SCTx{ID: fmt.Sprintf("sc_%d", len(sc)+1), Time: t0, Alias: alias(i), Task: "6_1_1_1", Kind: kind, Amount: 45, Ref: id})
		}
	}
	var sk []SKTx
	for i := range skRows {
		sk = append(sk, SKTx{ID: fmt.Sprintf("sk_%d", i+1), Time: t0, Alias: alias(i * 7), Category: "code_review", Amount: 5})
	}
	return journal[SCTx]{dir: SCDir, shards: shardsOf(SCDir, sc)}, journal[SKTx]{dir: SKDir, shards: shardsOf(SKDir, sk)}
}

func shardsOf[R journalRow](dir string, rows []R) []*shard[R] {
	var out []*shard[R]
	for i := 0; i < len(rows); i += DefaultShardRows {
		end := min(i+DefaultShardRows, len(rows))
		out = append(out, &shard[R]{path: fmt.Sprintf("%s/2026-01-%03d.csv", dir, len(out)+1), rows: rows[i:end], n: end - i})
	}
	return out
}

func syntheticSnapshot(owners, scRows, skRows int) *Snapshot {
	sc, sk := syntheticJournals(owners, scRows, skRows)
	s := &Snapshot{sc: sc, sk: sk}
	for _, f := range indexes {
		if err := f.load(context.Background(), nil, &s.tables, nil, nil, nil, cowMap[string]{}, DefaultShardRows); err != nil {
			panic(err)
		}
	}
	s.sums = buildSums(s.sc.all(), s.sk.all())
	return s
}

// Running sums that do not match the transactions are reported, owner by
// owner and for the community.
func TestVerifySumsCatchesSumsThatDisagree(t *testing.T) {
	s := syntheticSnapshot(20, 400, 100)
	if ps := s.verifySums(); len(ps) != 0 {
		t.Fatalf("problems in sums built from the same rows: %v", ps)
	}
	// Sums that missed the newest row, as a commit whose rows were not
	// added would leave them.
	var rows []SCTx
	for r := range s.sc.all() {
		rows = append(rows, r)
	}
	last := rows[len(rows)-1]
	s.sums = buildSums(func(yield func(SCTx) bool) {
		for _, r := range rows[:len(rows)-1] {
			if !yield(r) {
				return
			}
		}
	}, s.sk.all())
	got := fmt.Sprint(s.Verify())
	right := s.recomputeBalances()[last.Alias]
	short := right
	short.SCPending -= last.Amount
	want := fmt.Sprintf("balance of %s: the running sums say %s, the transactions say %s", last.Alias, describe(short), describe(right))
	if !strings.Contains(got, want) || !strings.Contains(got, "community totals: ") {
		t.Fatalf("the missed row is not reported; got %s", got)
	}
}

// A commit's sums share every bucket it did not touch with the sums
// before, and leave those as they were.
func TestSumsCommitCopiesOnlyWhatItChanges(t *testing.T) {
	s := syntheticSnapshot(10000, 20000, 1000)
	before := s.sums
	bob, _ := before.owners.get("owner00001")
	next := before.added(func(yield func(SCTx) bool) {
		yield(SCTx{ID: "sc_20001", Alias: "owner00001", Kind: SCAwarded, Amount: 7, Ref: "sc_nothing"})
	}, func(func(SKTx) bool) {})
	if got, _ := before.owners.get("owner00001"); got != bob {
		t.Fatalf("the commit changed the sums before it: %+v, was %+v", got, bob)
	}
	if got, _ := next.owners.get("owner00001"); got.SCAwarded != bob.SCAwarded+7 {
		t.Fatalf("awarded after the commit %d, want %d", got.SCAwarded, bob.SCAwarded+7)
	}
	shared := 0
	for i := range cowBuckets {
		if fmt.Sprintf("%p", before.owners.b[i]) == fmt.Sprintf("%p", next.owners.b[i]) {
			shared++
		}
	}
	if shared != cowBuckets-1 {
		t.Fatalf("%d of %d owner buckets shared, want all but the one changed", shared, cowBuckets)
	}
}

// BenchmarkWallet times one owner's balance, as !wallet reads it, on a
// ledger of 10,000 owners, 400,000 SC and 100,000 SK rows: from the
// running sums (ns/op), and by the recompute verify uses (recompute-ns/op),
// with their ratio.
func BenchmarkWallet(b *testing.B) {
	s := syntheticSnapshot(10000, 400000, 100000)
	tx := s.Read()
	const alias = "owner04242"
	want := balances(tx.SCTxs(), tx.SKTxs(), func(a string) bool { return a == alias })[alias]
	if got := tx.Balance(alias); got != want {
		b.Fatalf("running sums %+v, recompute %+v", got, want)
	}
	const slowRuns = 5
	start := time.Now()
	for range slowRuns {
		_ = balances(tx.SCTxs(), tx.SKTxs(), func(a string) bool { return a == alias })[alias]
	}
	slow := float64(time.Since(start).Nanoseconds()) / slowRuns
	b.ResetTimer()
	for b.Loop() {
		_ = tx.Balance(alias)
	}
	fast := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(slow, "recompute-ns/op")
	b.ReportMetric(slow/fast, "speedup")
}

// BenchmarkCommitSums times advancing the sums by one commit's rows on that
// ledger: the cost a commit adds.
func BenchmarkCommitSums(b *testing.B) {
	s := syntheticSnapshot(10000, 400000, 100000)
	rows := []SCTx{
		{ID: "sc_400001", Alias: "owner00007", Kind: SCPending, Amount: 45},
		{ID: "sc_400002", Alias: "owner00008", Kind: SCAwarded, Amount: 45, Ref: "sc_399999"},
	}
	sk := []SKTx{{ID: "sk_100001", Alias: "owner00009", Amount: 5}}
	for b.Loop() {
		_ = s.sums.added(func(yield func(SCTx) bool) {
			for _, r := range rows {
				yield(r)
			}
		}, func(yield func(SKTx) bool) { yield(sk[0]) })
	}
}

// BenchmarkCopyOwners times what a commit would cost if each snapshot
// copied its owners' balances whole: the alternative the buckets avoid.
func BenchmarkCopyOwners(b *testing.B) {
	s := syntheticSnapshot(10000, 400000, 100000)
	whole := s.Balances()
	for b.Loop() {
		cp := make(map[string]Balance, len(whole))
		for k, v := range whole {
			cp[k] = v
		}
	}
}

// The unsettled pending rows the running sums hold — what settling an
// assessment reads — are checked too: one dropped from them is reported,
// though every balance still agrees.
func TestVerifySumsCatchesALostOpenPendingRow(t *testing.T) {
	s := syntheticSnapshot(20, 400, 100)
	var lost string
	s.sums.open.each(func(id string, _ openPending) {
		if lost == "" || id < lost {
			lost = id
		}
	})
	if lost == "" {
		t.Fatal("the synthetic ledger has no unsettled pending row")
	}
	e := s.sums.edit()
	e.open.del(lost)
	s.sums.open = e.done().open
	got := fmt.Sprint(s.Verify())
	if want := "pending SC " + lost + ": the transactions leave it unsettled, the running sums do not hold it"; !strings.Contains(got, want) {
		t.Fatalf("the lost open row is not reported; got %s", got)
	}
	if strings.Contains(got, "balance of ") {
		t.Fatalf("balances should still agree: %s", got)
	}
}
