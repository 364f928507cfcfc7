package toolbox

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"smartup0.org/engelbot/ledger"
)

// Scheduled jobs are ledger writes like any command, with the bot as the
// actor. Each has an event ID made from what it is for (the assessment, the
// month), so the ledger's exactly-once rule makes a second run — after a
// restart, or by a second process — write nothing. Their rules check the
// ledger again inside the mutation as well.

// JobActor is the actor of scheduled writes in the audit trail.
const JobActor = "engelbot"

// JobResult is one scheduled write: which job, for what, and its answer.
type JobResult struct {
	Job  string // finalize, hold, decay, proposal
	Key  string // the assessment, month or proposal it ran for
	Text string // what it did, in words
	// Duplicate: it had run before for this key; nothing was written.
	Duplicate bool
	Err       error
	// Announce is what the rooms hear of it (awarded SC, decided proposals).
	Announce []Announcement
}

// RunJobs does every scheduled write that is due at the ledger's clock:
// awarding SC whose lazy-consensus window has passed, deciding proposals
// whose time is up, and this month's SK decay. It answers what it did; a failed job is tried again next time.
func (tb *Toolbox) RunJobs(ctx context.Context) []JobResult {
	snap, err := tb.ledger.Snapshot(ctx)
	if err != nil {
		return []JobResult{{Job: "jobs", Err: err}}
	}
	now := tb.ledger.Now()
	tx := snap.ReadAt(now)
	// Proposals first: a contested SC vote that passed makes its award
	// due, and it is paid in the same run.
	out := tb.closeProposals(ctx, tx, now)
	for _, a := range dueAwards(tb.ledger.Current().ReadAt(now)) {
		id := a.ID
		// Each award is judged on the ledger as the awards before it left
		// it: the treasury they used is not there for this one.
		view := tb.ledger.Current().ReadAt(now)
		if cur, ok := view.Assessment(id); ok {
			if _, held := holdOf(view, cur); held {
				if r, ok := tb.holdBack(ctx, now, id); ok {
					out = append(out, r)
				}
				continue
			}
		}
		r := tb.job(ctx, "finalize", id, func(tx *ledger.Tx) (ledger.Outcome, error) { return finalize(tx, id) })
		if r.Err == nil && !r.Duplicate {
			r.Announce = announceAward(tb.ledger.Current().ReadAt(now), id)
		}
		out = append(out, r)
	}
	for _, period := range decayPeriods(tx) {
		if _, done := snap.Applied(decayEventID(period)); done {
			continue
		}
		// Each month's plan is made on the ledger as the month before left
		// it, so a month's decay is applied before the next is planned.
		if rows, _ := decayPlan(tb.ledger.Current().ReadAt(now), period); len(rows) > 0 {
			r := tb.job(ctx, "decay", period, func(tx *ledger.Tx) (ledger.Outcome, error) { return decay(tx, period) })
			out = append(out, r)
			if r.Err != nil {
				break // the next month builds on this one: try both again next time
			}
		}
	}
	return out
}

// maxDecayCatchUp bounds how many months of decay one run catches up.
const maxDecayCatchUp = 24

// decayPeriods are the months whose decay may be due, oldest first: from
// the month after the ledger's first SK, or after the last month decayed if
// that is later (at most maxDecayCatchUp months back), to the ledger
// clock's month. A month before the last one decayed is done: months run in
// order, and one with nothing to decay stays so, since only transactions
// from before it began count. So months the bot was not running are
// decayed later, in order, and a running bot looks at the current month
// only.
//
// It reads the SK rows newest first and stops at the latest decay row, or
// at SK older than any month that could still be due: the job runs every
// minute, and the whole history is not its business.
func decayPeriods(tx *ledger.Tx) []string {
	current := monthStart(tx.Now())
	earliest := current.AddDate(0, 1-maxDecayCatchUp, 0)
	var first, lastDecayed time.Time
	for t := range tx.SKNewestFirst() {
		if p, ok := decayPeriodOf(t); ok {
			lastDecayed = p // decay rows are written month after month
			break
		}
		if t.Amount > 0 {
			first = t.Time
			if t.Time.Before(earliest) {
				break
			}
		}
	}
	var next time.Time
	switch {
	case !lastDecayed.IsZero():
		// SK came before any decay, so the first SK's month is earlier.
		next = lastDecayed.AddDate(0, 1, 0)
	case !first.IsZero():
		next = monthStart(first).AddDate(0, 1, 0)
	default:
		return nil // no SK yet: nothing can decay
	}
	if next.Before(earliest) {
		next = earliest
	}
	var periods []string
	for m := next; !m.After(current); m = m.AddDate(0, 1, 0) {
		periods = append(periods, m.Format("2006-01"))
	}
	return periods
}

func decayEventID(period string) string { return jobEventID("decay", period) }

// job applies one scheduled mutation.
// jobEventID is the event ID of a scheduled write: what it is and what it
// is for, so that the ledger's exactly-once rule sees a second run as the
// same write, and a check for it before running finds it.
func jobEventID(job, key string) string { return "job:" + job + ":" + key }

func (tb *Toolbox) job(ctx context.Context, job, key string, run func(*ledger.Tx) (ledger.Outcome, error)) JobResult {
	res, err := tb.ledger.Apply(ctx, ledger.Mutation{
		EventID: jobEventID(job, key), Actor: JobActor, Command: "scheduled " + job + " " + key, Run: run,
	})
	r := JobResult{Job: job, Key: key, Text: res.Reply, Duplicate: res.Duplicate, Err: err}
	if err == nil && res.Refused {
		// A rule said no: the work was done or undone meanwhile. Nothing
		// was written, and there is nothing to retry.
		r.Duplicate = true
	}
	return r
}

// finalize awards the SC of an approved assessment whose window passed
// without objection.
func finalize(tx *ledger.Tx, id string) (ledger.Outcome, error) {
	a, ok := tx.Assessment(id)
	if !ok {
		return ledger.Outcome{}, fmt.Errorf("assessment %s is not in the ledger", id)
	}
	now := tx.Now()
	if a.State != ledger.AssessmentApproved || now.Before(a.WindowEnds) {
		return ledger.Outcome{}, ledger.Refuse("assessment %s is %s, window ends %s: nothing to award", id, a.State, a.WindowEnds.Format("2006-01-02 15:04"))
	}
	// The 3x rule, checked again where it is written: a withdrawal may
	// have landed since the job looked.
	if h, held := holdOf(tx, a); held {
		return ledger.Outcome{}, ledger.Refuse("%s", h.text(""))
	}
	awarded := settlePending(tx, a, ledger.SCAwarded, awardReason(a))
	a.State, a.Settled = ledger.AssessmentAwarded, now
	tx.PutAssessment(a)
	if t, ok := tx.Task(a.Task); ok {
		t.State, t.Updated = ledger.TaskAwarded, now
		tx.PutTask(t)
	}
	var parts []string
	for _, s := range awarded {
		parts = append(parts, fmt.Sprintf("%s %d SC", s.Alias, s.Amount))
	}
	return ledger.Outcome{
		Action: "sc.award", Target: a.Task,
		Reply: fmt.Sprintf("SC for `%s` awarded %s: %s.", a.Task, awardWords(a), strings.Join(parts, ", ")),
	}, nil
}

// holdBack records, once, that an award waits for the treasury, and says
// so to the task's team room and the workplace. The audit row, under an
// event ID made from the assessment, is how a restart knows the rooms
// heard it already; it changes no file. ok is false when the hold was
// recorded before: nothing to say again.
func (tb *Toolbox) holdBack(ctx context.Context, now time.Time, id string) (JobResult, bool) {
	if _, done := tb.ledger.Current().Applied(holdEventID(id)); done {
		return JobResult{}, false
	}
	r := tb.job(ctx, "hold", id, func(tx *ledger.Tx) (ledger.Outcome, error) { return holdAward(tx, id) })
	if r.Err != nil || r.Duplicate {
		return r, true
	}
	tx := tb.ledger.Current().ReadAt(now)
	a, _ := tx.Assessment(id)
	t, ok := tx.Task(a.Task)
	if h, held := holdOf(tx, a); held && ok {
		r.Announce = inWorkplace(tx, Announcement{Team: t.Team, Text: h.text(mdText(t.Title))})
	}
	return r, true
}

func holdEventID(id string) string { return jobEventID("hold", id) }

// holdAward writes the audit row of a held-back award, if it is still
// held when the write runs.
func holdAward(tx *ledger.Tx, id string) (ledger.Outcome, error) {
	a, ok := tx.Assessment(id)
	if !ok || a.State != ledger.AssessmentApproved {
		return ledger.Outcome{}, ledger.Refuse("assessment %s is not waiting for an award", id)
	}
	h, held := holdOf(tx, a)
	if !held {
		return ledger.Outcome{}, ledger.Refuse("the SC of %s fits the treasury now", id)
	}
	return ledger.Outcome{Action: "sc.hold", Target: a.Task, Reply: h.text("")}, nil
}

// announceAward tells the task's team room, and the workplace, that its
// SC was awarded.
func announceAward(tx *ledger.Tx, id string) []Announcement {
	a, ok := tx.Assessment(id)
	if !ok || a.State != ledger.AssessmentAwarded {
		return nil
	}
	t, ok := tx.Task(a.Task)
	if !ok {
		return nil
	}
	paid := fmt.Sprintf("%s %d SC", t.Attacker, a.AttackerSC)
	if a.DefenderSC > 0 {
		paid += fmt.Sprintf(", %s %d SC", t.Defender, a.DefenderSC)
	}
	return inWorkplace(tx, Announcement{Team: t.Team, Text: fmt.Sprintf("SC for `%s` (%s) awarded %s: %s.", t.ID, mdText(t.Title), awardWords(a), paid)})
}

// awardReason is the note on an award's SC rows: why it was paid.
func awardReason(a ledger.Assessment) string {
	if a.ObjectedBy != "" {
		return "contested, and the forum's vote awarded it"
	}
	return fmt.Sprintf("lazy consensus: no objection in %d h", windowHours())
}

// awardWords says why an award was paid, in a sentence.
func awardWords(a ledger.Assessment) string {
	if a.ObjectedBy != "" {
		return "by the general forum's vote after an objection"
	}
	return fmt.Sprintf("after %d hours without objection", windowHours())
}

// decay writes this month's SK decay: one negative row per owner who has
// SK older than the grace period. A month with nothing to decay writes
// nothing at all.
func decay(tx *ledger.Tx, period string) (ledger.Outcome, error) {
	rows, err := decayPlan(tx, period)
	if err != nil {
		return ledger.Outcome{}, err
	}
	if len(rows) == 0 {
		return ledger.Outcome{}, ledger.Refuse("no SK to decay in %s", period)
	}
	total := 0
	for _, r := range rows {
		tx.AppendSK(r)
		total -= r.Amount
	}
	return ledger.Outcome{
		Action: "sk.decay", Target: period,
		Reply: fmt.Sprintf("SK decay for %s: %d SK from %d owners.", period, total, len(rows)),
	}, nil
}

// decayPlan is the decay rows due for period, a month that has begun by
// the ledger's clock; none if that month's decay is written already.
func decayPlan(tx *ledger.Tx, period string) ([]ledger.SKTx, error) {
	start, err := time.Parse("2006-01", period)
	if err != nil || start.After(tx.Now()) {
		return nil, ledger.Refuse("decay for %s is not due at %s", period, tx.Now().Format("2006-01-02"))
	}
	byOwner := map[string][]ledger.SKTx{}
	for t := range tx.SKTxs() {
		if t.Category == decayCategory && strings.HasPrefix(t.Note, "decay "+period+":") {
			return nil, nil
		}
		byOwner[t.Alias] = append(byOwner[t.Alias], t)
	}
	aliases := make([]string, 0, len(byOwner))
	for a := range byOwner {
		aliases = append(aliases, a)
	}
	slices.Sort(aliases)
	var rows []ledger.SKTx
	for _, alias := range aliases {
		if n, eligible := decayOf(byOwner[alias], start); n > 0 {
			rows = append(rows, ledger.SKTx{Alias: alias, Category: decayCategory, Amount: -n, By: JobActor,
				Note: fmt.Sprintf("decay %s: %d %% of %d SK older than 30 days", period, decayPct, eligible)})
		}
	}
	return rows, nil
}
