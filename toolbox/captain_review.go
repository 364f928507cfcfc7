package toolbox

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"smartup0.org/engelbot/ledger"
)

// This file is the validation pipeline of SC (domain.md): work handed in →
// assessed (effort, learning, collaboration) → pending SC → approved by the
// captain → 48 h lazy consensus → awarded by the scheduled job, or
// contested by an objection.

const maxNote = 1000

var cmdAssess = &Command{
	Name: "assess", Tier: TierCaptain, Params: []Param{{Name: "task_id", Kind: KindTask}, {Name: "effort", Kind: KindScore}, {Name: "learning", Kind: KindScore}, {Name: "collaboration", Kind: KindScore}, {Name: "note", Kind: KindText, Optional: true, Rest: true}},
	Summary: "score a task's work 1–10 on effort, learning and collaboration; SC becomes pending",
	Help: "Scores a task waiting for review. The total of the three scores (3–30) sets the payout: 60 % of the budget at 3, " +
		"rising evenly to 100 % at 30 (rounded down to a whole percent, then to a whole SC). The attacker gets 90 % and the " +
		"defender 10 % (the defender's share rounded down, the attacker's the rest, so no credit is lost). The SC is pending " +
		"until you `!approve` the task and 48 hours pass without objection. You can assess again before approving, or after " +
		"an objection; you can't assess a task you work on yourself. When the treasury does not cover the award (the 3x rule: " +
		"SC outstanding may not exceed 3 × the euro treasury), the answer says so: the assessment stands, and the award waits " +
		"for a deposit.",
	write: assessTask,
}

func assessTask(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	task, err := taskArg(tx, c.Args[0])
	if err != nil {
		return ledger.Outcome{}, err
	}
	if err := captainScope(tx, c, task.Team, fmt.Sprintf("`%s`", task.ID)); err != nil {
		return ledger.Outcome{}, err
	}
	// Effort, learning, collaboration: each 1–10, checked with the arguments.
	var scores [3]int
	for i := range scores {
		scores[i], _ = strconv.Atoi(c.Args[1+i])
	}
	note, err := oneLine("The note", strings.Join(c.Args[4:], " "), maxNote)
	if err != nil {
		return ledger.Outcome{}, err
	}
	switch task.State {
	case ledger.TaskReview, ledger.TaskAssessed, ledger.TaskContested:
	case ledger.TaskApproved:
		return ledger.Outcome{}, ledger.Refuse("`%s` is approved and in its 48-hour window; it can't be assessed again unless an owner objects (`!object %s <reason>`) and the forum's vote does not award it.", task.ID, task.ID)
	default:
		return ledger.Outcome{}, ledger.Refuse("`%s` is %s, so there is no finished work to assess. A task is assessed after its worker closes the session with `!stop_work`.", task.ID, stateWords(task.State))
	}
	if p, voting := disputeOf(tx, liveID(tx, task.ID)); voting {
		return ledger.Outcome{}, ledger.Refuse("The SC for `%s` is being voted on in the general forum (%s) until %s; if the vote does not award it, you can assess the task again then.", task.ID, p.ID, utc(p.VoteEnds))
	}
	if pos := task.PositionOf(me.Alias); pos != "" {
		return ledger.Outcome{}, ledger.Refuse("You are the %s of `%s`, so you can't assess it yourself. The founder, or the captain of another team, can.", pos, task.ID)
	}
	if task.Attacker == "" {
		return ledger.Outcome{}, ledger.Refuse("`%s` has no attacker, so there is nobody to pay. `!assign %s <alias> attacker` first.", task.ID, task.ID)
	}
	for _, who := range []string{task.Attacker, task.Defender} {
		if who == "" {
			continue
		}
		if o, ok := tx.Owner(who); !ok || o.Status != ledger.StatusActive || !canWork(o) {
			return ledger.Outcome{}, ledger.Refuse("%s can't earn SC now (not an active owner with a Work or Organizational license). An admin can `!set_license %s work`, or you can `!assign %s <alias>` someone else first.", who, who, task.ID)
		}
		if s, ok := openSession(tx, who); ok && s.Task == task.ID {
			return ledger.Outcome{}, ledger.Refuse("%s still has a work session open on `%s`. Assess it once they `!stop_work`.", who, task.ID)
		}
	}

	total := scores[0] + scores[1] + scores[2]
	pct := payoutPct(total)
	pay := payout(task.BudgetSC, pct)
	att, def := split(pay)
	if task.Defender == "" {
		def = 0 // the pair is the unit of work: without a defender, their share is not paid
	}
	replaced, _ := liveAssessment(tx, task.ID)
	if err := checkDailySC(tx, replaced.ID, task.Attacker, att, task.Defender, def); err != nil {
		return ledger.Outcome{}, err
	}

	now := tx.Now()
	reassessed := ""
	if prev, ok := liveAssessment(tx, task.ID); ok {
		settlePending(tx, prev, ledger.SCCancelled, "re-assessed")
		prev.State, prev.Settled = ledger.AssessmentSuperseded, now
		tx.PutAssessment(prev)
		reassessed = fmt.Sprintf(" This replaces assessment %s.", prev.ID)
	}
	aID, err := nextAssessmentID(tx)
	if err != nil {
		return ledger.Outcome{}, err
	}
	a := ledger.Assessment{
		ID: aID, Task: task.ID, Effort: scores[0], Learning: scores[1], Collaboration: scores[2],
		PayoutPct: pct, PayoutSC: att + def, AttackerSC: att, DefenderSC: def, State: ledger.AssessmentAssessed,
		AssessedBy: me.Alias, Assessed: now, Note: note,
	}
	tx.PutAssessment(a)
	if att > 0 {
		tx.AppendSC(ledger.SCTx{Alias: task.Attacker, Task: task.ID, Kind: ledger.SCPending, Amount: att, Share: ledger.Attacker, Note: a.ID})
	}
	if def > 0 {
		tx.AppendSC(ledger.SCTx{Alias: task.Defender, Task: task.ID, Kind: ledger.SCPending, Amount: def, Share: ledger.Defender, Note: a.ID})
	}
	task.State, task.Updated = ledger.TaskAssessed, now
	tx.PutTask(task)

	shares := fmt.Sprintf("%s %d SC (attacker)", task.Attacker, att)
	switch {
	case task.Defender != "":
		shares += fmt.Sprintf(", %s %d SC (defender)", task.Defender, def)
	case pay > att:
		shares += fmt.Sprintf("; the defender's share (%d SC) is not paid, since nobody defended the task", pay-att)
	}
	return ledger.Outcome{
		Action: "task.assess", Target: task.ID,
		Reply: fmt.Sprintf("Assessed `%s`: effort %d, learning %d, collaboration %d (%d of 30) → %d %% of %d SC = %d SC; pending: %s.%s `!approve %s` starts the 48-hour window.%s",
			task.ID, scores[0], scores[1], scores[2], total, pct, task.BudgetSC, pay, shares, reassessed, task.ID, treasuryWarning(tx)),
	}, nil
}

// checkDailySC refuses an assessment that would give someone more SC in a
// UTC day than the daily cap. SC assessed today counts unless it was taken
// back (cancelled, contested) or is being replaced by this assessment.
func checkDailySC(tx *ledger.Tx, replacing, attacker string, att int, defender string, def int) error {
	start := utcDay(tx.Now())
	end := start.Add(24 * time.Hour)
	// Today's rows and every row after them hold today's pending rows and
	// whatever settled them: no need to read further back.
	recent := tx.SCFrom(start)
	settled := map[string]string{}
	for t := range recent {
		if t.Kind != ledger.SCPending {
			settled[t.Ref] = t.Kind
		}
	}
	today := map[string]int{}
	for t := range recent {
		takenBack := settled[t.ID] == ledger.SCCancelled || settled[t.ID] == ledger.SCContested
		if t.Kind == ledger.SCPending && !t.Time.Before(start) && t.Time.Before(end) &&
			!takenBack && (replacing == "" || t.Note != replacing) {
			today[t.Alias] += t.Amount
		}
	}
	for _, s := range []struct {
		who string
		n   int
	}{{attacker, att}, {defender, def}} {
		if s.who != "" && s.n > 0 && today[s.who]+s.n > dailySCCap {
			return ledger.Refuse("%s has had %d SC assessed today, and %d more would pass the daily limit of %d SC. Assess it after midnight UTC.", s.who, today[s.who], s.n, dailySCCap)
		}
	}
	return nil
}

// liveAssessment is the task's assessment whose SC is still pending:
// assessed, approved, or disputed by a vote. A task has at most one.
func liveAssessment(tx *ledger.Tx, task string) (ledger.Assessment, bool) {
	for a := range tx.Assessments() {
		if a.Task == task && (a.State == ledger.AssessmentAssessed || a.State == ledger.AssessmentApproved || a.State == ledger.AssessmentDisputed) {
			return a, true
		}
	}
	return ledger.Assessment{}, false
}

// liveID is the ID of the task's live assessment, "" if none.
func liveID(tx *ledger.Tx, task string) string {
	a, _ := liveAssessment(tx, task)
	return a.ID
}

// settlePending settles every pending SC row of an assessment with a row of
// the given kind (awarded, contested, cancelled), and returns them.
func settlePending(tx *ledger.Tx, a ledger.Assessment, kind, note string) []ledger.SCTx {
	var pending []ledger.SCTx
	for _, t := range tx.OpenPending() {
		if t.Task == a.Task && t.Note == a.ID {
			pending = append(pending, t)
		}
	}
	var out []ledger.SCTx
	for _, p := range pending {
		s := ledger.SCTx{Alias: p.Alias, Task: p.Task, Kind: kind, Amount: p.Amount, Share: p.Share, Ref: p.ID, Note: note}
		s.ID = tx.AppendSC(s)
		out = append(out, s)
	}
	return out
}

// nextAssessmentID is as_<n> for the first n not taken.
func nextAssessmentID(tx *ledger.Tx) (string, error) {
	return firstFree(countOf(tx.Assessments())+1, newAssessmentID, func(id string) bool { _, ok := tx.Assessment(id); return ok })
}

var cmdApprove = &Command{
	Name: "approve", Tier: TierCaptain, Params: []Param{{Name: "task_id", Kind: KindTask}},
	Summary: "approve an assessed task: 48 hours for objections, then its SC is awarded",
	Help: "Approves the assessment of a task and starts its 48-hour lazy-consensus window: any owner may " +
		"`!object <task_id> <reason>` until it ends; without an objection the SC is awarded when it does, as soon as the treasury " +
		"covers it (the 3x rule; otherwise the award is held back until a deposit makes room, and the team's room hears so). The team's room hears of it.",
	write:    approveTask,
	announce: announceApproval,
}

func approveTask(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	task, err := taskArg(tx, c.Args[0])
	if err != nil {
		return ledger.Outcome{}, err
	}
	if err := captainScope(tx, c, task.Team, fmt.Sprintf("`%s`", task.ID)); err != nil {
		return ledger.Outcome{}, err
	}
	a, ok := liveAssessment(tx, task.ID)
	if task.State != ledger.TaskAssessed || !ok || a.State != ledger.AssessmentAssessed {
		return ledger.Outcome{}, ledger.Refuse("`%s` is %s; only an assessed task can be approved. `!assess %s <effort> <learning> <collaboration>` first.", task.ID, stateWords(task.State), task.ID)
	}
	if pos := task.PositionOf(me.Alias); pos != "" {
		return ledger.Outcome{}, ledger.Refuse("You are the %s of `%s`, so you can't approve its SC yourself.", pos, task.ID)
	}
	now := tx.Now()
	a.State, a.ApprovedBy, a.Approved, a.WindowEnds = ledger.AssessmentApproved, me.Alias, now, now.Add(consensusWindow)
	tx.PutAssessment(a)
	task.State, task.Updated = ledger.TaskApproved, now
	tx.PutTask(task)
	return ledger.Outcome{
		Action: "task.approve", Target: task.ID,
		Reply: fmt.Sprintf("Approved `%s`: %d SC will be awarded at %s UTC unless an owner objects before then with `!object %s <reason>`.",
			task.ID, a.PayoutSC, a.WindowEnds.Format("2006-01-02 15:04"), task.ID),
	}, nil
}

func announceApproval(tx *ledger.Tx, c *call, res ledger.Result) []Announcement {
	t, ok := tx.Task(res.Target)
	a, live := liveAssessment(tx, res.Target)
	if !ok || !live {
		return nil
	}
	return []Announcement{{Team: t.Team, Text: fmt.Sprintf("%s approved %d SC for `%s` (%s). Any owner may `!object %s <reason>` until %s UTC.",
		c.alias, a.PayoutSC, t.ID, mdText(t.Title), t.ID, a.WindowEnds.Format("2006-01-02 15:04"))}}
}

var cmdObject = &Command{
	Name: "object", Tier: TierQuery, Params: []Param{{Name: "task_id|proposal", Kind: KindObjectable}, {Name: "reason", Kind: KindText, Rest: true}},
	Summary: "contest an approved task's SC within its 48-hour window (the forum votes on it), or object to a proposal",
	Help: "Any owner who may vote may object to an approved assessment while its 48-hour window runs. The SC is then contested: " +
		"it stays pending while the general forum votes on it (a vote of every owner, opened at once, the usual 7 days, quorum and majority). " +
		"If the vote passes, the SC is awarded as assessed; if it fails, the task goes back to its captain to be assessed again. " +
		"Say why; the team's room and the forum hear of it. " +
		"Given a proposal's ID (`prop_3`), it objects to a proposal during its 48 hours of lazy consensus: the proposal then goes to a vote " +
		"(`!vote`) instead of passing.",
	write:    objectTo,
	announce: announceObjectionOf,
}

// objectTo dispatches on the ID's shape: a proposal ID (prop_<n>) objects
// to a proposal, anything else (a task ID, as checked with the arguments)
// to a task's SC.
func objectTo(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	if isProposalID(c.Args[0]) {
		return objectToProposal(tx, me, c)
	}
	return objectToTask(tx, me, c)
}

func announceObjectionOf(tx *ledger.Tx, c *call, res ledger.Result) []Announcement {
	if isProposalID(c.Args[0]) {
		return announceProposalObjection(tx, c, res)
	}
	return announceObjection(tx, c, res)
}

// sentAt is when the command was sent, as far as a deadline is concerned:
// the homeserver's time, never later than the ledger's clock.
func sentAt(tx *ledger.Tx, c *call) time.Time {
	if !c.Sent.IsZero() && c.Sent.Before(tx.Now()) {
		return c.Sent
	}
	return tx.Now()
}
