package toolbox

import (
	"testing"

	"smartup0.org/engelbot/ledger"
)

// The quorum at its edges: 20 % of the electorate by head count, rounded
// up, and never fewer than one vote.
func TestQuorumEdges(t *testing.T) {
	for _, c := range []struct {
		heads, eligible int
		want            bool
	}{
		{2, 10, true}, {1, 10, false}, {3, 11, true}, {2, 11, false},
		{1, 1, true}, {1, 5, true}, {1, 6, false}, {0, 0, false},
	} {
		// All for: the vote passes exactly when it is quorate.
		quorate := ledger.VotePasses(ledger.Proposal{Kind: ledger.ProposalDecision, Eligible: c.eligible, Yes: c.heads, YesWeight: ledger.Weight(1000 * c.heads)})
		if got := quorate; got != c.want {
			t.Errorf("%d of %d voters: quorate %v, want %v", c.heads, c.eligible, got, c.want)
		}
		if q := quorumOf(c.eligible); (c.heads >= q) != c.want {
			t.Errorf("%d of %d voters: quorumOf says %d are needed, which disagrees with quorate", c.heads, c.eligible, q)
		}
	}
}

// Weights: 1 + SK/1000 in thousandths, capped at 1.5, never below 1, and
// the same as VoteWeight.
func TestVoteWeightEdges(t *testing.T) {
	for sk, want := range map[int]int64{-20: 1000, 0: 1000, 1: 1001, 499: 1499, 500: 1500, 501: 1500, 5000: 1500} {
		if got := voteWeight(sk); int64(got) != want || float64(got)/1000 != VoteWeight(sk) {
			t.Errorf("SK %d weighs %s, want %d thousandths (VoteWeight %.3f)", sk, got, want, VoteWeight(sk))
		}
	}
}

// The decision the job writes and the one verify redoes from the stored
// tally agree, at the edges of the quorum, a tie and two thirds.
func TestOutcomeAgreesWithVerify(t *testing.T) {
	for _, kind := range []string{ledger.ProposalDecision, ledger.ProposalConstitution} {
		for eligible := 0; eligible <= 12; eligible += 3 {
			for yes := 0; yes <= 4; yes++ {
				for no := 0; no <= 3; no++ {
					for abstain := 0; abstain <= 1; abstain++ {
						tl := tally{yes: yes, no: no, abstain: abstain, yesW: ledger.Weight(1000 * yes), noW: ledger.Weight(1000 * no), abstainW: ledger.Weight(1000 * abstain)}
						p := ledger.Proposal{Kind: kind, Eligible: eligible, Yes: yes, No: no, Abstain: abstain, YesWeight: tl.yesW, NoWeight: tl.noW, AbstainWeight: tl.abstainW}
						if passed, why := outcome(p, tl); passed != ledger.VotePasses(p) {
							t.Errorf("%s, %d eligible, yes %d no %d abstain %d: the job says %v (%s), verify %v", kind, eligible, yes, no, abstain, passed, why, !passed)
						}
					}
				}
			}
		}
	}
}
