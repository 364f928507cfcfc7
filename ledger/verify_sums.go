package ledger

import (
	"fmt"
	"sort"
)

// verifySums recomputes every balance and the community's totals from the
// transactions and reports where the running sums that queries and rules
// read say otherwise.
func (s *Snapshot) verifySums() []Problem {
	var ps []Problem
	want := s.recomputeBalances()
	aliases := map[string]bool{}
	for a := range want {
		aliases[a] = true
	}
	s.sums.owners.each(func(a string, _ Balance) { aliases[a] = true })
	sorted := make([]string, 0, len(aliases))
	for a := range aliases {
		sorted = append(sorted, a)
	}
	sort.Strings(sorted)
	var total Totals
	for _, a := range sorted {
		w := want[a]
		total.SCAwarded += w.SCAwarded
		total.SCPending += w.SCPending
		if got, _ := s.sums.owners.get(a); got != w {
			ps = append(ps, Problem{Where: "balance of " + a, What: fmt.Sprintf(
				"the running sums say %s, the transactions say %s", describe(got), describe(w))})
		}
	}
	if s.sums.totals != total {
		ps = append(ps, Problem{Where: "community totals", What: fmt.Sprintf(
			"the running sums say %d SC awarded and %d pending, the transactions say %d and %d",
			s.sums.totals.SCAwarded, s.sums.totals.SCPending, total.SCAwarded, total.SCPending)})
	}
	return append(ps, s.verifyOpenPending()...)
}

// verifyOpenPending checks the pending rows the running sums hold as
// unsettled — what settling an assessment and the treasury's queue read —
// against the pending rows no row of the journal settles.
func (s *Snapshot) verifyOpenPending() []Problem {
	settled := settlements(s.sc.all())
	want := map[string]int{} // pending row ID → its amount, while unsettled
	for t := range s.sc.all() {
		if t.Kind == SCPending && settled[t.ID] == "" {
			want[t.ID] += t.Amount
		}
	}
	ids := map[string]bool{}
	for id := range want {
		ids[id] = true
	}
	s.sums.open.each(func(id string, _ openPending) { ids[id] = true })
	sorted := make([]string, 0, len(ids))
	for id := range ids {
		sorted = append(sorted, id)
	}
	sort.Strings(sorted)
	var ps []Problem
	for _, id := range sorted {
		got, open := s.sums.open.get(id)
		amount, pending := want[id]
		switch {
		case open && !pending:
			ps = append(ps, Problem{Where: "pending SC " + id, What: "the running sums hold it as unsettled, the transactions settle it (or have no such row)"})
		case !open && pending:
			ps = append(ps, Problem{Where: "pending SC " + id, What: "the transactions leave it unsettled, the running sums do not hold it"})
		case open && got.row.Amount != amount:
			ps = append(ps, Problem{Where: "pending SC " + id, What: fmt.Sprintf("the running sums hold %d SC, the transactions %d", got.row.Amount, amount)})
		}
	}
	return ps
}

// describe says a balance in words, for a problem report.
func describe(b Balance) string {
	return fmt.Sprintf("%d SC awarded, %d SC pending, %d SK", b.SCAwarded, b.SCPending, b.SK)
}
