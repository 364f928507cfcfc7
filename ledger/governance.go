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
	ProposalsIndex   = "indexes/proposals"
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
	// SKRows is how many rows the SK journal held when the vote opened:
	// the weights count those rows only. A position, not a time, because
	// rows written in the same second as the opening (one commit's rows
	// share a time) may come before or after it.
	SKRows int `csv:"sk_rows_at_opening"`
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
	ID   string    `csv:"vote_id"` // v_<n>
	Time time.Time `csv:"timestamp"`
	// Sent is when the vote was sent (the homeserver's time, never later
	// than Time): a vote sent before the end counts though its turn in the
	// queue came after it, so the end is checked against Sent, not Time.
	Sent     time.Time `csv:"sent_at"`
	Proposal string    `csv:"proposal_id"`
	Alias    string    `csv:"alias"`
	Choice   string    `csv:"choice"`        // yes, no, abstain
	SK       int       `csv:"sk_at_opening"` // the owner's SK in the SK journal's first sk_rows_at_opening rows
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

// The rules that decide a closed vote, kept here so that verify can redo
// the decision from a proposal's row; the toolbox says them in words.
const (
	// QuorumPct: a vote counts only if at least this share of the owners
	// who could vote when it opened cast a vote (abstaining counts), by
	// head count: turnout is about people.
	QuorumPct = 20
	// A constitution change needs at least two thirds of the weight of the
	// yes and no votes.
	ConstitutionNum, ConstitutionDen = 2, 3
)

// WeightFor is the weight SK gives a vote: 1.000 plus one thousandth per
// SK, at most 1.500, never less than 1.000.
func WeightFor(sk int) Weight { return Weight(1000 + min(max(sk, 0), 500)) }

// VotePasses reports whether a vote's tally, as written in its row, passes
// it: a quorum of QuorumPct of the eligible by head count, then more
// weight for than against (a tie fails), or two thirds of the weight of
// yes and no for a constitution change.
func VotePasses(p Proposal) bool {
	heads := p.Yes + p.No + p.Abstain
	if heads == 0 || heads*100 < QuorumPct*p.Eligible {
		return false
	}
	if p.Kind == ProposalConstitution {
		return p.YesWeight > 0 && int64(p.YesWeight)*ConstitutionDen >= int64(p.YesWeight+p.NoWeight)*ConstitutionNum
	}
	return p.YesWeight > p.NoWeight
}

// Proposal returns a proposal by ID.
func (tx *Tx) Proposal(id string) (Proposal, bool) { return tx.proposals.get(id) }

// Proposals lists every proposal, closed ones included.
func (tx *Tx) Proposals() iter.Seq[Proposal] { return tx.proposals.all() }

// PutProposal adds or replaces a proposal.
func (tx *Tx) PutProposal(p Proposal) { tx.proposals.put(p) }

// Votes lists every vote cast, those of this commit last.
func (tx *Tx) Votes() iter.Seq[Vote] { return concat(tx.snap.votes.all(), tx.votes.all()) }

// AppendVote records a vote. Its ID, time and event ID are filled in, and
// its sent time when it has none or one later than now; the ID is
// returned.
func (tx *Tx) AppendVote(v Vote) string {
	v.ID = fmt.Sprintf("v_%d", tx.snap.votes.count()+tx.votes.pending()+1)
	v.Time, v.EventID = tx.now, tx.eventID
	if v.Sent.IsZero() || v.Sent.After(tx.now) {
		v.Sent = tx.now
	}
	v.Sent = v.Sent.UTC().Truncate(time.Second)
	tx.votes.add(v)
	return v.ID
}

// verifyVotes checks each vote against its proposal, the SK journal and
// the Book of Owners: the proposal exists, the vote was sent before its end
// and written between its opening and its close, the choice is one of
// three, the SK is the owner's SK as of the opening and the weight the one
// it gives, and the voter could vote when it opened. Each closed
// proposal's tally is redone from the last vote of each owner, and its
// result from its tally.
func (s *Snapshot) verifyVotes() []Problem {
	var ps []Problem
	last := map[string]map[string]Vote{} // proposal → alias → last vote
	type voter struct {
		sk  int    // SK at the opening
		why string // why they could not vote, or ""
	}
	voters := map[[2]string]voter{} // (alias, proposal) → what the opening says of them, computed once
	for _, sh := range s.votes.shards {
		for i, v := range sh.list() {
			where := fmt.Sprintf("%s row %d (%s)", sh.path, i+1, v.ID)
			bad := func(format string, args ...any) {
				ps = append(ps, Problem{Where: where, What: fmt.Sprintf(format, args...)})
			}
			p, ok := s.proposals.get(v.Proposal)
			if !ok {
				bad("a vote on %q, which is not in %s", v.Proposal, ProposalsIndex)
				continue
			}
			// Sent before the end, written after the opening and not after
			// the close: a vote queued at the end is written after it.
			// The close may share the last vote's second, hence "not after".
			if p.VoteOpened.IsZero() || v.Time.Before(p.VoteOpened) || !v.Sent.Before(p.VoteEnds) {
				bad("sent at %s and written at %s, outside the vote on %s (%s to %s)", v.Sent.Format(time.RFC3339), v.Time.Format(time.RFC3339), p.ID,
					p.VoteOpened.Format(time.RFC3339), p.VoteEnds.Format(time.RFC3339))
			}
			if v.Sent.After(v.Time) {
				bad("sent at %s, after it was written (%s)", v.Sent.Format(time.RFC3339), v.Time.Format(time.RFC3339))
			}
			if !p.Closed.IsZero() && v.Time.After(p.Closed) {
				bad("written at %s, after %s was closed (%s)", v.Time.Format(time.RFC3339), p.ID, p.Closed.Format(time.RFC3339))
			}
			switch v.Choice {
			case VoteYes, VoteNo, VoteAbstain:
			default:
				bad("unknown choice %q", v.Choice)
			}
			k := [2]string{v.Alias, p.ID}
			who, done := voters[k]
			if !done {
				who = voter{sk: s.skAt(v.Alias, p.SKRows), why: s.couldNotVote(v.Alias, *p)}
				voters[k] = who
			}
			if v.SK != who.sk {
				bad("sk_at_opening %d, but %s had %d SK when the vote opened", v.SK, v.Alias, who.sk)
			}
			if w := WeightFor(v.SK); v.Weight != w {
				bad("weight %s, but sk_at_opening %d gives %s", v.Weight, v.SK, w)
			}
			if who.why != "" {
				bad("%s voted on %s, but %s", v.Alias, p.ID, who.why)
			}
			if last[p.ID] == nil {
				last[p.ID] = map[string]Vote{}
			}
			last[p.ID][v.Alias] = v
		}
	}
	for _, p := range s.proposals.rows {
		if !p.VoteOpened.IsZero() && (p.SKRows < 0 || p.SKRows > s.sk.count()) {
			ps = append(ps, Problem{Where: ProposalsIndex + " " + p.ID, What: fmt.Sprintf(
				"sk_rows_at_opening %d, but the SK journal holds %d rows", p.SKRows, s.sk.count())})
		}
		if p.State != ProposalPassed && p.State != ProposalFailed {
			continue
		}
		if p.VoteOpened.IsZero() {
			if p.State != ProposalPassed {
				ps = append(ps, Problem{Where: ProposalsIndex + " " + p.ID, What: "failed without a vote: only a vote fails a proposal"})
			}
			continue
		}
		if passes := VotePasses(*p); passes != (p.State == ProposalPassed) {
			ps = append(ps, Problem{Where: ProposalsIndex + " " + p.ID, What: fmt.Sprintf(
				"%s, but its tally (yes %s, no %s, %d of %d voting) says it %s", p.State, p.YesWeight, p.NoWeight,
				p.Yes+p.No+p.Abstain, p.Eligible, map[bool]string{true: ProposalPassed, false: ProposalFailed}[passes])})
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
			ps = append(ps, Problem{Where: ProposalsIndex + " " + p.ID, What: fmt.Sprintf(
				"the tally yes %d (%s), no %d (%s), abstain %d (%s) does not match the votes: yes %d (%s), no %d (%s), abstain %d (%s)",
				p.Yes, p.YesWeight, p.No, p.NoWeight, p.Abstain, p.AbstainWeight,
				t.Yes, t.YesWeight, t.No, t.NoWeight, t.Abstain, t.AbstainWeight)})
		}
	}
	return ps
}

// couldNotVote says why alias was not in p's electorate when its vote
// opened, or "" if they were: an owner who joined before the opening's
// second and, for a team's proposal, held a role in the team then (the
// toolbox's mayVote). Whether they were active then is not in the ledger
// (the Book keeps the status of now), so it is not checked.
func (s *Snapshot) couldNotVote(alias string, p Proposal) string {
	o, ok := s.owners.get(alias)
	if !ok {
		return "they are not in " + OwnersIndex
	}
	if !o.Joined.Before(p.VoteOpened) {
		return fmt.Sprintf("they joined at %s, not before the vote opened", o.Joined.Format(time.RFC3339))
	}
	if p.Room != ProposalRoomTeam {
		return ""
	}
	for _, a := range s.assignments.rows {
		r, ok := s.roles.get(a.Role)
		if a.Alias != alias || !ok || r.Team != p.Team || !a.Since.Before(p.VoteOpened) {
			continue
		}
		if a.Status == StatusActive || a.Until.After(p.VoteOpened) {
			return ""
		}
	}
	return "they held no role in " + p.Team + " when the vote opened"
}

// skAt is alias's SK as the SK journal stood when it held its first rows
// rows.
func (s *Snapshot) skAt(alias string, rows int) int { return SKAt(s.sk.all(), alias, rows) }

// SKAt is alias's SK in the first rows rows of an SK journal: the SK an
// owner had when a vote opened, given the journal's length then.
func SKAt(journal iter.Seq[SKTx], alias string, rows int) int {
	sk, i := 0, 0
	for r := range journal {
		if i >= rows {
			break
		}
		if r.Alias == alias {
			sk += r.Amount
		}
		i++
	}
	return sk
}

// SKAt is SKAt over the journal tx sees, without reading it all: alias's
// SK now, less what the rows from the rows-th on gave or took. It reads
// only the rows written since, however long the history before.
func (tx *Tx) SKAt(alias string, rows int) int {
	sk := tx.Balance(alias).SK
	for r := range tx.snap.sk.fromRow(rows) {
		if r.Alias == alias {
			sk -= r.Amount
		}
	}
	i := tx.snap.sk.count()
	for r := range tx.sk.all() {
		if i >= rows && r.Alias == alias {
			sk -= r.Amount
		}
		i++
	}
	return sk
}

// SKRows is how many rows the SK journal holds, those of this commit
// included: a vote records it when it opens.
func (tx *Tx) SKRows() int { return tx.snap.sk.count() + tx.sk.pending() }
