package publish

import (
	"fmt"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// teamPages renders one card per team: captain, members by role, open
// roles, and its tasks by state with the pages that list them.
func teamPages(b *book, files map[string][]byte) {
	for _, t := range b.teams {
		p := teamPagePath(t.ID)
		var w strings.Builder
		fmt.Fprintf(&w, "# %s\n\n", text(b.teamTitle(t.ID)))
		fmt.Fprintf(&w, "Team %s", text(t.ID))
		if t.Status != ledger.StatusActive {
			fmt.Fprintf(&w, " (%s)", textOr(t.Status, "no status"))
		}
		w.WriteString(".\n\n")

		var captains []string
		for _, r := range b.teamRoles[t.ID] {
			if r.Type == ledger.RoleCaptain && r.Status == ledger.StatusActive {
				for _, a := range b.holders[r.ID] {
					captains = append(captains, b.ownerLink(p, a))
				}
			}
		}
		if len(captains) == 0 {
			w.WriteString("Captain: none at present.\n\n")
		} else {
			fmt.Fprintf(&w, "Captain: %s.\n\n", strings.Join(captains, ", "))
		}

		w.WriteString("## Members by role\n\n")
		any := false
		for _, r := range b.teamRoles[t.ID] {
			if r.Status != ledger.StatusActive {
				continue
			}
			any = true
			hs := b.holders[r.ID]
			links := make([]string, len(hs))
			for i, a := range hs {
				links[i] = b.ownerLink(p, a)
			}
			who := "nobody yet"
			if len(links) > 0 {
				who = fmt.Sprintf("%d: %s", len(links), strings.Join(links, ", "))
			}
			fmt.Fprintf(&w, "- **%s** (%s, %s): %s\n", textOr(r.Title, r.ID), text(r.ID), roleTypeWords(r.Type), who)
		}
		if !any {
			w.WriteString("No roles yet.\n")
		}

		w.WriteString("\n## Open roles\n\n")
		any = false
		for _, r := range b.teamRoles[t.ID] {
			if r.Status == ledger.StatusActive && r.Recruitment == "open" {
				any = true
				fmt.Fprintf(&w, "- **%s** (%s, %s): %d hours a week, up to %d SC a week\n",
					textOr(r.Title, r.ID), text(r.ID), roleTypeWords(r.Type), r.Hours, r.SCPotential)
			}
		}
		if !any {
			w.WriteString("None recruiting now.\n")
		}

		w.WriteString("\n## Tasks\n\n")
		states := map[string]int{}
		for _, g := range b.groups {
			if g.team != t.ID {
				continue
			}
			for _, pg := range g.pages {
				for _, task := range pg.tasks {
					states[task.State]++
				}
			}
		}
		fmt.Fprintf(&w, "By state: %s.\n\n", stateCounts(states))
		for _, g := range b.groups {
			if g.team != t.ID {
				continue
			}
			fmt.Fprintf(&w, "- %s:", b.objectiveWords(g.objective))
			for i, pg := range g.pages {
				sep := ","
				if i == 0 {
					sep = ""
				}
				fmt.Fprintf(&w, "%s [%s to %s](%s)", sep, text(pg.tasks[0].ID), text(pg.tasks[len(pg.tasks)-1].ID), rel(p, pg.path))
			}
			w.WriteString("\n")
		}
		files[p] = []byte(w.String())
	}
}

func roleTypeWords(t string) string {
	switch t {
	case ledger.RoleCaptain:
		return "team captain"
	case ledger.RoleSenior:
		return "senior, attacker"
	case ledger.RoleJunior:
		return "junior, defender"
	}
	return textOr(t, "role")
}
