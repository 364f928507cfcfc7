package toolbox

import (
	"fmt"
	"path"
	"strings"
	"unicode"

	"smartup0.org/engelbot/ledger"
)

// Team captains are elected and can be recalled (domain.md). An election
// or a recall is made in the team's own room and decided by those holding
// a role in the team: the people a captain leads choose them, as a team's
// own proposals are decided. Unlike a team's other proposals it is
// binding, not advisory — it changes who holds the captain's role — and
// the general forum hears it too, so the whole community sees who leads
// each team and why. It goes to a vote at once: a captain is elected, not
// appointed by silence. The scheduled job that closes the vote writes the
// change of role in the same write as the result, with the bot as actor.

// proposeCaptaincy makes an election (`election: <alias> [| text]`) or a
// recall (`recall: [| text]`) proposal in a team's room; rest is what
// follows the mark, as typed.
func proposeCaptaincy(tx *ledger.Tx, me ledger.Owner, c *call, kind string, rest string) (ledger.Outcome, error) {
	if c.Room.Kind != RoomTeam {
		return ledger.Outcome{}, ledger.Refuse("A team captain's %s is made in the team's own room, and those holding a role in the team vote on it: send `!propose %s` there.",
			kind, usageOf(kind))
	}
	team := c.Room.Team
	now := tx.Now()
	first, text, _ := strings.Cut(rest, "|")
	text, err := multiLine("The proposal's text", strings.TrimSpace(text), maxProposalText)
	if err != nil {
		return ledger.Outcome{}, err
	}
	p := ledger.Proposal{Kind: kind, Scope: ledger.ScopeBinding, Room: ledger.ProposalRoomTeam, Team: team, Author: me.Alias, Created: now}
	if ok, why := mayVote(tx, me, p, now); !ok {
		return ledger.Outcome{}, ledger.Refuse("You cannot propose here: %s. `!open_roles` shows how to join a team.", why)
	}
	if sk := tx.Balance(me.Alias).SK; sk < proposeMinSK {
		return ledger.Outcome{}, ledger.Refuse("Making a proposal takes %d SK, and you have %d (after decay); a member of the team with enough SK can propose it.", proposeMinSK, sk)
	}
	role, ok := captainRole(tx, team)
	if !ok {
		return ledger.Outcome{}, ledger.Refuse("The %s has no active captain's role to elect to. An admin creates one with `!create_role`.", teamWords(tx, team))
	}
	for q := range tx.Proposals() {
		if q.Team == team && (q.Kind == ledger.ProposalElection || q.Kind == ledger.ProposalRecall) && q.State == ledger.ProposalVoting {
			return ledger.Outcome{}, ledger.Refuse("The %s already votes on its captaincy in %s, until %s: vote there with `!vote %s yes|no|abstain`, and propose again after it.",
				teamWords(tx, team), proposalWords(q), utc(q.VoteEnds), q.ID)
		}
	}
	current, hasCaptain := captainOf(tx, role.ID)
	teamName := teamNameOf(tx, team)
	var about string
	if kind == ledger.ProposalElection {
		candidate := strings.TrimSpace(first)
		if candidate == "" || strings.ContainsFunc(candidate, unicode.IsSpace) {
			return ledger.Outcome{}, ledger.Refuse("Name one candidate: `!propose election: <alias> [| why]`.")
		}
		who, err := findOwner(tx, candidate)
		if err != nil {
			return ledger.Outcome{}, err
		}
		if err := mayCaptain(tx, c.founderID, who, role); err != nil {
			return ledger.Outcome{}, err
		}
		if hasCaptain && current.Alias == who.Alias {
			return ledger.Outcome{}, ledger.Refuse("%s captains the %s already. `!propose recall:` asks the team whether they should go on.", who.Alias, teamWords(tx, team))
		}
		p.Subject, p.Title = who.Alias, fmt.Sprintf("Elect %s captain of the %s", who.Alias, teamName)
		about = fmt.Sprintf("- Candidate: %s\n", who.Alias)
		if hasCaptain {
			about += fmt.Sprintf("- Captain now: %s, whose role ends if the election passes\n", current.Alias)
		}
	} else {
		if strings.TrimSpace(first) != "" {
			return ledger.Outcome{}, ledger.Refuse("A recall names no one: it recalls the team's captain. `!propose recall: [| why]`.")
		}
		if !hasCaptain {
			return ledger.Outcome{}, ledger.Refuse("The %s has no captain to recall. `!propose election: <alias>` elects one.", teamWords(tx, team))
		}
		p.Subject, p.Title = current.ID, fmt.Sprintf("Recall %s as captain of the %s", current.Alias, teamName)
		about = fmt.Sprintf("- Captain: %s (assignment %s, since %s)\n", current.Alias, current.ID, current.Since.Format("2006-01-02"))
	}
	if p.ID, err = nextProposalID(tx); err != nil {
		return ledger.Outcome{}, err
	}
	openVote(tx, &p)
	p.WikiPath = path.Join(ledger.ProposalPagesDir, p.ID+".md")
	body := "# " + escapeLineStart(p.Title) + "\n\n- Team: " + team + "\n- Role: " + role.ID + "\n" + about
	if text != "" {
		body += "\n" + text + "\n"
	}
	tx.WritePage(p.WikiPath, ledger.Page{
		Front: ledger.Frontmatter{Title: p.Title, Author: me.Alias, Date: now.Format("2006-01-02"), Parent: team, Team: team, Topic: kind, Public: true},
		Body:  body,
	})
	tx.PutProposal(p)
	return ledger.Outcome{
		Action: "proposal.create", Target: p.ID,
		Reply: fmt.Sprintf("Proposal %s is made and goes to a vote of those holding a role in the %s at once, until %s: more weight for than against passes it, "+
			"with at least %d of the %d who may vote taking part. The result binds, and this room and the general forum hear it. Vote with `!vote %s yes|no|abstain`.",
			proposalWords(p), teamWords(tx, team), utc(p.VoteEnds), quorumOf(p.Eligible), p.Eligible, p.ID),
	}, nil
}

func usageOf(kind string) string {
	if kind == ledger.ProposalElection {
		return electionMark + " <alias> [| why]"
	}
	return recallMark + " [| why]"
}

// mayCaptain refuses an owner who cannot be a team's captain, saying why:
// an active owner whose license may hold roles, with the SK a captain
// needs (and a leadership team's captain the SK that team needs).
func mayCaptain(tx *ledger.Tx, founder string, who ledger.Owner, role ledger.Role) error {
	switch {
	case who.Status != ledger.StatusActive:
		return ledger.Refuse("%s is not an active owner, so they can't be a captain.", who.Alias)
	case !canWork(who):
		return ledger.Refuse("%s has a %s license, which can't hold roles; an admin can `!set_license %s work` first.", who.Alias, who.License, who.Alias)
	}
	if sk := tx.Balance(who.Alias).SK; sk < captainMinSK {
		return ledger.Refuse("A team captain needs %d SK, and %s has %d (after decay). SK comes from reviews, mentoring, kudos and other work for the community.", captainMinSK, who.Alias, sk)
	}
	return leadershipRefusal(tx, founder, role, who.Alias, who.Alias)
}

// closeReason is a refusal's reason without the advice on what to send
// next, which speaks to someone proposing, not to a room hearing a result.
func closeReason(reason string) string {
	first, _, _ := strings.Cut(reason, ". ")
	return strings.TrimSuffix(first, ".")
}

// captainRole is a team's active captain role.
func captainRole(tx *ledger.Tx, team string) (ledger.Role, bool) {
	for r := range tx.Roles() {
		if r.Team == team && r.Type == ledger.RoleCaptain && r.Status == ledger.StatusActive {
			return r, true
		}
	}
	return ledger.Role{}, false
}

// captainOf is the active assignment to a captain's role.
func captainOf(tx *ledger.Tx, role string) (ledger.Assignment, bool) {
	for a := range tx.Assignments() {
		if a.Role == role && a.Status == ledger.StatusActive {
			return a, true
		}
	}
	return ledger.Assignment{}, false
}

// teamNameOf is a team's name as typed into the ledger, for a title that
// is escaped where it is shown.
func teamNameOf(tx *ledger.Tx, id string) string {
	if t, ok := tx.Team(id); ok && t.Name != "" {
		return t.Name
	}
	return id
}

// settleCaptaincy applies a closed election or recall, in the same write
// as the result: a passed election ends the captain's assignment and
// assigns the candidate, if they can still be captain; a passed recall
// ends the captain's assignment. It answers what happened, in words.
func settleCaptaincy(tx *ledger.Tx, founder string, p ledger.Proposal, passed bool) string {
	if !passed {
		return "; nothing changes"
	}
	now := tx.Now()
	if p.Kind == ledger.ProposalRecall {
		a, ok := tx.Assignment(p.Subject)
		if !ok || a.Status != ledger.StatusActive {
			return "; the captain had left the role already, so nothing changed"
		}
		a.Status, a.Until = ledger.StatusEnded, now
		tx.PutAssignment(a)
		return fmt.Sprintf("; %s is no longer captain (%s)", a.Alias, a.Role)
	}
	role, ok := captainRole(tx, p.Team)
	if !ok {
		return "; the team has no active captain's role any more, so nobody was assigned"
	}
	who, ok := tx.Owner(p.Subject)
	if !ok {
		return fmt.Sprintf("; %s is not in the Book of Owners, so nobody was assigned", p.Subject)
	}
	// Eligibility at the close, by the same rule as at the proposal: the
	// status, the license and the SK (after the decay written during the
	// vote) may have changed, and a captain is seated only if they may be
	// one now.
	if err := mayCaptain(tx, founder, who, role); err != nil {
		reason, _ := ledger.IsRefusal(err)
		keeps := "the team stays without a captain"
		if a, ok := captainOf(tx, role.ID); ok {
			keeps = a.Alias + " stays captain"
		}
		return fmt.Sprintf("; but %s can no longer be captain, so nobody was assigned and %s: %s", who.Alias, keeps, closeReason(reason))
	}
	previous := ""
	if a, ok := captainOf(tx, role.ID); ok {
		if a.Alias == who.Alias {
			return fmt.Sprintf("; %s was captain already", who.Alias)
		}
		a.Status, a.Until = ledger.StatusEnded, now
		tx.PutAssignment(a)
		previous = fmt.Sprintf(", and %s's captaincy ended", a.Alias)
	}
	id, err := firstFree(1, func(n int) (string, error) { return newAssignmentID(who.Alias, role.ID, n) },
		func(id string) bool { _, taken := tx.Assignment(id); return taken })
	if err != nil {
		return "; but no assignment ID was free, so nobody was assigned: please tell whoever runs Engelbot"
	}
	tx.PutAssignment(ledger.Assignment{ID: id, Role: role.ID, Alias: who.Alias, Status: ledger.StatusActive, Since: now})
	return fmt.Sprintf("; %s is now captain (%s)%s", who.Alias, role.ID, previous)
}
