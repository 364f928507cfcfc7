package toolbox

import (
	"slices"
	"strings"
	"time"

	"smartup0.org/engelbot/ledger"
)

// This file holds SmartupOS's numbers (domain.md) and the arithmetic on
// them, apart from the commands, so that each rule is tested at its edges
// on its own. docs/ledger.md explains each rule to owners.

// taskBudget is a task's SC budget by size: Small 25, Medium 50, Large 100,
// Complex (XL) 200.
var taskBudget = map[string]int{"S": 25, "M": 50, "L": 100, "XL": 200}

// sizeArg reads a size as typed (s, M, xl…).
func sizeArg(arg string) (size string, budget int, ok bool) {
	size = strings.ToUpper(arg)
	budget, ok = taskBudget[size]
	return size, budget, ok
}

// Scores run from 1 to 10 each; three of them (effort, learning,
// collaboration) make a total of 3 to 30.
const (
	minScore = 1
	maxScore = 10
	minTotal = 3 * minScore
	maxTotal = 3 * maxScore
)

// payoutPct is the share of the budget an assessment pays: 60 % at the
// lowest total (3) rising evenly to 100 % at the highest (30), rounded down
// to a whole percent. This is the published model's 60–100 %; work that
// should earn less is not approved.
func payoutPct(total int) int {
	total = min(max(total, minTotal), maxTotal)
	return 60 + 40*(total-minTotal)/(maxTotal-minTotal)
}

// payout is the SC an assessment pays: pct of budget, rounded down to a
// whole credit.
func payout(budget, pct int) int { return budget * pct / 100 }

// split divides a payout between attacker (90 %) and defender (10 %). The
// defender's share is rounded down and the attacker gets the rest, so the
// two always add up to the payout: no credit is made or lost by rounding.
func split(payout int) (attacker, defender int) {
	defender = payout / 10
	return payout - defender, defender
}

// dailySCCap is how much SC an owner may have assessed to them in one UTC
// day (domain.md: Work and Organizational 500 SC).
const dailySCCap = 500

// consensusWindow is how long an approved assessment waits for objections
// before its SC is awarded (lazy consensus).
const consensusWindow = 48 * time.Hour

// windowHours is the window in whole hours, as answers and notes say it.
func windowHours() int { return int(consensusWindow.Hours()) }

// finalizeDelay is how long after the window the SC is awarded: an
// objection sent in the window's last moments counts by the time it was
// sent, and may still be on its way through the queue.
const finalizeDelay = 10 * time.Minute

// skCategories are the SK awards a captain can give, by category
// (domain.md's legacy list, which includes the published one).
var skCategories = map[string]int{
	"code_review":              5,
	"bug_find":                 10,
	"mentoring_session":        10,
	"documentation":            15,
	"governance_participation": 20,
	"proposal_accepted":        20,
	"conflict_resolution":      25,
	"onboarding_help":          8,
	"meeting_facilitation":     15,
	"cross_team_coordination":  12,
	"objective_completion":     15,
	"deadline_hit":             10,
	"quality_delivery":         12,
}

// skCategoryNames lists the categories, for help and refusals.
func skCategoryNames() []string {
	names := make([]string, 0, len(skCategories))
	for n := range skCategories {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// skCategoryAliases are the published page's short names.
var skCategoryAliases = map[string]string{
	"mentoring":  "mentoring_session",
	"governance": "governance_participation",
	"review":     "code_review",
}

// skCategoryArg reads a category as typed.
func skCategoryArg(arg string) (string, int, bool) {
	c := strings.ToLower(strings.ReplaceAll(arg, "-", "_"))
	if full, ok := skCategoryAliases[c]; ok {
		c = full
	}
	n, ok := skCategories[c]
	return c, n, ok
}

// SK decay: 10 % a month, floor 0, but SK earned in the 30 days before a
// month begins is not touched that month.
const (
	decayPct   = 10
	decayGrace = 30 * 24 * time.Hour
	// decayCategory marks decay rows in the SK transactions.
	decayCategory = "decay"
)

// decayOf is what one owner loses in the month starting at start, from the
// SK transactions before it: 10 % of the SK older than the grace period,
// rounded up so that small balances also reach 0, never more than the
// balance. Only rows before start count, so the result does not depend on
// when in the month the job runs; a decay row counts at the start of the
// month it is for, whenever it was written (a month caught up late).
func decayOf(rows []ledger.SKTx, start time.Time) (decay, eligible int) {
	balance, recent := 0, 0
	for _, t := range rows {
		at := t.Time
		if p, ok := decayPeriodOf(t); ok {
			at = p
		}
		if !at.Before(start) {
			continue
		}
		balance += t.Amount
		if t.Amount > 0 && !at.Before(start.Add(-decayGrace)) {
			recent += t.Amount
		}
	}
	eligible = max(0, min(balance, balance-recent))
	decay = (eligible*decayPct + 99) / 100
	return min(decay, max(balance, 0)), eligible
}

// decayPeriodOf is the month a decay row is for, from its note ("decay
// 2026-12: …").
func decayPeriodOf(t ledger.SKTx) (time.Time, bool) {
	if t.Category != decayCategory {
		return time.Time{}, false
	}
	rest, ok := strings.CutPrefix(t.Note, "decay ")
	if !ok || len(rest) < 7 {
		return time.Time{}, false
	}
	p, err := time.Parse("2006-01", rest[:7])
	return p, err == nil
}

// monthStart is the first moment of t's month, UTC; its period name is
// YYYY-MM.
func monthStart(t time.Time) time.Time {
	y, m, _ := t.UTC().Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
}
