package toolbox

import (
	"fmt"
	"path"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// Contested SC goes to a vote (domain.md: "objection → contested", and "a
// contested decision goes to a full vote"). An objection to an approved
// task's SC opens, at once, a vote of the whole community in the general
// forum on whether the pending SC is awarded as assessed. The forum, not
// the team, decides: SC is a claim on the treasury every owner shares, so
// the vote binds ("binding votes in the General Forum"), and a team voting
// on its own members' pay would judge its own case. The task's team room
// hears of the vote and its result as well. The vote skips lazy consensus:
// the objection has already happened.

// objectToTask contests an approved task's SC within its window: the
// assessment is disputed (its SC stays pending, nobody can assess the task
// meanwhile) and a contested_sc proposal opens its vote.
func objectToTask(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	task, err := taskArg(tx, c.Args[0])
	if err != nil {
		return ledger.Outcome{}, err
	}
	reason, err := objectionReason(c, task.ID)
	if err != nil {
		return ledger.Outcome{}, err
	}
	a, ok := liveAssessment(tx, task.ID)
	if ok && a.State == ledger.AssessmentDisputed {
		if p, voting := disputeOf(tx, a.ID); voting {
			return ledger.Outcome{}, ledger.Refuse("The SC for `%s` is already contested: the forum votes on it until %s. Vote against it with `!vote %s no`.", task.ID, utc(p.VoteEnds), p.ID)
		}
	}
	if task.State != ledger.TaskApproved || !ok || a.State != ledger.AssessmentApproved {
		return ledger.Outcome{}, ledger.Refuse("`%s` is %s; objections are for approved tasks during their 48-hour window.", task.ID, stateWords(task.State))
	}
	now := tx.Now()
	if sent := sentAt(tx, c); !sent.Before(a.WindowEnds) {
		return ledger.Outcome{}, ledger.Refuse("The window for objections to `%s` closed at %s UTC, so its SC stands.", task.ID, a.WindowEnds.Format("2006-01-02 15:04"))
	}
	p := ledger.Proposal{
		Kind: ledger.ProposalContestedSC, Scope: ledger.ScopeBinding, Room: ledger.ProposalRoomForum, Team: task.Team, Subject: a.ID,
		Title:  fmt.Sprintf("Award the %d SC of %s (%s) as assessed", a.PayoutSC, task.ID, task.Title),
		Author: me.Alias, Created: now, ObjectedBy: me.Alias, Objected: now, Objection: reason,
	}
	if ok, why := mayVote(tx, me, p, now); !ok {
		return ledger.Outcome{}, ledger.Refuse("You cannot object to the SC for `%s`: %s, and an objection opens a vote of the owners.", task.ID, why)
	}
	if p.ID, err = nextProposalID(tx); err != nil {
		return ledger.Outcome{}, err
	}
	openVote(tx, &p)
	p.WikiPath = path.Join(ledger.ProposalPagesDir, p.ID+".md")
	tx.WritePage(p.WikiPath, contestedPage(task, a, p))
	tx.PutProposal(p)
	a.State, a.ObjectedBy, a.Objected, a.Objection = ledger.AssessmentDisputed, me.Alias, now, reason
	tx.PutAssessment(a)
	task.State, task.Updated = ledger.TaskContested, now
	tx.PutTask(task)
	return ledger.Outcome{
		Action: "task.object", Target: task.ID,
		Reply: fmt.Sprintf("Your objection is recorded: the %d SC for `%s` is contested and stays pending while the general forum votes on it, "+
			"as %s, until %s. If the vote passes the SC is awarded as assessed; if not, the task goes back to its captain for a new assessment. "+
			"At least %d of the %d owners who may vote must take part. Vote with `!vote %s yes|no|abstain`.",
			a.PayoutSC, task.ID, p.ID, utc(p.VoteEnds), quorumOf(p.Eligible), p.Eligible, p.ID),
	}, nil
}

// contestedPage is the proposal page of a contested SC vote: what was
// assessed, who objected and why, and what each answer does.
func contestedPage(t ledger.Task, a ledger.Assessment, p ledger.Proposal) ledger.Page {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", escapeLineStart(p.Title))
	fmt.Fprintf(&b, "- Task: %s — %s (%s)\n", t.ID, mdText(t.Title), t.Team)
	fmt.Fprintf(&b, "- Assessment: %s by %s: effort %d, learning %d, collaboration %d → %d SC (attacker %d, defender %d)\n",
		a.ID, a.AssessedBy, a.Effort, a.Learning, a.Collaboration, a.PayoutSC, a.AttackerSC, a.DefenderSC)
	fmt.Fprintf(&b, "- Approved by: %s\n", a.ApprovedBy)
	fmt.Fprintf(&b, "- Objection by %s: %s\n", p.ObjectedBy, mdText(p.Objection))
	b.WriteString("\nVote yes to award the SC as assessed, no to send the task back to its captain for a new assessment.\n")
	return ledger.Page{
		Front: ledger.Frontmatter{Title: p.Title, Author: p.Author, Date: p.Created.Format("2006-01-02"), Parent: ForumAlias, Team: t.Team,
			Topic: p.Kind, Public: true},
		Body: b.String(),
	}
}

// disputeOf is the contested SC vote on an assessment, if one is running.
func disputeOf(tx *ledger.Tx, assessment string) (ledger.Proposal, bool) {
	for p := range tx.Proposals() {
		if p.Kind == ledger.ProposalContestedSC && p.Subject == assessment && p.State == ledger.ProposalVoting {
			return p, true
		}
	}
	return ledger.Proposal{}, false
}

// settleContested applies a closed contested SC vote to its assessment,
// in the same write as the result: passed, the assessment is approved
// again with its window long over, so the award job pays it as it pays
// any other — the 3x rule holding it back until the treasury covers it;
// failed, its pending SC is contested and the task goes back to review,
// for its captain to assess again. It answers what happened, in words.
func settleContested(tx *ledger.Tx, p ledger.Proposal, passed bool) string {
	a, ok := tx.Assessment(p.Subject)
	if !ok || a.State != ledger.AssessmentDisputed {
		return "; the assessment was no longer contested, so nothing changed"
	}
	task, ok := tx.Task(a.Task)
	if !ok {
		return "; the task is not in the ledger, so nothing changed"
	}
	now := tx.Now()
	if passed {
		a.State = ledger.AssessmentApproved
		tx.PutAssessment(a)
		task.State, task.Updated = ledger.TaskApproved, now
		tx.PutTask(task)
		return fmt.Sprintf("; the %d SC for %s is awarded as assessed, as soon as the treasury covers it", a.PayoutSC, task.ID)
	}
	settlePending(tx, a, ledger.SCContested, "the vote "+p.ID+" did not award it")
	a.State, a.Settled = ledger.AssessmentContested, now
	tx.PutAssessment(a)
	task.State, task.Updated = ledger.TaskReview, now
	tx.PutTask(task)
	return fmt.Sprintf("; the %d SC for %s is not awarded, and the task goes back to its captain for a new assessment", a.PayoutSC, task.ID)
}

// upheldWords says that an approved assessment was objected to and the
// forum's vote upheld it: its window is over, and it waits for the award
// job, which pays it once the treasury covers it (the 3x rule).
func upheldWords(tx *ledger.Tx, a ledger.Assessment) (string, bool) {
	if a.State != ledger.AssessmentApproved || a.ObjectedBy == "" {
		return "", false
	}
	vote := "the forum's vote"
	for p := range tx.Proposals() {
		if p.Kind == ledger.ProposalContestedSC && p.Subject == a.ID && p.State == ledger.ProposalPassed {
			vote = fmt.Sprintf("the forum's vote (`%s`)", p.ID)
		}
	}
	return "upheld by " + vote + "; waiting for the award (the treasury: `!treasury`)", true
}

// announceObjection tells the rooms that did not see the objection — the
// task's team room, the general forum — that its SC goes to a vote.
func announceObjection(tx *ledger.Tx, c *call, res ledger.Result) []Announcement {
	t, ok := tx.Task(res.Target)
	if !ok {
		return nil
	}
	a, live := liveAssessment(tx, t.ID)
	p, voting := disputeOf(tx, a.ID)
	if !live || !voting {
		return nil
	}
	text := fmt.Sprintf("%s objected to the %d SC for `%s` (%s): the general forum votes on whether it is awarded as assessed, until %s: `!vote %s yes|no|abstain`.",
		c.alias, a.PayoutSC, t.ID, mdText(t.Title), utc(p.VoteEnds), p.ID)
	var out []Announcement
	for _, an := range announceAll(p, text) {
		if !(an.Forum && c.Room.Kind == RoomForum) && !(an.Team != "" && !an.Forum && c.Room.Kind == RoomTeam && c.Room.Team == an.Team) {
			out = append(out, an)
		}
	}
	return out
}

// announceAll is the announcements of a proposal's news: the room it was
// made in, and for the binding proposals about one team (a contested SC, a
// captain's election or recall) the other of the team's room and the
// forum.
func announceAll(p ledger.Proposal, text string) []Announcement {
	out := []Announcement{announceIn(p, text)}
	if p.Team != "" && p.Scope == ledger.ScopeBinding {
		if p.Room == ledger.ProposalRoomForum {
			out = append(out, Announcement{Team: p.Team, Text: text})
		} else {
			out = append(out, Announcement{Forum: true, Text: text})
		}
	}
	return out
}
