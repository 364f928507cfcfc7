package publish

import (
	"errors"
	"fmt"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// Input is what a publish renders: the ledger as one read view, and the
// treasury's figures as the toolbox's rules compute them.
type Input struct {
	// Ledger is a read view of the ledger at one commit
	// (Snapshot.ReadAt(Now)).
	Ledger *ledger.Tx
	// Commit is the ledger commit the view was read at, shown as the head
	// of the books with the audit chain's head.
	Commit string
	// Treasury is the euro treasury and the 3x rule.
	Treasury Treasury
	// Now is the moment of publishing. Nothing on the site depends on it
	// but what is derived from the ledger at that moment (windows still
	// running), so that publishing an unchanged ledger renders the same
	// bytes and writes nothing.
	Now time.Time
}

// Treasury is the treasury's state and history, for the overview and the
// coverage chart.
type Treasury struct {
	BalanceCents  int64 // euros in the treasury, in cents
	SCOutstanding int   // SC awarded, each a claim of €1 on the treasury
	Multiple      int   // the rule: SC outstanding ≤ Multiple × euros
	Within        bool  // the rule holds now
	History       []TreasuryPoint
}

// TreasuryOf is the treasury as the toolbox's rules read it from tx: the
// site shows the 3x rule's verdict, it does not judge it again.
func TreasuryOf(tx *ledger.Tx) Treasury {
	t := toolbox.TreasuryOf(tx)
	out := Treasury{BalanceCents: t.BalanceCents, SCOutstanding: t.SCOutstanding, Multiple: t.Multiple, Within: t.Within}
	for _, p := range toolbox.TreasuryHistory(tx) {
		out.History = append(out.History, TreasuryPoint(p))
	}
	// Each movement records the SC outstanding at its time; SC awarded
	// since the last one would be missing from the chart. The ledger's
	// latest audit row dates a point for now, so the chart ends where the
	// table stands, and an unchanged ledger still draws the same chart.
	if last, ok := tx.LastEvent(); ok && len(out.History) > 0 {
		prev := out.History[len(out.History)-1]
		if last.Time.After(prev.Time) && (prev.SCOutstanding != out.SCOutstanding || prev.BalanceCents != out.BalanceCents) {
			out.History = append(out.History, TreasuryPoint{Time: last.Time, BalanceCents: out.BalanceCents, SCOutstanding: out.SCOutstanding})
		}
	}
	return out
}

// TreasuryPoint is the treasury after one movement.
type TreasuryPoint struct {
	Time          time.Time
	BalanceCents  int64
	SCOutstanding int
}

// Site is a rendered site section. Paths are relative to the section's own
// folder inside the site's docs folder (e.g. docs/ledger/), so the pages
// link to each other by relative paths wherever the section is placed.
type Site struct {
	Files map[string][]byte
	// Nav is the section's one nav entry; every path in it is a file in
	// Files.
	Nav NavItem
	// Summary says in one line what the section shows, for the commit
	// message (e.g. "ledger at 1a2b3c4: 12 owners, 40 tasks").
	Summary string
}

// NavItem is an entry of the MkDocs nav: a page (Path set) or a section
// of entries (Children set).
type NavItem struct {
	Title    string
	Path     string
	Children []NavItem
}

// Render renders the public view of in. It reads the ledger view and the
// treasury figures only, and renders the same bytes for the same ledger:
// nothing depends on the moment of publishing, so an unchanged ledger
// publishes nothing.
func Render(in Input) (Site, error) {
	if in.Ledger == nil {
		return Site{}, errors.New("publish: no ledger to render")
	}
	b := gather(in.Ledger)
	aw := gatherAwards(b)
	files := map[string][]byte{
		indexPath:      overview(b, aw, in),
		objectivesPath: objectivesPage(b),
		activityPath:   activityPage(b),
		governancePath: governancePage(b),
		tasksIndexPath: tasksIndex(b),
		scChartPath:    scByTeamChart(b, aw),
		coverageChart:  treasuryChart(in.Treasury),
	}
	taskPages(b, files)
	ownerPages(b, files)
	teamPages(b, files)

	nav := NavItem{Title: "Ledger", Children: []NavItem{
		{Title: "Overview", Path: indexPath},
		{Title: "Objectives", Path: objectivesPath},
	}}
	if len(b.teams) > 0 {
		teams := NavItem{Title: "Teams"}
		for _, t := range b.teams {
			// Nav titles are the team IDs made safe, never typed names:
			// themes print nav titles as they are.
			teams.Children = append(teams.Children, NavItem{Title: slug(t.ID), Path: teamPagePath(t.ID)})
		}
		nav.Children = append(nav.Children, teams)
	}
	nav.Children = append(nav.Children,
		NavItem{Title: "Tasks", Path: tasksIndexPath},
		NavItem{Title: "Owners", Path: ownersIndex},
		NavItem{Title: "Governance", Path: governancePath},
		NavItem{Title: "Activity", Path: activityPath},
	)

	head := "no commit yet"
	if isHex(in.Commit) {
		head = in.Commit[:min(len(in.Commit), 12)]
	}
	summary := fmt.Sprintf("ledger at %s: %d owners, %d tasks", head, len(b.owners), len(b.tasks))
	if last, ok := in.Ledger.LastEvent(); ok {
		summary += fmt.Sprintf(", audit row %d", last.Seq)
	}
	return Site{Files: files, Nav: nav, Summary: summary}, nil
}
