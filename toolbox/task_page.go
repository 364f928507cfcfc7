package toolbox

import (
	"fmt"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// taskPage renders a new task's page: what the task is and why. Its state
// and who is on it live in the tasks index, which changes; the page is
// the task's description, written once when the task is created.
func taskPage(tx *ledger.Tx, t ledger.Task, description string) ledger.Page {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", t.Title)
	fmt.Fprintf(&b, "- Task: %s\n", t.ID)
	fmt.Fprintf(&b, "- Team: %s\n", teamWords(tx, t.Team))
	if o, ok := tx.Objective(t.Objective); ok {
		fmt.Fprintf(&b, "- Objective: %s — %s\n", o.ID, o.Title)
	}
	fmt.Fprintf(&b, "- Size: %s (budget %d SC)\n", t.Size, t.BudgetSC)
	fmt.Fprintf(&b, "- Created: %s by %s\n", t.Created.Format("2006-01-02 15:04 UTC"), t.CreatedBy)
	if description != "" {
		fmt.Fprintf(&b, "\n## Description\n\n%s\n", description)
	}
	return ledger.Page{
		Front: ledger.Frontmatter{
			Title: t.Title, Author: t.CreatedBy, Role: "team_captain", Date: t.Created.Format("2006-01-02"),
			Parent: t.Objective, Team: t.Team, Topic: "task", Public: true,
		},
		Body: b.String(),
	}
}
