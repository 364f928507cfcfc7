package publish

import (
	"fmt"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// objectivesPage renders the objectives as a tree — the organisation's,
// each with its teams' — with their tasks' progress. Tasks serving an
// objective the ledger has no row for are listed under it all the same.
func objectivesPage(b *book) []byte {
	done, total := map[string]int{}, map[string]int{}
	for _, t := range b.tasks {
		if t.State == ledger.TaskCancelled {
			continue
		}
		total[t.Objective]++
		if t.State == ledger.TaskAwarded {
			done[t.Objective]++
		}
	}
	children := map[string][]ledger.Objective{}
	var roots []ledger.Objective
	for _, o := range b.objectives {
		if _, ok := b.objOf[o.Parent]; o.Parent != "" && ok && o.Parent != o.ID {
			children[o.Parent] = append(children[o.Parent], o)
		} else {
			roots = append(roots, o)
		}
	}

	// An objective's progress counts the tasks of the objectives under it.
	var sum func(depth int, id string) (int, int)
	sum = func(depth int, id string) (d, n int) {
		d, n = done[id], total[id]
		if depth < 8 {
			for _, k := range children[id] {
				kd, kn := sum(depth+1, k.ID)
				d, n = d+kd, n+kn
			}
		}
		return d, n
	}

	var w strings.Builder
	w.WriteString("# Objectives\n\nWhat the work serves: the organisation's objectives, and under each the teams' objectives, " +
		"with how many of their tasks are awarded (an objective counts the tasks of those under it; cancelled tasks are not counted).\n\n")
	var line func(depth int, o ledger.Objective)
	line = func(depth int, o ledger.Objective) {
		if depth > 8 {
			return // a cycle in hand-edited rows cannot make the page endless
		}
		fmt.Fprintf(&w, "%s- **%s** %s", strings.Repeat("    ", depth), text(o.ID), textOr(o.Title, "untitled"))
		if o.Team != "" {
			fmt.Fprintf(&w, " (%s)", b.teamLink(objectivesPath, o.Team))
		}
		if o.Status != ledger.ObjectiveOpen {
			fmt.Fprintf(&w, ", %s", textOr(o.Status, "no status"))
		}
		d, n := sum(0, o.ID)
		fmt.Fprintf(&w, ": %s%s\n", progress(d, n), b.groupLinks(o.ID))
		for _, k := range children[o.ID] {
			line(depth+1, k)
		}
	}
	for _, o := range roots {
		line(0, o)
	}
	if len(b.objectives) == 0 {
		w.WriteString("No objectives on record yet.\n")
	}

	// Tasks whose objective has no row: still part of the picture.
	var orphans []string
	seen := map[string]bool{}
	for _, g := range b.groups {
		if _, ok := b.objOf[g.objective]; !ok && !seen[g.objective] {
			seen[g.objective] = true
			orphans = append(orphans, g.objective)
		}
	}
	if len(orphans) > 0 {
		w.WriteString("\n## Tasks serving no recorded objective\n\n")
		for _, id := range orphans {
			fmt.Fprintf(&w, "- %s: %s%s\n", b.objectiveWords(id), progress(done[id], total[id]), b.groupLinks(id))
		}
	}
	return []byte(w.String())
}

func progress(done, total int) string {
	if total == 0 {
		return "no tasks yet"
	}
	return fmt.Sprintf("%d of %d task(s) awarded (%d %%)", done, total, done*100/total)
}

// groupLinks links the first task page of each team serving an objective.
func (b *book) groupLinks(objective string) string {
	var links []string
	for _, g := range b.groups {
		if g.objective == objective {
			links = append(links, fmt.Sprintf("[%s](%s)", text(b.teamTitle(g.team)), rel(objectivesPath, g.pages[0].path)))
		}
	}
	if len(links) == 0 {
		return ""
	}
	return "; tasks: " + strings.Join(links, ", ")
}
