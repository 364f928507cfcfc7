package publish

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"smartup0.org/engelbot/ledger"
)

// governancePath is the page of the community's binding proposals.
const governancePath = "governance.md"

// kindWords names a proposal's kind for readers.
var kindWords = map[string]string{
	ledger.ProposalDecision:     "decision",
	ledger.ProposalConstitution: "constitution change",
	ledger.ProposalContestedSC:  "contested SC",
	ledger.ProposalElection:     "captain election",
	ledger.ProposalRecall:       "captain recall",
}

// governancePage renders the binding proposals, newest first: what was
// proposed, by whom, where it stands, and the tally once the vote is over.
// Only binding proposals are published — their pages are the public ones;
// a team's advisory proposals stay with the team. While a vote runs the
// page shows no tally, as the rooms show none: early numbers pull later
// votes. The proposal's text, objection and result wording are not shown:
// they are typed or composed text the ledger keeps; the title, escaped, is
// enough to find the page in the ledger.
func governancePage(b *book) []byte {
	var ps []ledger.Proposal
	for p := range b.tx.Proposals() {
		if p.Scope == ledger.ScopeBinding {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(x, y ledger.Proposal) int { return compareIDs(y.ID, x.ID) })

	var w strings.Builder
	w.WriteString("# Governance\n\n")
	w.WriteString("The community's binding proposals, newest first: those made in the general forum, contested SC, and " +
		"captain elections and recalls. A decision passes after 48 hours without objection; an objection, a constitution " +
		"change, contested SC and elections go to a 7-day vote weighted by SK as of its opening. The tally is shown once " +
		"the vote is over.\n\n")
	if len(ps) == 0 {
		w.WriteString("No proposals yet.\n")
		return []byte(w.String())
	}
	w.WriteString("| Proposal | Kind | Title | By | State | Tally (head count, weight) |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, p := range ps {
		fmt.Fprintf(&w, "| %s | %s | %s | %s | %s | %s |\n", text(p.ID), b.proposalKind(p), text(p.Title),
			b.aliasWords(p.Author), proposalState(p), tally(p))
	}
	return []byte(w.String())
}

// proposalKind is the kind, with what it acts on where the site shows it.
func (b *book) proposalKind(p ledger.Proposal) string {
	k, ok := kindWords[p.Kind]
	if !ok {
		return "—"
	}
	switch p.Kind {
	case ledger.ProposalElection:
		return k + ": " + b.aliasWords(p.Subject) + " for " + b.teamLink(governancePath, p.Team)
	case ledger.ProposalRecall:
		return k + ": " + b.teamLink(governancePath, p.Team)
	case ledger.ProposalContestedSC:
		if a, ok := b.tx.Assessment(p.Subject); ok {
			if _, ok := b.taskPage[a.Task]; ok {
				return k + " of " + b.taskLink(governancePath, a.Task)
			}
		}
	}
	return k
}

// aliasWords links an owner the site shows, and shows nobody else.
func (b *book) aliasWords(alias string) string {
	if _, ok := b.ownerPage[alias]; ok {
		return b.ownerLink(governancePath, alias)
	}
	return "—"
}

// proposalState says where a proposal stands, with its deadline.
func proposalState(p ledger.Proposal) string {
	at := func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") + " UTC" }
	switch p.State {
	case ledger.ProposalOpen:
		return "open: passes at " + at(p.WindowEnds) + " unless someone objects"
	case ledger.ProposalVoting:
		return "being voted on until " + at(p.VoteEnds)
	case ledger.ProposalPassed:
		return "**passed** " + at(p.Closed)
	case ledger.ProposalFailed:
		return "**failed** " + at(p.Closed)
	}
	return "—"
}

// tally is a closed vote's count; nothing while it runs or when it never
// went to a vote.
func tally(p ledger.Proposal) string {
	if p.VoteOpened.IsZero() || (p.State != ledger.ProposalPassed && p.State != ledger.ProposalFailed) {
		return "—"
	}
	return fmt.Sprintf("yes %d (%s), no %d (%s), abstain %d (%s); %d could vote", p.Yes, p.YesWeight, p.No, p.NoWeight,
		p.Abstain, p.AbstainWeight, p.Eligible)
}
