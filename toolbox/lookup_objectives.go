package toolbox

import (
	"fmt"
	"slices"
	"strings"

	"smartup0.org/engelbot/ledger"
)

var cmdObjectives = &Command{
	Name: "objectives", Tier: TierQuery, Params: []Param{{Name: "all", Kind: KindWord, Optional: true}},
	Summary: "the objectives tasks serve: the organisation's and each team's, with their tasks' progress",
	Help: "Shows the open objectives as a tree: each organisation objective (`5_<n>`) with the team objectives that serve it " +
		"(`5_<n>_<team number>`) and how many of their tasks are done. `!objectives all` shows closed ones too.",
	query: queryObjectives,
}

func queryObjectives(_ *Toolbox, tx *ledger.Tx, c *call) Reply {
	all := len(c.Args) == 1
	if all && strings.ToLower(c.Args[0]) != "all" {
		return refused(fmt.Sprintf("Say `!objectives` for the open objectives, or `!objectives all` for every one; not %s.", quoteArg(c.Args[0])))
	}
	var orgs []ledger.Objective
	children := map[string][]ledger.Objective{}
	for o := range tx.Objectives() {
		if !all && o.Status != ledger.ObjectiveOpen {
			continue
		}
		if o.Parent == "" {
			orgs = append(orgs, o)
		} else {
			children[o.Parent] = append(children[o.Parent], o)
		}
	}
	if len(orgs) == 0 && len(children) == 0 {
		return Reply{Text: "There are no open objectives yet. An admin opens the organisation's with `!create_objective <title>`; " +
			"captains add their team's with `!team_objective <objective_id> <title>`."}
	}
	done, total := map[string]int{}, map[string]int{}
	for t := range tx.Tasks() {
		if t.State == ledger.TaskCancelled {
			continue
		}
		total[t.Objective]++
		if t.State == ledger.TaskAwarded {
			done[t.Objective]++
		}
	}
	byID := func(a, b ledger.Objective) int { return compareIDs(a.ID, b.ID) }
	slices.SortFunc(orgs, byID)
	var b strings.Builder
	b.WriteString("**Objectives**\n")
	line := func(indent string, o ledger.Objective) {
		status := ""
		if o.Status != ledger.ObjectiveOpen {
			status = " — " + o.Status
		}
		team := ""
		if o.Team != "" {
			team = " (" + teamWords(tx, o.Team) + ")"
		}
		fmt.Fprintf(&b, "%s- `%s` %s%s%s", indent, o.ID, mdText(o.Title), team, status)
		if total[o.ID] > 0 {
			fmt.Fprintf(&b, ": %d of %d task(s) awarded", done[o.ID], total[o.ID])
		}
		b.WriteString("\n")
	}
	seen := map[string]bool{}
	for _, o := range orgs {
		seen[o.ID] = true
		line("", o)
		kids := children[o.ID]
		slices.SortFunc(kids, byID)
		for _, k := range kids {
			line("  ", k)
		}
	}
	// Team objectives whose organisation objective is closed (and not
	// listed) still show, on their own.
	var orphans []ledger.Objective
	for parent, kids := range children {
		if !seen[parent] {
			orphans = append(orphans, kids...)
		}
	}
	slices.SortFunc(orphans, byID)
	for _, o := range orphans {
		line("", o)
	}
	return Reply{Text: b.String()}
}
