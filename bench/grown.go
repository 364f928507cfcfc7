package bench

import (
	"fmt"
	"slices"
	"time"

	"smartup0.org/engelbot/ledger"
)

// Grown is the ledger of a community that has been working for a year: c's
// owners, teams, roles and tasks, one objective per team under the
// organisation's, SC transactions for every awarded task (a pending row and
// the awarded row that settles it, 90/10, spread over the last twelve
// months) and an audit trail of c.Tasks/10 rows. It is what the public site
// is published from: charts and portfolios need the SC history the bare
// community lacks.
func (c Community) Grown() []ledger.Change {
	changes := c.Changes()
	_, _, _, _, tasks := c.Tables()

	objectives := []ledger.Objective{{ID: "5_1", Title: "Grow", Status: ledger.ObjectiveOpen}}
	seen := map[string]bool{}
	for _, t := range tasks {
		if !seen[t.Objective] {
			seen[t.Objective] = true
			objectives = append(objectives, ledger.Objective{ID: t.Objective, Parent: "5_1", Team: t.Team,
				Title: "Objective of " + t.Team, Status: ledger.ObjectiveOpen})
		}
	}
	changes = append(changes, ledger.IndexChanges(ledger.ObjectivesIndex, objectives, ledger.DefaultShardRows)...)

	byMonth := map[string][]ledger.SCTx{}
	n := 0
	for i, t := range tasks {
		if t.State != ledger.TaskAwarded {
			continue
		}
		at := c.Now.AddDate(0, -(i % 12), 0).Add(-time.Duration(i%500) * time.Minute)
		month := at.Format("2006-01")
		for _, share := range []struct {
			who, as string
			amount  int
		}{{t.Attacker, ledger.Attacker, t.BudgetSC - t.BudgetSC/10}, {t.Defender, ledger.Defender, t.BudgetSC / 10}} {
			n++
			pending := fmt.Sprintf("sc_%d", n)
			byMonth[month] = append(byMonth[month], ledger.SCTx{ID: pending, Time: at, Alias: share.who, Task: t.ID,
				Kind: ledger.SCPending, Amount: share.amount, Share: share.as})
			n++
			byMonth[month] = append(byMonth[month], ledger.SCTx{ID: fmt.Sprintf("sc_%d", n), Time: at, Alias: share.who, Task: t.ID,
				Kind: ledger.SCAwarded, Amount: share.amount, Share: share.as, Ref: pending})
		}
	}
	months := make([]string, 0, len(byMonth))
	for m := range byMonth {
		months = append(months, m)
	}
	slices.Sort(months)
	for _, m := range months {
		changes = append(changes, ledger.Change{Op: ledger.OpCreate, Path: ledger.SCDir + "/" + m + "-001.csv", Content: ledger.EncodeCSV(byMonth[m])})
	}
	return append(changes, EventShards(c.Tasks/10, 500, 1000, c.Now)...)
}
