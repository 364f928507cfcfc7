package publish

import (
	"fmt"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// licenses in the order the overview counts them.
var licenses = []string{ledger.LicenseCampaign, ledger.LicenseWatch, ledger.LicenseWork, ledger.LicenseOrganizational}

// overview renders index.md: the community at a glance, the treasury and
// its rule, the charts, and the audit chain's head with how to check it.
func overview(b *book, aw awards, in Input) []byte {
	var w strings.Builder
	w.WriteString("# Ledger\n\n")
	w.WriteString("The public books of SmartupOS, published by Engelbot from the ledger. Owners appear by their alias only; " +
		"nothing private is published.\n\n")

	w.WriteString("## At a glance\n\n| | |\n| --- | --- |\n")
	active, inactive := map[string]int{}, 0
	for _, o := range b.owners {
		if o.Status == ledger.StatusActive {
			active[o.License]++
		} else {
			inactive++
		}
	}
	var parts []string
	n := 0
	for _, l := range licenses {
		parts = append(parts, fmt.Sprintf("%s %d", l, active[l]))
		n += active[l]
	}
	fmt.Fprintf(&w, "| [Owners](%s) | %d active (%s); %d no longer active |\n", ownersIndex, n, strings.Join(parts, ", "), inactive)
	roles, held, open := 0, 0, 0
	for _, r := range b.roles {
		if r.Status != ledger.StatusActive {
			continue
		}
		roles++
		if len(b.holders[r.ID]) > 0 {
			held++
		}
		if r.Recruitment == "open" {
			open++
		}
	}
	fmt.Fprintf(&w, "| Active roles | %d, of which %d held and %d recruiting |\n", roles, held, open)
	fmt.Fprintf(&w, "| SC awarded | %d |\n", b.total.scAwarded)
	fmt.Fprintf(&w, "| SC pending | %d (assessed, waiting for approval or the 48-hour window) |\n", b.total.scPending)
	fmt.Fprintf(&w, "| SK in circulation | %d |\n", b.total.sk)
	states := map[string]int{}
	for _, t := range b.tasks {
		states[t.State]++
	}
	fmt.Fprintf(&w, "| [Tasks](%s) | %d: %s |\n", tasksIndexPath, len(b.tasks), stateCounts(states))
	fmt.Fprintf(&w, "| [Objectives](%s) | %d |\n", objectivesPath, len(b.objectives))
	fmt.Fprintf(&w, "| Teams | %d |\n\n", len(b.teams))

	treasury(&w, in.Treasury)

	w.WriteString("## SC awarded per month, by team\n\n")
	fmt.Fprintf(&w, "![SC awarded per month, by team](%s)\n\n", scChartPath)
	if len(aw.months) > 0 {
		// The chart's figures as text, for those who cannot see it.
		w.WriteString("In figures:")
		for i, m := range aw.months {
			sep := ";"
			if i == len(aw.months)-1 {
				sep = "."
			}
			fmt.Fprintf(&w, " %s, %d SC%s", m, aw.total(m), sep)
		}
		w.WriteString("\n\n")
	}

	chainHead(&w, b, in.Commit)
	fmt.Fprintf(&w, "What happened lately is on the [activity](%s) page.\n", activityPath)
	return []byte(w.String())
}

// stateCounts lists task counts by state, in the order tasks move.
func stateCounts(states map[string]int) string {
	var parts []string
	for _, s := range taskStates {
		if states[s] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", stateWords(s), states[s]))
		}
	}
	if len(parts) == 0 {
		return "none yet"
	}
	return strings.Join(parts, ", ")
}

// taskStates are the states a task moves through, in order.
var taskStates = []string{
	ledger.TaskOpen, ledger.TaskClaimed, ledger.TaskInProgress, ledger.TaskReview, ledger.TaskAssessed,
	ledger.TaskApproved, ledger.TaskContested, ledger.TaskAwarded, ledger.TaskCancelled,
}

// stateWords says a task state in words; a state the site does not know
// is shown as text.
func stateWords(s string) string {
	switch s {
	case ledger.TaskInProgress:
		return "in progress"
	case ledger.TaskReview:
		return "in review"
	case ledger.TaskApproved:
		return "approved (window running)"
	}
	for _, k := range taskStates {
		if s == k {
			return s
		}
	}
	return textOr(s, "no state")
}

// euros shows cents as euros.
func euros(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s€%d.%02d", sign, cents/100, cents%100)
}

// treasury renders the treasury's section: balance, SC outstanding, the
// rule and the coverage chart.
func treasury(w *strings.Builder, t Treasury) {
	w.WriteString("## Treasury and the 3x rule\n\n")
	multiple := t.Multiple
	if multiple <= 0 {
		multiple = 3
	}
	fmt.Fprintf(w, "Every SC awarded is a claim of €1 on the treasury. The rule: SC outstanding may not exceed %d × the euros in the treasury.\n\n", multiple)
	limit := int64(multiple) * t.BalanceCents / 100
	w.WriteString("| | |\n| --- | --- |\n")
	fmt.Fprintf(w, "| Treasury | %s |\n", euros(t.BalanceCents))
	fmt.Fprintf(w, "| SC outstanding | %d |\n", t.SCOutstanding)
	fmt.Fprintf(w, "| Limit (%d × treasury) | %d SC |\n", multiple, limit)
	if r := ledger.TreasuryRatio(t.SCOutstanding, ledger.Euro(t.BalanceCents)); r != "" {
		fmt.Fprintf(w, "| SC per euro | %s |\n", r)
	}
	var status string
	switch room := limit - int64(t.SCOutstanding); {
	case !t.Within:
		status = "**is exceeded**: awards wait until the treasury grows"
	case room <= 0:
		status = "**holds**, with no room left: the next award waits for a deposit"
	default:
		status = fmt.Sprintf("**holds**: %d more SC can be awarded", room)
	}
	fmt.Fprintf(w, "| The rule | %s |\n\n", status)
	fmt.Fprintf(w, "![Treasury coverage over time: SC outstanding against the limit](%s)\n\n", coverageChart)
}

// chainHead renders the audit chain's head and how to check it.
func chainHead(w *strings.Builder, b *book, commit string) {
	w.WriteString("## The audit chain\n\n")
	if !isHex(commit) {
		commit = ""
	}
	last, ok := b.tx.LastEvent()
	if !ok || !isHex(last.Hash) {
		w.WriteString("The audit trail has no rows yet.\n\n")
	} else {
		w.WriteString("Every change to the ledger adds a row to its audit trail, `master-events`, and each row's hash covers the row before it. " +
			"The head of the chain, as published here:\n\n")
		fmt.Fprintf(w, "- Row (seq): %d, written %s\n", last.Seq, last.Time.UTC().Format("2006-01-02 15:04:05 UTC"))
		fmt.Fprintf(w, "- Hash: `%s`\n", last.Hash)
	}
	if commit != "" {
		fmt.Fprintf(w, "- Ledger commit: `%s`\n", commit)
	}
	w.WriteString("\n### Verify it yourself\n\n")
	w.WriteString("Anyone with read access to the ledger repository can check that the books were not rewritten. " +
		"Clone it and check out the commit above. Read the files in `master-events/` in the order of their names, " +
		"and their rows from top to bottom. For each row, compute SHA-256 over these columns in this order: " +
		"`prev_hash`, `seq`, `timestamp`, `event_id`, `actor`, `command`, `action`, `target`, `files`, `result`, " +
		"each as a CSV reader gives it (the timestamp as written, RFC 3339 in UTC); " +
		"write each as its length in bytes (in decimal), a colon, then its value, with nothing between columns. " +
		"The lower-case hex of the digest must equal the row's `hash`, and each row's `prev_hash` must equal the `hash` of the row before " +
		"(empty for the first). The last row's hash must be the one shown above. A row edited afterwards breaks every hash after it. " +
		"Admins can run the same check with `!verify`.\n\n")
}
