package toolbox

import (
	"fmt"
	"slices"
	"time"

	"smartup0.org/engelbot/ledger"
)

// The treasury and its 3x rule. 1 SC is a future claim of €1 on the
// treasury, so the SC outstanding — every SC awarded — is a debt in euros.
// The rule keeps that debt within a multiple of the euros held.
//
// It is enforced where SC becomes a claim: at the award. The scheduled
// award (finalize) holds back a task's SC, all of it, while awarding it
// would take the SC outstanding past the multiple; it stays pending and is
// awarded by a later run once a deposit makes room, oldest window first.
// Assessing is never refused for it — pending SC is not a claim yet — but
// the assessment's answer warns when the award would wait. A withdrawal
// that would break the rule is refused.

// TreasuryMultiple is the 3x rule: SC outstanding may not exceed three times
// the euro treasury (SmartupOS currency system, timeline0.org/smartup-zero/
// currency-system; domain.md, "Treasury").
const TreasuryMultiple = 3

// Treasury is the treasury's state and the 3x rule's verdict on it.
type Treasury struct {
	BalanceCents  int64  // euros held, in cents
	SCOutstanding int    // SC awarded: each a claim of €1
	SCPending     int    // SC assessed or approved, not awarded yet: not a claim, shown apart
	Multiple      int    // TreasuryMultiple
	Within        bool   // SCOutstanding ≤ Multiple × balance
	CoverSC       int    // the SC the balance covers: Multiple × balance, in whole SC
	HeadroomSC    int    // how many more SC may be awarded (0 when the rule is broken)
	Ratio         string // SC outstanding ÷ balance, two decimals; "" with no balance
	Movements     int    // deposits and withdrawals so far
}

// TreasuryOf is the treasury as the ledger view tx shows it.
func TreasuryOf(tx *ledger.Tx) Treasury {
	t := Treasury{Multiple: TreasuryMultiple}
	t.BalanceCents, t.Movements = tx.TreasuryBalance().Cents(), tx.TreasuryMovements()
	// The ledger keeps these as running sums: reading the treasury does not
	// scan the SC history.
	sc := tx.Totals()
	t.SCOutstanding, t.SCPending = sc.SCAwarded, sc.SCPending
	t.CoverSC = coverSC(t.BalanceCents)
	t.Within = t.SCOutstanding <= t.CoverSC
	t.HeadroomSC = max(0, t.CoverSC-t.SCOutstanding)
	t.Ratio = ledger.TreasuryRatio(t.SCOutstanding, ledger.Euro(t.BalanceCents))
	return t
}

// coverSC is how many whole SC a balance covers under the rule.
func coverSC(cents int64) int { return int(cents * TreasuryMultiple / 100) }

// centsToCover is the smallest balance, in cents, under which sc SC
// outstanding keep the rule: sc × €1 ≤ Multiple × balance.
func centsToCover(sc int) int64 {
	return (int64(sc)*100 + TreasuryMultiple - 1) / TreasuryMultiple
}

// MaxWithdrawalCents is how much may be withdrawn without breaking the rule
// or going below zero.
func (t Treasury) MaxWithdrawalCents() int64 {
	return max(0, t.BalanceCents-centsToCover(t.SCOutstanding))
}

// DepositForCents is the deposit, in cents, that lets sc more SC be awarded
// (0 when they fit already).
func (t Treasury) DepositForCents(sc int) int64 {
	return max(0, centsToCover(t.SCOutstanding+sc)-t.BalanceCents)
}

// TreasuryPoint is the treasury after one movement: what the public site
// draws coverage over time from.
type TreasuryPoint struct {
	Time          time.Time
	BalanceCents  int64
	SCOutstanding int
}

// TreasuryHistory lists, for each deposit and withdrawal in order, the
// balance and the SC outstanding right after it.
func TreasuryHistory(tx *ledger.Tx) []TreasuryPoint {
	var out []TreasuryPoint
	for m := range tx.TreasuryTxs() {
		out = append(out, TreasuryPoint{Time: m.Time, BalanceCents: m.Balance.Cents(), SCOutstanding: m.SCOutstanding})
	}
	return out
}

// euro shows cents as the commands take them: €1500.50.
func euro(cents int64) string { return "€" + ledger.Euro(cents).String() }

// hold is why an approved assessment's SC waits for the treasury.
type hold struct {
	a        ledger.Assessment
	award    int // the SC the assessment awards
	ahead    int // SC of assessments due before it, waiting too
	t        Treasury
	depositC int64 // the deposit that lets it through, with those ahead of it
}

// holdOf says whether the SC of approved assessment a must wait for the
// treasury: whether awarding it, after every assessment due before it,
// would take the SC outstanding past the rule. Awards go oldest window
// first, so a small award does not overtake a held one.
func holdOf(tx *ledger.Tx, a ledger.Assessment) (hold, bool) {
	t := TreasuryOf(tx)
	pending := pendingByAssessment(tx)
	h := hold{a: a, award: pending[a.ID], t: t}
	for b := range tx.Assessments() {
		if b.ID != a.ID && b.State == ledger.AssessmentApproved && awardDue(tx, b) && compareDue(b, a) < 0 {
			h.ahead += pending[b.ID]
		}
	}
	h.depositC = t.DepositForCents(h.ahead + h.award)
	return h, h.depositC > 0
}

// awardDue reports whether an approved assessment's award is due at the
// view's time.
func awardDue(tx *ledger.Tx, a ledger.Assessment) bool {
	return !tx.Now().Before(a.WindowEnds.Add(finalizeDelay))
}

// compareDue orders assessments by the end of their window, then by ID:
// the order awards are made in.
func compareDue(a, b ledger.Assessment) int {
	if c := a.WindowEnds.Compare(b.WindowEnds); c != 0 {
		return c
	}
	return compareIDs(a.ID, b.ID)
}

// sortDue sorts assessments into award order.
func sortDue(as []ledger.Assessment) { slices.SortFunc(as, compareDue) }

// pendingByAssessment is the SC each assessment's pending rows still hold
// (a pending row's note names its assessment): what its award would add to
// the SC outstanding. It reads only the rows still pending, which the ledger
// keeps, not the whole history.
func pendingByAssessment(tx *ledger.Tx) map[string]int {
	out := map[string]int{}
	for _, t := range tx.OpenPending() {
		out[t.Note] += t.Amount
	}
	return out
}

// text says why the award waits, in the team room's words.
func (h hold) text(title string) string {
	what := fmt.Sprintf("`%s`", h.a.Task)
	if title != "" {
		what += " (" + title + ")"
	}
	s := fmt.Sprintf("SC for %s is held back: the treasury holds %s, which covers %d SC; %d SC are awarded",
		what, euro(h.t.BalanceCents), h.t.CoverSC, h.t.SCOutstanding)
	if h.ahead > 0 {
		s += fmt.Sprintf(" and %d SC of earlier tasks wait ahead of it", h.ahead)
	}
	return s + fmt.Sprintf("; a deposit of %s lets its %d SC through. It is awarded by itself once the treasury allows.",
		euro(h.depositC), h.award)
}

// dueAwards lists the approved assessments whose award is due now, in
// award order.
func dueAwards(tx *ledger.Tx) []ledger.Assessment {
	var due []ledger.Assessment
	for a := range tx.Assessments() {
		if a.State == ledger.AssessmentApproved && awardDue(tx, a) {
			due = append(due, a)
		}
	}
	sortDue(due)
	return due
}

// heldAwards lists the approved assessments due now whose SC waits for the
// treasury, in award order.
func heldAwards(tx *ledger.Tx) []hold {
	var out []hold
	for _, a := range dueAwards(tx) {
		if h, held := holdOf(tx, a); held {
			out = append(out, h)
		}
	}
	return out
}

// treasuryWarning is what an assessment's answer adds when its award would
// wait for the treasury: when the SC awarded plus every SC pending, this
// assessment's included, is more than the treasury covers. Assessing is
// not refused for it; the award is held back until a deposit makes room.
func treasuryWarning(tx *ledger.Tx) string {
	t := TreasuryOf(tx)
	w := t.DepositForCents(t.SCPending)
	if w == 0 {
		return ""
	}
	return fmt.Sprintf(" Note: the treasury (%s) covers %d SC; %d are awarded and %d pending with this one, so this award will be held back "+
		"until a deposit of %s makes room (the 3x rule, see `!treasury`).", euro(t.BalanceCents), t.CoverSC, t.SCOutstanding, t.SCPending, euro(w))
}
