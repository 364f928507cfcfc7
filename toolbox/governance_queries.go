package toolbox

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// Votes are open: each is a row of the ledger, which every owner reads,
// and the queries do not pretend otherwise. While a vote runs they show
// how many have voted, never the running tally: numbers shown in the
// rooms early pull the later votes (bandwagoning) and press the last
// voters. After the end the whole tally is shown, by weight and by head
// count. One's own vote shows only in a direct chat, so that asking in a
// room does not announce it there.

var cmdProposals = &Command{
	Name: "proposals", Tier: TierQuery, Params: []Param{{Name: "state", Kind: KindWord, Optional: true}},
	Summary: "the proposals: open ones and those being voted on, or those of a state",
	Help: "Lists the proposals still to be decided: open ones (lazy consensus, with the time their 48 hours end) and those being voted on " +
		"(with the end of the vote and how many have voted). `!proposals passed`, `failed`, `open`, `voting` or `all` picks others.",
	query: queryProposals,
}

func queryProposals(_ *Toolbox, tx *ledger.Tx, c *call) Reply {
	want := func(p ledger.Proposal) bool {
		return p.State == ledger.ProposalOpen || p.State == ledger.ProposalVoting
	}
	what := "undecided"
	if len(c.Args) == 1 {
		s := strings.ToLower(c.Args[0])
		switch {
		case s == "all":
			want, what = func(ledger.Proposal) bool { return true }, ""
		case isProposalState(s):
			want, what = func(p ledger.Proposal) bool { return p.State == s }, s
		default:
			return refused(fmt.Sprintf("Say `!proposals` for those still to be decided, or one of `open`, `voting`, `passed`, `failed`, `all`; not %s.", quoteArg(c.Args[0])))
		}
	}
	var ps []ledger.Proposal
	for p := range tx.Proposals() {
		if want(p) {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return Reply{Text: strings.TrimSpace(fmt.Sprintf("There are no %s proposals. Owners with %d SK make one with `!propose <title> | <text>` in the general forum or their team's room.", what, proposeMinSK))}
	}
	// Newest first: what is being decided now matters most. By number,
	// not by the order rows are stored in (a free number below the
	// highest can be taken later) nor as text (prop_10 before prop_9).
	slices.SortFunc(ps, func(a, b ledger.Proposal) int {
		return cmp.Or(cmp.Compare(proposalNumber(b.ID), proposalNumber(a.ID)), strings.Compare(b.ID, a.ID))
	})
	heads := voteCounts(tx)
	var b strings.Builder
	fmt.Fprintf(&b, "Proposals (%d):\n", len(ps))
	for i, p := range ps {
		if i == maxListLines {
			fmt.Fprintf(&b, "- …and %d more; `!proposal <id>` shows one\n", len(ps)-i)
			break
		}
		fmt.Fprintf(&b, "- %s — %s\n", proposalWords(p), proposalStatus(p, heads[p.ID]))
	}
	return Reply{Text: strings.TrimRight(b.String(), "\n")}
}

// proposalNumber is the n of prop_<n>; 0 for an ID of another shape.
func proposalNumber(id string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "prop_"))
	if err != nil {
		return 0
	}
	return n
}

// voteCounts is how many owners have voted on each proposal.
func voteCounts(tx *ledger.Tx) map[string]int {
	seen := map[[2]string]bool{}
	out := map[string]int{}
	for v := range tx.Votes() {
		if k := [2]string{v.Proposal, v.Alias}; !seen[k] {
			seen[k] = true
			out[v.Proposal]++
		}
	}
	return out
}

// proposalStatus is a proposal's state in a few words.
func proposalStatus(p ledger.Proposal, heads int) string {
	switch p.State {
	case ledger.ProposalOpen:
		return "open: passes at " + utc(p.WindowEnds) + " unless someone objects"
	case ledger.ProposalVoting:
		return fmt.Sprintf("being voted on until %s; %d of %d owners have voted", utc(p.VoteEnds), heads, p.Eligible)
	}
	return p.State + " at " + utc(p.Closed)
}

var cmdProposal = &Command{
	Name: "proposal", Tier: TierQuery, Params: []Param{{Name: "proposal", Kind: KindProposal}},
	Summary: "one proposal: where it stands, your own vote (in a direct chat), and the result once decided",
	Help: "Shows a proposal: who made it and where, its window or its vote, the objection that opened the vote, and how many have voted. " +
		"Your own vote shows in a direct chat with me only. While the vote runs I show how many have voted, not the tally (the votes themselves " +
		"are public in the ledger; a running tally in the rooms would pull the later votes); once it is over this shows it by weight and by head count, " +
		"and why it passed or failed.",
	query: queryProposal,
}

func queryProposal(_ *Toolbox, tx *ledger.Tx, c *call) Reply {
	p, err := proposalArg(tx, c.Args[0])
	if err != nil {
		return refusal(err)
	}
	var b strings.Builder
	kind := kindWords(p.Kind)
	kind = strings.ToUpper(kind[:1]) + kind[1:]
	where := "the general forum (binding)"
	if p.Room == ledger.ProposalRoomTeam {
		where = "the " + teamWords(tx, p.Team) + "'s room (" + p.Scope + ")"
	}
	fmt.Fprintf(&b, "**%s** `%s`: %s\n", kind, p.ID, mdText(p.Title))
	fmt.Fprintf(&b, "- Proposed by %s in %s at %s\n", p.Author, where, utc(p.Created))
	if !p.WindowEnds.IsZero() {
		fmt.Fprintf(&b, "- Lazy consensus until %s\n", utc(p.WindowEnds))
	}
	if p.ObjectedBy != "" {
		fmt.Fprintf(&b, "- Objection by %s at %s: %s\n", p.ObjectedBy, utc(p.Objected), mdText(p.Objection))
	}
	votes := lastVotes(tx, p.ID)
	if !p.VoteOpened.IsZero() {
		fmt.Fprintf(&b, "- Vote from %s to %s; %d owners may vote, a quorum is %d\n", utc(p.VoteOpened), utc(p.VoteEnds), p.Eligible, quorumOf(p.Eligible))
		fmt.Fprintf(&b, "- Votes cast: %d\n", len(votes))
		v, voted := votes[c.alias]
		switch {
		case c.Room.Kind != RoomDirect:
			fmt.Fprintf(&b, "- Your own vote: ask `!proposal %s` in a direct chat with me\n", p.ID)
		case voted:
			fmt.Fprintf(&b, "- Your vote: %s, weighing %s\n", v.Choice, v.Weight)
		case p.State == ledger.ProposalVoting:
			fmt.Fprintf(&b, "- You have not voted: `!vote %s yes|no|abstain`\n", p.ID)
		}
	}
	switch p.State {
	case ledger.ProposalOpen:
		fmt.Fprintf(&b, "- Open: passes at %s unless someone objects with `!object %s <reason>`\n", utc(p.WindowEnds), p.ID)
	case ledger.ProposalVoting:
		b.WriteString("- The tally shows when the vote ends; until then only the number of votes, so that it does not pull the later ones (the votes are public in the ledger)\n")
	default:
		fmt.Fprintf(&b, "- **%s** at %s: %s\n", mdText(p.State), utc(p.Closed), mdText(p.Result))
		if !p.VoteOpened.IsZero() {
			fmt.Fprintf(&b, "- By weight: yes %s, no %s, abstain %s\n", p.YesWeight, p.NoWeight, p.AbstainWeight)
			fmt.Fprintf(&b, "- By head count: yes %d, no %d, abstain %d\n", p.Yes, p.No, p.Abstain)
		}
	}
	return Reply{Text: strings.TrimRight(b.String(), "\n")}
}
