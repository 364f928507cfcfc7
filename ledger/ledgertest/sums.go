package ledgertest

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// recompute is the plain reading of the SC and SK rules, kept apart from
// the ledger's own code: awarded rows add up, a pending row counts while
// no row names it in ref, SK rows add up.
func recompute(sc iter.Seq[ledger.SCTx], sk iter.Seq[ledger.SKTx]) (map[string]ledger.Balance, ledger.Totals) {
	settled := map[string]bool{}
	for t := range sc {
		if t.Kind != ledger.SCPending {
			settled[t.Ref] = true
		}
	}
	out := map[string]ledger.Balance{}
	var tot ledger.Totals
	for t := range sc {
		b := out[t.Alias]
		switch {
		case t.Kind == ledger.SCAwarded:
			b.SCAwarded += t.Amount
			tot.SCAwarded += t.Amount
		case t.Kind == ledger.SCPending && !settled[t.ID]:
			b.SCPending += t.Amount
			tot.SCPending += t.Amount
		}
		out[t.Alias] = b
	}
	for t := range sk {
		b := out[t.Alias]
		b.SK += t.Amount
		out[t.Alias] = b
	}
	return out, tot
}

// unsettled yields the pending rows no row names in ref, in order.
func unsettled(sc iter.Seq[ledger.SCTx]) iter.Seq[ledger.SCTx] {
	settled := map[string]bool{}
	for t := range sc {
		if t.Kind != ledger.SCPending {
			settled[t.Ref] = true
		}
	}
	return func(yield func(ledger.SCTx) bool) {
		for t := range sc {
			if t.Kind == ledger.SCPending && !settled[t.ID] && !yield(t) {
				return
			}
		}
	}
}

// openIDs says which rows, and whose and how much, in order.
func openIDs(rows iter.Seq[ledger.SCTx]) string {
	var out []string
	for t := range rows {
		out = append(out, fmt.Sprintf("%s(%s %d %s)", t.ID, t.Alias, t.Amount, t.Note))
	}
	return strings.Join(out, " ")
}

var sumsAliases = []string{"alice", "bob", "carol", "dave", "erin"}

// sumsAgree reports where tx's balances and totals differ from a recompute
// of the rows it sees.
func sumsAgree(tx *ledger.Tx) string {
	want, wantTot := recompute(tx.SCTxs(), tx.SKTxs())
	var diffs []string
	for _, a := range sumsAliases {
		if got := tx.Balance(a); got != want[a] {
			diffs = append(diffs, fmt.Sprintf("%s: %+v, recomputed %+v", a, got, want[a]))
		}
		n := tx.SKRows()
		for _, rows := range []int{0, n / 3, n - 1, n, n + 2} {
			if got, want := tx.SKAt(a, rows), ledger.SKAt(tx.SKTxs(), a, rows); got != want {
				diffs = append(diffs, fmt.Sprintf("%s's SK at %d rows: %d, recomputed %d", a, rows, got, want))
			}
		}
	}
	if got := tx.Totals(); got != wantTot {
		diffs = append(diffs, fmt.Sprintf("totals: %+v, recomputed %+v", got, wantTot))
	}
	if got, want := openIDs(slices.Values(tx.OpenPending())), openIDs(unsettled(tx.SCTxs())); got != want {
		diffs = append(diffs, fmt.Sprintf("open pending rows: %s, recomputed %s", got, want))
	}
	return strings.Join(diffs, "; ")
}

// randomRows appends a few random SC and SK rows: pending rows, rows that
// settle an open pending row, and now and then rows a sound ledger would
// not hold (a settlement of a settled row or of nothing), which the sums
// must still follow.
func randomRows(r *rand.Rand, tx *ledger.Tx) {
	for range 1 + r.IntN(4) {
		alias := sumsAliases[r.IntN(len(sumsAliases))]
		switch n := r.IntN(10); {
		case n < 4:
			tx.AppendSC(ledger.SCTx{Alias: alias, Task: "6_1_1_1", Kind: ledger.SCPending, Amount: 1 + r.IntN(100), Share: ledger.Attacker, Note: fmt.Sprintf("as_%d", r.IntN(9))})
		case n < 7:
			var open []ledger.SCTx
			settled := map[string]bool{}
			for t := range tx.SCTxs() {
				if t.Kind == ledger.SCPending {
					open = append(open, t)
				} else {
					settled[t.Ref] = true
				}
			}
			open = slicesFilter(open, func(t ledger.SCTx) bool { return !settled[t.ID] || r.IntN(8) == 0 })
			if len(open) == 0 {
				continue
			}
			p := open[r.IntN(len(open))]
			kind := []string{ledger.SCAwarded, ledger.SCContested, ledger.SCCancelled}[r.IntN(3)]
			tx.AppendSC(ledger.SCTx{Alias: p.Alias, Task: p.Task, Kind: kind, Amount: p.Amount, Share: p.Share, Ref: p.ID})
		case n < 8:
			tx.AppendSC(ledger.SCTx{Alias: alias, Task: "6_1_1_1", Kind: ledger.SCAwarded, Amount: 1 + r.IntN(50), Ref: fmt.Sprintf("sc_%d", r.IntN(500))})
		default:
			tx.AppendSK(ledger.SKTx{Alias: alias, Category: "code_review", Amount: r.IntN(30) - 10})
		}
	}
}

func slicesFilter[T any](s []T, keep func(T) bool) []T {
	var out []T
	for _, v := range s {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}

// Balances, totals and open pending rows kept as running sums agree with a recompute after
// any sequence of commits: inside a mutation (its own rows included), after
// each group commit, after refused mutations, after someone else's commits
// and after a reload.
func (s suite) testRunningSumsMatchARecompute(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 0))
	var mu sync.Mutex // r is not safe for concurrent use
	l, st := s.openLedger(t)
	other := openOn(t, st)
	check := func(when string, tx *ledger.Tx) {
		t.Helper()
		if d := sumsAgree(tx); d != "" {
			t.Fatalf("%s: %s", when, d)
		}
	}
	event := 0
	for round := range 40 {
		var wg sync.WaitGroup
		// r is shared with the mutations the writer runs meanwhile.
		mu.Lock()
		n := 1 + r.IntN(4)
		mu.Unlock()
		for range n {
			event++
			id := fmt.Sprintf("$sums%d", event)
			mu.Lock()
			refuse := r.IntN(5) == 0
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := l.Apply(t.Context(), ledger.Mutation{EventID: id, Actor: "bob", Command: "test", Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
					mu.Lock()
					randomRows(r, tx)
					mu.Unlock()
					if d := sumsAgree(tx); d != "" {
						t.Errorf("inside %s: %s", id, d)
					}
					if refuse {
						return ledger.Outcome{}, ledger.Refuse("no")
					}
					return ledger.Outcome{Action: "test", Target: id, Reply: "ok"}, nil
				}})
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		check(fmt.Sprintf("after round %d", round), l.Current().Read())
		if round%5 == 4 {
			// Someone else commits; the ledger reloads and advances its
			// sums by the rows it did not write.
			event++
			id := fmt.Sprintf("$outside%d", event)
			if _, err := other.Apply(t.Context(), ledger.Mutation{EventID: id, Actor: "bob", Command: "test", Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
				randomRows(r, tx)
				return ledger.Outcome{Action: "test", Target: id, Reply: "ok"}, nil
			}}); err != nil {
				t.Fatal(err)
			}
			snap, err := l.Snapshot(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			check(fmt.Sprintf("after an outside commit in round %d", round), snap.Read())
		}
	}
	snap := l.Current()
	balances, _ := recompute(snap.Read().SCTxs(), snap.Read().SKTxs())
	for a, want := range balances {
		if got := snap.Balances()[a]; got != want {
			t.Fatalf("Balances()[%s] = %+v, recomputed %+v", a, got, want)
		}
	}
	for _, p := range snap.Verify() {
		if strings.HasPrefix(p.Where, "balance of") || p.Where == "community totals" {
			t.Fatalf("verify disagrees with the running sums: %s", p)
		}
	}
	check("after a reload", openOn(t, st).Current().Read())
}
