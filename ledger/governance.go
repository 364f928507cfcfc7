package ledger

import (
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"
)

// The files of governance: one index row and one page per proposal, and
// the votes as an append-only journal sharded like the SC and SK
// transactions, so that a vote's cost does not grow with the number cast
// before it.
const (
	ProposalsFile    = "indexes/proposals.csv"
	ProposalPagesDir = "pages/proposals"
	VotesDir         = "transactions/votes"
)

// Proposal is a row of the proposals index: what was proposed, where, and
// how the community decided it. The room it was made in is kept as a kind
// and a team, never a Matrix room ID: the ledger outlives any one
// homeserver, and the result is announced wherever that room is now.
type Proposal struct {
	ID    string `csv:"proposal_id"` // prop_<n>
	Kind  string `csv:"kind"`        // decision, constitution, contested_sc, election, recall
	Scope string `csv:"scope"`       // binding (the forum's), advisory (a team's)
	Room  string `csv:"room"`        // forum, team: where it was made and its result is announced
	Team  string `csv:"team_id"`     // the team, for a proposal made in a team's room
	// Subject is what a proposal acts on, for the kinds that change the
	// ledger when they pass (the contested assessment, the candidate, the
	// captain's assignment); empty for decisions and constitution changes.
	// It is here from the start so that those kinds need no new column.
	Subject    string    `csv:"subject"`
	Title      string    `csv:"title"`
	Author     string    `csv:"author"`
	State      string    `csv:"state"`
	Created    time.Time `csv:"created_at"`
	WindowEnds time.Time `csv:"window_ends_at"` // end of lazy consensus; empty when it goes straight to a vote
	ObjectedBy string    `csv:"objected_by"`
	Objected   time.Time `csv:"objected_at"`
	Objection  string    `csv:"objection"`
	VoteOpened time.Time `csv:"vote_opened_at"` // weights and the electorate are taken as of this moment
	VoteEnds   time.Time `csv:"vote_ends_at"`
	Eligible   int       `csv:"eligible"` // owners who could vote when it opened: the quorum's base
	// The tally, written when the vote is closed: head counts and
	// weights of the last vote of each owner.
	Yes           int       `csv:"votes_yes"`
	No            int       `csv:"votes_no"`
	Abstain       int       `csv:"votes_abstain"`
	YesWeight     Weight    `csv:"weight_yes"`
	NoWeight      Weight    `csv:"weight_no"`
	AbstainWeight Weight    `csv:"weight_abstain"`
	Closed        time.Time `csv:"closed_at"`
	Result        string    `csv:"result"` // why it passed or failed, in words
	WikiPath      string    `csv:"wiki_path"`
}

// Proposal kinds. The last three act on the ledger when they pass, and
// name what they act on in Subject: a contested SC vote its assessment
// (as_<n>), an election its candidate's alias, a recall the captain's
// assignment.
const (
	ProposalDecision     = "decision"
	ProposalConstitution = "constitution"
	ProposalContestedSC  = "contested_sc"
	ProposalElection     = "election"
	ProposalRecall       = "recall"
)

// Proposal scopes: the general forum's proposals bind the community; a
// team room's advise it.
const (
	ScopeBinding  = "binding"
	ScopeAdvisory = "advisory"
)

// Rooms a proposal is made in.
const (
	ProposalRoomForum = "forum"
	ProposalRoomTeam  = "team"
)

// Proposal states: open (lazy consensus) → passed, or → voting (after an
// objection, or at once for a constitution change) → passed | failed.
const (
	ProposalOpen   = "open"
	ProposalVoting = "voting"
	ProposalPassed = "passed"
	ProposalFailed = "failed"
)

func (p Proposal) key() string      { return p.ID }
func (p Proposal) wikiPath() string { return p.WikiPath }

// Vote is a row of the votes journal: one vote cast. An owner may vote
// again until the vote ends; their last row counts. The weight is the
// one their SK gave them when the vote opened, written with the row so
// that the tally is a sum anyone can redo.
type Vote struct {
	ID       string    `csv:"vote_id"` // v_<n>
	Time     time.Time `csv:"timestamp"`
	Proposal string    `csv:"proposal_id"`
	Alias    string    `csv:"alias"`
	Choice   string    `csv:"choice"`        // yes, no, abstain
	SK       int       `csv:"sk_at_opening"` // the owner's SK when the vote opened
	Weight   Weight    `csv:"weight"`
	EventID  string    `csv:"event_id"`
}

// Vote choices.
const (
	VoteYes     = "yes"
	VoteNo      = "no"
	VoteAbstain = "abstain"
)

func (v Vote) journalKey() string { return v.ID }

// Weight is a vote's weight in thousandths: 1.000 to 1.500. Tallies are
// sums of integers, so a tie is a tie and no rounding decides a vote. In a
// CSV file it is written with three decimals ("1.050").
type Weight int64

// String is the weight as the ledger writes it.
func (w Weight) String() string {
	sign, n := "", int64(w)
	if n < 0 {
		sign, n = "-", -n
	}
	return fmt.Sprintf("%s%d.%03d", sign, n/1000, n%1000)
}

// MarshalText writes the weight for a CSV file.
func (w Weight) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// UnmarshalText reads exactly the form MarshalText writes: digits, a point
// and three decimals.
func (w *Weight) UnmarshalText(b []byte) error {
	s := string(b)
	neg := strings.HasPrefix(s, "-")
	whole, frac, ok := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if !ok || len(frac) != 3 || !digits(whole) || !digits(frac) || len(whole) > 12 {
		return fmt.Errorf("%q is not a weight like 1.050", s)
	}
	n, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	n = n*1000 + f
	if neg {
		n = -n
	}
	*w = Weight(n)
	return nil
}

// Proposal returns a proposal by ID.
func (tx *Tx) Proposal(id string) (Proposal, bool) { return tx.proposals.get(id) }

// Proposals lists every proposal, closed ones included.
func (tx *Tx) Proposals() iter.Seq[Proposal] { return tx.proposals.all() }

// PutProposal adds or replaces a proposal.
func (tx *Tx) PutProposal(p Proposal) { tx.proposals.put(p) }

// Votes lists every vote cast, those of this commit last.
func (tx *Tx) Votes() iter.Seq[Vote] { return concat(tx.snap.votes.all(), tx.votes.all()) }

// AppendVote records a vote. Its ID, time and event ID are filled in; the
// ID is returned.
func (tx *Tx) AppendVote(v Vote) string {
	v.ID = fmt.Sprintf("v_%d", tx.snap.votes.count()+tx.votes.pending()+1)
	v.Time, v.EventID = tx.now, tx.eventID
	tx.votes.add(v)
	return v.ID
}

// verifyVotes checks each vote against its proposal and the SK journal:
// the proposal exists and was being voted on at the vote's time, the
// choice is one of three, the SK is the owner's SK as of the opening, and
// the weight lies in 1.000–1.500. Each closed proposal's tally is redone
// from the last vote of each owner.
func (s *Snapshot) verifyVotes() []Problem {
	var ps []Problem
	last := map[string]map[string]Vote{} // proposal → alias → last vote
	skAt := map[[2]string]int{}          // (alias, opening) → SK then, computed once
	for _, sh := range s.votes.shards {
		for i, v := range sh.rows {
			where := fmt.Sprintf("%s row %d (%s)", sh.path, i+1, v.ID)
			bad := func(format string, args ...any) {
				ps = append(ps, Problem{Where: where, What: fmt.Sprintf(format, args...)})
			}
			p, ok := s.proposals.get(v.Proposal)
			if !ok {
				bad("a vote on %q, which is not in %s", v.Proposal, ProposalsFile)
				continue
			}
			if p.VoteOpened.IsZero() || v.Time.Before(p.VoteOpened) || !v.Time.Before(p.VoteEnds) {
				bad("cast at %s, outside the vote on %s (%s to %s)", v.Time.Format(time.RFC3339), p.ID,
					p.VoteOpened.Format(time.RFC3339), p.VoteEnds.Format(time.RFC3339))
			}
			switch v.Choice {
			case VoteYes, VoteNo, VoteAbstain:
			default:
				bad("unknown choice %q", v.Choice)
			}
			k := [2]string{v.Alias, p.VoteOpened.Format(time.RFC3339)}
			sk, done := skAt[k]
			if !done {
				sk = s.skAt(v.Alias, p.VoteOpened)
				skAt[k] = sk
			}
			if v.SK != sk {
				bad("sk_at_opening %d, but %s had %d SK when the vote opened", v.SK, v.Alias, sk)
			}
			if v.Weight < 1000 || v.Weight > 1500 {
				bad("weight %s is outside 1.000–1.500", v.Weight)
			}
			if last[p.ID] == nil {
				last[p.ID] = map[string]Vote{}
			}
			last[p.ID][v.Alias] = v
		}
	}
	for _, p := range s.proposals.rows {
		if p.State != ProposalPassed && p.State != ProposalFailed || p.VoteOpened.IsZero() {
			continue
		}
		var t Proposal
		for _, v := range last[p.ID] {
			switch v.Choice {
			case VoteYes:
				t.Yes, t.YesWeight = t.Yes+1, t.YesWeight+v.Weight
			case VoteNo:
				t.No, t.NoWeight = t.No+1, t.NoWeight+v.Weight
			case VoteAbstain:
				t.Abstain, t.AbstainWeight = t.Abstain+1, t.AbstainWeight+v.Weight
			}
		}
		if t.Yes != p.Yes || t.No != p.No || t.Abstain != p.Abstain ||
			t.YesWeight != p.YesWeight || t.NoWeight != p.NoWeight || t.AbstainWeight != p.AbstainWeight {
			ps = append(ps, Problem{Where: ProposalsFile + " " + p.ID, What: fmt.Sprintf(
				"the tally yes %d (%s), no %d (%s), abstain %d (%s) does not match the votes: yes %d (%s), no %d (%s), abstain %d (%s)",
				p.Yes, p.YesWeight, p.No, p.NoWeight, p.Abstain, p.AbstainWeight,
				t.Yes, t.YesWeight, t.No, t.NoWeight, t.Abstain, t.AbstainWeight)})
		}
	}
	return ps
}

// skAt is alias's SK as the SK journal stood at t: every row written at or
// before it.
func (s *Snapshot) skAt(alias string, t time.Time) int {
	sk := 0
	for r := range s.sk.all() {
		if r.Alias == alias && !r.Time.After(t) {
			sk += r.Amount
		}
	}
	return sk
}
