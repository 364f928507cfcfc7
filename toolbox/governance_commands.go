package toolbox

import (
	"fmt"
	"path"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// governanceCommands make and decide proposals. Objections to a proposal
// go through !object, which tells a proposal from a task by its ID.
var governanceCommands = []*Command{cmdPropose, cmdVote, cmdProposals, cmdProposal}

var cmdPropose = &Command{
	// Any owner may propose: the SK threshold is a rule the command checks.
	Name: "propose", Tier: TierQuery, Where: WhereGovern,
	Params:  []Param{{Name: "title", Kind: KindText, Rest: true, Shown: "[constitution:] <title> | <text>, or: election: <alias>, or: recall:"}},
	Summary: "propose a decision (or a constitution change) to the forum or your team, or elect or recall your team's captain",
	Help: fmt.Sprintf("Makes a proposal: in the general forum it binds the community, in a team's room it advises the team (and only "+
		"those holding a role in the team take part). It needs %d SK (after decay). The title comes first, the text after a `|`, kept as typed (line breaks and quotes included). "+
		"A decision passes after %d hours unless someone objects with `!object <proposal> <reason>`; an objection opens a %d-day vote. "+
		"Start with `constitution:` for a change to the constitution: it goes to a vote at once and needs two thirds of the "+
		"weight of the yes and no votes. Every vote needs %d %% of those who may vote to take part. Nobody can close a proposal "+
		"early: the result comes when its time is up, and this room hears it. In a team's room, `!propose election: <alias> [| why]` "+
		"elects the team's captain (the candidate needs an active Work or Organizational license and %d SK after decay, %d for the "+
		"leadership team) and `!propose recall: [| why]` recalls the captain: both go to a vote of the team's members at once, and the "+
		"result binds: the job assigns or ends the captain's role, and the general forum hears it too.",
		proposeMinSK, windowHours(), int(votingPeriod.Hours()/24), quorumPct, captainMinSK, leadershipMinSK),
	write: propose,
}

// The marks that start a proposal of another kind than a decision: a word
// with a colon, so that a title beginning with the word ("Constitution day
// is a holiday", "Election day is a holiday") stays a decision's title.
const (
	constitutionMark = ledger.ProposalConstitution + ":"
	electionMark     = ledger.ProposalElection + ":"
	recallMark       = ledger.ProposalRecall + ":"
)

// cutMark cuts mark (any case) from the start of line.
func cutMark(line, mark string) (string, bool) {
	if len(line) >= len(mark) && strings.EqualFold(line[:len(mark)], mark) {
		return line[len(mark):], true
	}
	return line, false
}

// markHint is the hint for a decision whose title starts with a kind's
// word without its mark: the author may have meant that kind.
func markHint(title string) string {
	first := strings.ToLower(title)
	switch {
	case strings.HasPrefix(first, ledger.ProposalConstitution):
		return "It is a decision, not a change to the constitution: for that, start with `constitution:`. "
	case strings.HasPrefix(first, ledger.ProposalElection):
		return "It is a decision, not a captain's election: for that, send `!propose election: <alias> [| why]` in the team's room. "
	case strings.HasPrefix(first, ledger.ProposalRecall):
		return "It is a decision, not a captain's recall: for that, send `!propose recall: [| why]` in the team's room. "
	}
	return ""
}

func propose(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	// The text as typed: its line breaks and quotes are the author's.
	line := c.rawRest(0)
	if rest, ok := cutMark(line, electionMark); ok {
		return proposeCaptaincy(tx, me, c, ledger.ProposalElection, rest)
	}
	if rest, ok := cutMark(line, recallMark); ok {
		return proposeCaptaincy(tx, me, c, ledger.ProposalRecall, rest)
	}
	kind := ledger.ProposalDecision
	if rest, ok := cutMark(line, constitutionMark); ok {
		kind, line = ledger.ProposalConstitution, rest
	}
	title, text, _ := strings.Cut(line, "|")
	title, err := oneLine("The title", title, maxProposalTitle)
	if err != nil {
		return ledger.Outcome{}, err
	}
	text, err = multiLine("The proposal's text", strings.TrimSpace(text), maxProposalText)
	if err != nil {
		return ledger.Outcome{}, err
	}
	if title == "" || text == "" {
		hint := ""
		if kind == ledger.ProposalDecision {
			hint = " " + strings.TrimSpace(markHint(title))
		}
		return ledger.Outcome{}, ledger.Refuse("A proposal needs a title and its text, split by a `|`: `!propose <title> | <text>`, or `!propose constitution: <title> | <text>` for a change to the constitution.%s", strings.TrimRight(hint, " "))
	}
	p := ledger.Proposal{Kind: kind, Title: title, Author: me.Alias, Created: tx.Now()}
	if c.Room.Kind == RoomForum {
		p.Scope, p.Room = ledger.ScopeBinding, ledger.ProposalRoomForum
	} else {
		p.Scope, p.Room, p.Team = ledger.ScopeAdvisory, ledger.ProposalRoomTeam, c.Room.Team
	}
	if ok, why := mayVote(tx, me, p, tx.Now()); !ok {
		if !me.Joined.Before(tx.Now()) {
			// The electorate of a vote opened now is those who joined
			// before this second: one more second makes the proposer one.
			return ledger.Outcome{}, ledger.Refuse("You joined the community this very second, and a proposal's vote counts those who joined before it: send it again in a moment.")
		}
		if c.Room.Kind == RoomForum {
			return ledger.Outcome{}, ledger.Refuse("You cannot propose: %s.", why)
		}
		return ledger.Outcome{}, ledger.Refuse("You cannot propose here: %s. The general forum takes proposals from every owner.", why)
	}
	if sk := tx.Balance(me.Alias).SK; sk < proposeMinSK {
		return ledger.Outcome{}, ledger.Refuse("Making a proposal takes %d SK, and you have %d (after decay). SK comes from reviews, mentoring, kudos and "+
			"other work for the community; meanwhile an owner with enough SK can propose it for you, and you can take part with `!object` and `!vote`.", proposeMinSK, sk)
	}
	if p.ID, err = nextProposalID(tx); err != nil {
		return ledger.Outcome{}, err
	}
	var next string
	if kind == ledger.ProposalDecision {
		next = markHint(title)
	}
	if kind == ledger.ProposalConstitution {
		openVote(tx, &p)
		next += fmt.Sprintf("A constitution change goes to a vote at once: it runs until %s and needs two thirds of the weight of the yes and no votes, "+
			"with at least %d of the %d owners who may vote taking part. Vote with `!vote %s yes|no|abstain`.", utc(p.VoteEnds), quorumOf(p.Eligible), p.Eligible, p.ID)
	} else {
		p.State, p.WindowEnds = ledger.ProposalOpen, tx.Now().Add(consensusWindow)
		next += fmt.Sprintf("It passes at %s unless someone objects with `!object %s <reason>`; an objection opens a %d-day vote.",
			utc(p.WindowEnds), p.ID, int(votingPeriod.Hours()/24))
	}
	p.WikiPath = path.Join(ledger.ProposalPagesDir, p.ID+".md")
	parent := ForumAlias
	if p.Team != "" {
		parent = p.Team
	}
	tx.WritePage(p.WikiPath, ledger.Page{
		Front: ledger.Frontmatter{Title: p.Title, Author: me.Alias, Date: tx.Now().Format("2006-01-02"), Parent: parent, Team: p.Team,
			Topic: kind, Public: p.Scope == ledger.ScopeBinding},
		Body: "# " + escapeLineStart(p.Title) + "\n\n" + text + "\n",
	})
	tx.PutProposal(p)
	return ledger.Outcome{
		Action: "proposal.create", Target: p.ID,
		Reply: fmt.Sprintf("Proposal %s is made. %s", proposalWords(p), next),
	}, nil
}

// objectionReason is the reason an objection to id gives: one line, and
// required.
func objectionReason(c *call, id string) (string, error) {
	reason, err := oneLine("The objection", strings.Join(c.Args[1:], " "), maxObjection)
	if err != nil {
		return "", err
	}
	if reason == "" {
		return "", ledger.Refuse("An objection needs a reason: `!object %s <why>`.", id)
	}
	return reason, nil
}

// objectToProposal turns an open decision into a vote.
func objectToProposal(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	p, err := proposalArg(tx, c.Args[0])
	if err != nil {
		return ledger.Outcome{}, err
	}
	reason, err := objectionReason(c, p.ID)
	if err != nil {
		return ledger.Outcome{}, err
	}
	switch p.State {
	case ledger.ProposalVoting:
		return ledger.Outcome{}, ledger.Refuse("%s is already being voted on, until %s: vote against it with `!vote %s no`.", proposalWords(p), utc(p.VoteEnds), p.ID)
	case ledger.ProposalPassed, ledger.ProposalFailed:
		return ledger.Outcome{}, ledger.Refuse("%s was decided already: it %s.", proposalWords(p), p.State)
	}
	if !sentAt(tx, c).Before(p.WindowEnds) {
		return ledger.Outcome{}, ledger.Refuse("The window for objections to %s closed at %s, so it passes.", proposalWords(p), utc(p.WindowEnds))
	}
	if ok, why := mayVote(tx, me, p, tx.Now()); !ok {
		return ledger.Outcome{}, ledger.Refuse("You cannot object to %s: %s.", proposalWords(p), why)
	}
	p.ObjectedBy, p.Objected, p.Objection = me.Alias, tx.Now(), reason
	openVote(tx, &p)
	tx.PutProposal(p)
	return ledger.Outcome{
		Action: "proposal.object", Target: p.ID,
		Reply: fmt.Sprintf("Your objection is recorded: %s goes to a vote until %s. Weights are those of the owners' SK now; "+
			"at least %d of the %d owners who may vote must take part. Vote with `!vote %s yes|no|abstain`.",
			proposalWords(p), utc(p.VoteEnds), quorumOf(p.Eligible), p.Eligible, p.ID),
	}, nil
}

func announceProposalObjection(tx *ledger.Tx, c *call, res ledger.Result) []Announcement {
	p, ok := tx.Proposal(res.Target)
	if !ok || madeIn(p, c.Room) {
		return nil // the room saw the objection and its answer
	}
	return []Announcement{announceIn(p, fmt.Sprintf("%s objected to %s; it goes to a vote until %s: `!vote %s yes|no|abstain`.",
		c.alias, proposalWords(p), utc(p.VoteEnds), p.ID))}
}

var cmdVote = &Command{
	Name: "vote", Tier: TierQuery, Params: []Param{{Name: "proposal", Kind: KindProposal}, {Name: "yes|no|abstain", Kind: KindWord}},
	Summary: "vote on a proposal; you can change your vote until the vote ends",
	Help: fmt.Sprintf("Votes on a proposal that is being voted on (`!proposals voting` lists them). Your vote weighs %s, from your SK "+
		"when the vote opened, so karma earned during the vote does not change it. You can vote again until the end; your last vote counts. "+
		"Votes are open, as every action in SmartupOS is: who voted what is in the ledger, which every owner can read, during the vote too. "+
		"While a vote runs I show only how many have voted, never the running tally, so that early numbers do not pull the later votes; "+
		"the tally comes at the end. A decision passes with more weight for than against (a tie fails); a constitution change needs two thirds; "+
		"either needs %d %% of those who may vote to take part.", "1 + SK/1000, at most 1.5", quorumPct),
	write: castVote,
}

func castVote(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	p, err := proposalArg(tx, c.Args[0])
	if err != nil {
		return ledger.Outcome{}, err
	}
	choice := strings.ToLower(c.Args[1])
	if choice != ledger.VoteYes && choice != ledger.VoteNo && choice != ledger.VoteAbstain {
		return ledger.Outcome{}, ledger.Refuse("Vote `yes`, `no` or `abstain`, not %s: `!vote %s yes`.", quoteArg(c.Args[1]), p.ID)
	}
	switch p.State {
	case ledger.ProposalOpen:
		return ledger.Outcome{}, ledger.Refuse("%s is not being voted on: it passes at %s unless someone objects with `!object %s <reason>`, which opens a vote.",
			proposalWords(p), utc(p.WindowEnds), p.ID)
	case ledger.ProposalPassed, ledger.ProposalFailed:
		return ledger.Outcome{}, ledger.Refuse("The vote on %s is over: it %s. `!proposal %s` shows the result.", proposalWords(p), p.State, p.ID)
	}
	if !sentAt(tx, c).Before(p.VoteEnds) {
		return ledger.Outcome{}, ledger.Refuse("The vote on %s ended at %s; the result comes shortly.", proposalWords(p), utc(p.VoteEnds))
	}
	if ok, why := mayVote(tx, me, p, p.VoteOpened); !ok {
		return ledger.Outcome{}, ledger.Refuse("You cannot vote on %s: %s.", proposalWords(p), why)
	}
	prev, voted := lastVotes(tx, p.ID)[me.Alias]
	if voted && prev.Choice == choice {
		return ledger.Outcome{}, ledger.Refuse("Your vote on %s is %s already; nothing changed.", proposalWords(p), choice)
	}
	sk := skAt(tx, me.Alias, p.SKRows)
	w := voteWeight(sk)
	tx.AppendVote(ledger.Vote{Proposal: p.ID, Alias: me.Alias, Choice: choice, SK: sk, Weight: w, Sent: sentAt(tx, c)})
	what := "recorded"
	if voted {
		what = "changed from " + prev.Choice + " to " + choice
	}
	return ledger.Outcome{
		Action: "proposal.vote", Target: p.ID,
		Reply: fmt.Sprintf("Your vote on %s is %s: %s, weighing %s (your SK when the vote opened: %d). You can change it until %s; the last one counts. "+
			"Votes are public in the ledger; I show only their number until the end.",
			proposalWords(p), what, choice, w, sk, utc(p.VoteEnds)),
	}, nil
}
