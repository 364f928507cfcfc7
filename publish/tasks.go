package publish

import (
	"fmt"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// tasksIndex renders tasks/index.md: every team's tasks by objective, with
// the pages that list them.
func tasksIndex(b *book) []byte {
	var w strings.Builder
	w.WriteString("# Tasks\n\nEvery task, by team and by the objective it serves. Each page lists up to 250 tasks.\n\n")
	team := "\x00"
	for _, g := range b.groups {
		if g.team != team {
			team = g.team
			fmt.Fprintf(&w, "## %s\n\n", text(b.teamTitle(team)))
		}
		n := 0
		for _, p := range g.pages {
			n += len(p.tasks)
		}
		fmt.Fprintf(&w, "- %s, %d task(s):", b.objectiveWords(g.objective), n)
		for i, p := range g.pages {
			sep := ","
			if i == 0 {
				sep = ""
			}
			fmt.Fprintf(&w, "%s [%s to %s](%s)", sep, text(p.tasks[0].ID), text(p.tasks[len(p.tasks)-1].ID), rel(tasksIndexPath, p.path))
		}
		w.WriteString("\n")
	}
	if len(b.groups) == 0 {
		w.WriteString("No tasks yet.\n")
	}
	return []byte(w.String())
}

// objectiveWords names an objective by ID and title, as text.
func (b *book) objectiveWords(id string) string {
	if id == "" {
		return "no objective"
	}
	if o, ok := b.objOf[id]; ok {
		return fmt.Sprintf("objective %s, %s", text(id), text(o.Title))
	}
	return "objective " + text(id)
}

// taskPages renders one page per group page: a table of its tasks, each
// with an anchor the rest of the site links to.
func taskPages(b *book, files map[string][]byte) {
	for _, g := range b.groups {
		for i, p := range g.pages {
			var w strings.Builder
			fmt.Fprintf(&w, "# Tasks of %s\n\n", text(b.teamTitle(g.team)))
			fmt.Fprintf(&w, "Team: %s. Serving %s. Page %d of %d; all tasks: [index](%s).\n\n",
				b.teamLink(p.path, g.team), b.objectiveWords(g.objective), i+1, len(g.pages), rel(p.path, tasksIndexPath))
			w.WriteString("| Task | Title | State | Size | Budget | Attacker | Defender | Assessment and payout |\n")
			w.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- |\n")
			for _, t := range p.tasks {
				fmt.Fprintf(&w, "| <a id=\"%s\"></a>%s | %s | %s | %s | %d SC | %s | %s | %s |\n",
					taskAnchor(t.ID), text(t.ID), textOr(t.Title, "untitled"), b.taskStateWords(t), textOr(t.Size, "—"), t.BudgetSC,
					b.ownerLink(p.path, t.Attacker), b.ownerLink(p.path, t.Defender), b.assessmentWords(t))
			}
			files[p.path] = []byte(w.String())
		}
	}
}

// taskStateWords is a task's state in its table: an approved task whose
// assessment the forum's vote upheld has no window running any more.
func (b *book) taskStateWords(t ledger.Task) string {
	if a, ok := b.assessment[t.ID]; ok && t.State == ledger.TaskApproved {
		if _, upheld := b.upheldBy(a); upheld {
			return "approved (upheld by vote)"
		}
	}
	return stateWords(t.State)
}

// upheldBy is the forum's vote that upheld an approved assessment after an
// objection ("" if its row is not found): the assessment waits for
// the award, which the treasury's 3x rule may hold back.
func (b *book) upheldBy(a ledger.Assessment) (string, bool) {
	if a.State != ledger.AssessmentApproved || a.ObjectedBy == "" {
		return "", false
	}
	for p := range b.tx.Proposals() {
		if p.Kind == ledger.ProposalContestedSC && p.Subject == a.ID && p.State == ledger.ProposalPassed {
			return p.ID, true
		}
	}
	return "", true
}

// assessmentWords says how a task's work was scored, what it pays, and
// where its lazy-consensus window stands.
func (b *book) assessmentWords(t ledger.Task) string {
	a, ok := b.assessment[t.ID]
	if !ok {
		return "—"
	}
	s := fmt.Sprintf("effort %d, learning %d, collaboration %d: %d %% of the budget, %d SC (attacker %d, defender %d)",
		a.Effort, a.Learning, a.Collaboration, a.PayoutPct, a.PayoutSC, a.AttackerSC, a.DefenderSC)
	switch a.State {
	case ledger.AssessmentAssessed:
		s += "; pending, waiting for approval"
	case ledger.AssessmentApproved:
		if id, ok := b.upheldBy(a); ok {
			vote := "the forum's vote"
			if id != "" {
				vote += " (" + text(id) + ")"
			}
			s += "; pending, upheld by " + vote + "; waiting for the award (the treasury)"
			break
		}
		s += "; pending, objections possible until " + a.WindowEnds.UTC().Format("2006-01-02 15:04 UTC")
	case ledger.AssessmentDisputed:
		s += "; contested, the general forum votes on it"
	case ledger.AssessmentContested:
		s += "; contested, not awarded"
	case ledger.AssessmentAwarded:
		s += "; awarded"
		if !a.Settled.IsZero() {
			s += " " + a.Settled.UTC().Format("2006-01-02")
		}
		if !a.WindowEnds.IsZero() {
			s += " (window ended " + a.WindowEnds.UTC().Format("2006-01-02 15:04 UTC") + ")"
		}
	}
	return s
}
