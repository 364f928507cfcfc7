package toolbox

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"smartup0.org/engelbot/ledger"
)

// Governance: the community decides by proposals. A plain decision passes
// by lazy consensus (48 hours without objection); an objection turns it
// into a vote; a constitution change is voted on at once. This file holds
// the numbers and the arithmetic, apart from the commands, so that each
// rule is tested at its edges on its own. docs/ledger.md explains each
// rule to owners.

const (
	// proposeMinSK is the SK needed to make a proposal (domain.md:
	// "Thresholds: 50 to propose in the forum"). It is the balance after
	// the decay written so far; team rooms ask the same.
	proposeMinSK = 50
	// votingPeriod is how long a vote runs: a week, so that every owner
	// has a weekend and five working days to take part.
	votingPeriod = 7 * 24 * time.Hour
	// quorumPct: a vote counts only if at least this share of the owners
	// who could vote when it opened cast a vote (abstaining counts), by
	// head count, not by weight: turnout is about people.
	quorumPct = ledger.QuorumPct
	// A constitution change needs a qualified majority: at least two
	// thirds of the weight of the yes and no votes.
	constitutionNum, constitutionDen = ledger.ConstitutionNum, ledger.ConstitutionDen

	maxProposalTitle = 200
	maxProposalText  = 8000
	maxObjection     = 500
)

// Proposal IDs: prop_<n>. A running number like applications' and
// assessments', not a layer-numbered ID (1_<n>): a team's advisory
// proposal is not of the forum's layer, and the prefix tells a proposal
// from a task ID (6_…) at a glance, which is how !object knows which it
// is given.
var proposalIDPattern = regexp.MustCompile(`^(?i)prop_` + serial + `$`)

func isProposalID(s string) bool { return proposalIDPattern.MatchString(s) }

func newProposalID(n int) (string, error) {
	if n > maxSerial {
		return "", ledger.Refuse("The ledger holds %d proposals, as many as their IDs can number, so nothing was written. Please tell whoever runs Engelbot.", maxSerial)
	}
	id := "prop_" + strconv.Itoa(n)
	return id, checkMade(id, isProposalID(id))
}

// nextProposalID is prop_<n> for the first n not taken.
func nextProposalID(tx *ledger.Tx) (string, error) {
	return firstFree(countOf(tx.Proposals())+1, newProposalID, func(id string) bool { _, ok := tx.Proposal(id); return ok })
}

// voteWeight is VoteWeight in the ledger's exact thousandths: 1.000 plus
// one thousandth per SK, at most 1.500.
func voteWeight(sk int) ledger.Weight { return ledger.WeightFor(sk) }

// skAt is alias's SK as the SK journal stood when it held its first rows
// rows (a vote's sk_rows_at_opening): every award and decay row written
// before the vote opened. Karma earned after, even in the same second,
// does not change that vote's weight.
func skAt(tx *ledger.Tx, alias string, rows int) int { return tx.SKAt(alias, rows) }

// mayVote reports whether o belongs to p's electorate as it stood at t,
// and if not, why. One owner, one vote, whatever the license (domain.md):
// every active owner of the Book of Owners who had joined before then
// votes on the forum's proposals; on a team's advisory proposals, those
// who held a role in the team then. Fixing the electorate at the opening
// keeps owners added during a vote from swinging it.
//
// "Before" is strict, to the second: an owner or a role added in the very
// second a vote opens waits for the next vote. Unlike the SK journal, the
// Book of Owners and the assignments are tables changed in place, so no
// row count marks the moment of the opening; a joined time strictly before
// it is a rule anyone can check from the rows alone, whichever of two
// commits of the same second came first.
func mayVote(tx *ledger.Tx, o ledger.Owner, p ledger.Proposal, t time.Time) (bool, string) {
	if o.Status != ledger.StatusActive {
		return false, "your ownership is not active"
	}
	if !o.Joined.Before(t) {
		return false, fmt.Sprintf("you joined after the vote opened (%s UTC); the electorate is fixed then, to the second", t.Format("2006-01-02 15:04:05"))
	}
	if p.Room == ledger.ProposalRoomTeam && !inTeamAt(tx, o.Alias, p.Team, t) {
		return false, fmt.Sprintf("the %s's %s proposals are for those holding a role in the team", teamWords(tx, p.Team), p.Scope)
	}
	return true, ""
}

// inTeamAt reports whether alias held an active role of team at t.
func inTeamAt(tx *ledger.Tx, alias, team string, t time.Time) bool {
	for _, a := range tx.AssignmentsOf(alias) {
		r, ok := tx.Role(a.Role)
		if !ok || r.Team != team || !a.Since.Before(t) {
			continue
		}
		if a.Status == ledger.StatusActive || a.Until.After(t) {
			return true
		}
	}
	return false
}

// electorate counts the owners who may vote on p as the ledger stands at t:
// the quorum's base.
func electorate(tx *ledger.Tx, p ledger.Proposal, t time.Time) int {
	n := 0
	for o := range tx.Owners() {
		if ok, _ := mayVote(tx, o, p, t); ok {
			n++
		}
	}
	return n
}

// openVote turns p into a vote starting now: its end, and the electorate
// as of now.
func openVote(tx *ledger.Tx, p *ledger.Proposal) {
	now := tx.Now()
	p.State, p.VoteOpened, p.VoteEnds = ledger.ProposalVoting, now, now.Add(votingPeriod)
	p.Eligible, p.SKRows = electorate(tx, *p, now), tx.SKRows()
}

// lastVotes is each owner's last vote on a proposal: the one that counts.
func lastVotes(tx *ledger.Tx, id string) map[string]ledger.Vote {
	out := map[string]ledger.Vote{}
	for v := range tx.Votes() {
		if v.Proposal == id {
			out[v.Alias] = v
		}
	}
	return out
}

// tally is a vote's count: head counts and weights of each choice.
type tally struct {
	yes, no, abstain    int
	yesW, noW, abstainW ledger.Weight
}

func tallyOf(votes map[string]ledger.Vote) tally {
	var t tally
	for _, v := range votes {
		switch v.Choice {
		case ledger.VoteYes:
			t.yes, t.yesW = t.yes+1, t.yesW+v.Weight
		case ledger.VoteNo:
			t.no, t.noW = t.no+1, t.noW+v.Weight
		case ledger.VoteAbstain:
			t.abstain, t.abstainW = t.abstain+1, t.abstainW+v.Weight
		}
	}
	return t
}

func (t tally) heads() int { return t.yes + t.no + t.abstain }

// quorumOf is the smallest number of votes that makes a quorum.
func quorumOf(eligible int) int { return max(1, (quorumPct*eligible+99)/100) }

// outcome decides a closed vote by the ledger's rule (ledger.VotePasses,
// the one verify checks results with) and says why, in words. A decision
// needs more weight for than against (a tie fails); a constitution change
// needs at least two thirds of the weight of yes and no. Abstentions count
// for the quorum only.
func outcome(p ledger.Proposal, t tally) (bool, string) {
	p.Yes, p.No, p.Abstain, p.YesWeight, p.NoWeight, p.AbstainWeight = t.yes, t.no, t.abstain, t.yesW, t.noW, t.abstainW
	passed := ledger.VotePasses(p)
	counts := fmt.Sprintf("yes %s (%d), no %s (%d), abstain %s (%d); %d of %d owners voted",
		t.yesW, t.yes, t.noW, t.no, t.abstainW, t.abstain, t.heads(), p.Eligible)
	switch {
	case t.heads() < quorumOf(p.Eligible):
		return false, fmt.Sprintf("no quorum: %s, and %d were needed (%d %%)", counts, quorumOf(p.Eligible), quorumPct)
	case p.Kind == ledger.ProposalConstitution && passed:
		return true, "two thirds or more of the weight for: " + counts
	case p.Kind == ledger.ProposalConstitution:
		return false, "less than two thirds of the weight for: " + counts
	case passed:
		return true, "more weight for than against: " + counts
	case t.yesW == t.noW:
		return false, "a tie, which fails: " + counts
	}
	return false, "more weight against than for: " + counts
}

// proposalArg looks a proposal up by an ID of the right shape, in any case.
func proposalArg(tx *ledger.Tx, id string) (ledger.Proposal, error) {
	p, ok := tx.Proposal(strings.ToLower(id))
	if !ok {
		return ledger.Proposal{}, ledger.Refuse("There is no proposal `%s`. `!proposals` lists them.", strings.ToLower(id))
	}
	return p, nil
}

// proposalWords is how a proposal is named in a sentence.
func proposalWords(p ledger.Proposal) string {
	return fmt.Sprintf("`%s` (%s %s: %s)", p.ID, p.Scope, kindWords(p.Kind), mdText(p.Title))
}

// kindWords names a proposal's kind in a sentence.
func kindWords(kind string) string {
	switch kind {
	case ledger.ProposalConstitution:
		return "constitution change"
	case ledger.ProposalContestedSC:
		return "vote on contested SC"
	case ledger.ProposalElection:
		return "captain election"
	case ledger.ProposalRecall:
		return "captain recall"
	}
	return "decision"
}

// proposalStates are the states !proposals filters by.
var proposalStates = []string{ledger.ProposalOpen, ledger.ProposalVoting, ledger.ProposalPassed, ledger.ProposalFailed}

func isProposalState(s string) bool { return slices.Contains(proposalStates, s) }

// announceIn is an announcement for the room a proposal was made in.
func announceIn(p ledger.Proposal, text string) Announcement {
	if p.Room == ledger.ProposalRoomForum {
		return Announcement{Forum: true, Text: text}
	}
	return Announcement{Team: p.Team, Text: text}
}

// madeIn reports whether room is the room a proposal was made in.
func madeIn(p ledger.Proposal, room Room) bool {
	if p.Room == ledger.ProposalRoomForum {
		return room.Kind == RoomForum
	}
	return room.Kind == RoomTeam && room.Team == p.Team
}

func utc(t time.Time) string { return t.Format("2006-01-02 15:04") + " UTC" }
