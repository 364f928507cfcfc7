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
	return ps
}

// describe says a balance in words, for a problem report.
func describe(b Balance) string {
	return fmt.Sprintf("%d SC awarded, %d SC pending, %d SK", b.SCAwarded, b.SCPending, b.SK)
}
