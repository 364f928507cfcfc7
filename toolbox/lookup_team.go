package toolbox

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"smartup0.org/engelbot/ledger"
)

var cmdTeam = &Command{
	Name: "team", Tier: TierQuery, Params: []Param{{Name: "team", Kind: KindWord, Optional: true}},
	Summary: "a team card: captain, members by role, open roles, tasks",
	Help: "Shows a team: its captain, its members by role, the roles it is recruiting for and how many of its tasks are " +
		"in each state. Without a name, the team of this room; elsewhere name one, by ID (`3_7_operational_team`), " +
		"name (`operational`) or number (`7`).",
	query: queryTeam,
}

func queryTeam(_ *Toolbox, tx *ledger.Tx, c *call) Reply {
	var team string
	switch {
	case len(c.Args) == 1:
		id, err := teamArg(tx, c.Args[0])
		if err != nil {
			return refusal(err)
		}
		team = id
	case c.Room.Kind == RoomTeam:
		team = c.Room.Team
	default:
		return refused(fmt.Sprintf("Which team? This is not a team's room, so please name one, for example `!team %s`. The teams are: %s.",
			exampleTeam(tx), teamList(tx, knownTeams(tx))))
	}

	var roles []ledger.Role
	for r := range tx.Roles() {
		if r.Team == team && r.Status == ledger.StatusActive {
			roles = append(roles, r)
		}
	}
	slices.SortFunc(roles, func(a, b ledger.Role) int {
		return cmp.Or(cmp.Compare(RoleRank(a.Type), RoleRank(b.Type)), compareIDs(a.ID, b.ID))
	})
	holders := make(map[string][]string, len(roles))
	for _, r := range roles {
		holders[r.ID] = nil
	}
	for a := range tx.Assignments() {
		if _, ours := holders[a.Role]; !ours || a.Status != ledger.StatusActive {
			continue
		}
		// An inactive owner keeps their rows, but is no longer a member.
		if o, ok := tx.Owner(a.Alias); ok && o.Status == ledger.StatusActive {
			holders[a.Role] = append(holders[a.Role], o.Alias)
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "**%s** (`%s`)\n\n", capitalize(teamWords(tx, team)), team)
	if t, ok := tx.Team(team); ok && t.Status != "" && t.Status != ledger.StatusActive {
		fmt.Fprintf(&b, "This team is %s.\n\n", t.Status)
	}
	var captains []string
	for _, r := range roles {
		if r.Type == ledger.RoleCaptain {
			captains = append(captains, holders[r.ID]...)
		}
	}
	if len(captains) == 0 {
		b.WriteString("- Captain: none at the moment\n")
	} else {
		fmt.Fprintf(&b, "- Captain: %s\n", strings.Join(captains, ", "))
	}
	var open, future []string
	members := 0
	for _, r := range roles {
		switch strings.ToLower(r.Recruitment) {
		case "open":
			open = append(open, fmt.Sprintf("%s (`%s`)", mdText(r.Title), r.ID))
		case "future":
			future = append(future, fmt.Sprintf("%s (`%s`)", mdText(r.Title), r.ID))
		}
		if r.Type == ledger.RoleCaptain {
			continue
		}
		if members == 0 {
			b.WriteString("- Members by role:\n")
		}
		members++
		fmt.Fprintf(&b, "  - %s (`%s`): %s\n", mdText(r.Title), r.ID, aliasList(holders[r.ID]))
	}
	if members == 0 {
		b.WriteString("- Members: no roles besides the captain's yet\n")
	}
	if len(open) > 0 {
		fmt.Fprintf(&b, "- Recruiting now: %s — `!open_roles %s` has the details\n", strings.Join(open, ", "), teamShort(team))
	}
	if len(future) > 0 {
		fmt.Fprintf(&b, "- Coming later: %s\n", strings.Join(future, ", "))
	}

	counts := make([]int, len(taskStates)+1)
	total := 0
	for t := range tx.Tasks() {
		if t.Team == team {
			counts[stateRank(t.State)]++
			total++
		}
	}
	if total == 0 {
		b.WriteString("- Tasks: none yet")
		return Reply{Text: b.String()}
	}
	var parts []string
	for i, n := range counts {
		if n == 0 {
			continue
		}
		name := "other"
		if i < len(taskStates) {
			name = strings.ReplaceAll(taskStates[i], "_", " ")
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, name))
	}
	fmt.Fprintf(&b, "- Tasks (%d): %s — `!tasks %s all` lists them", total, strings.Join(parts, " · "), teamShort(team))
	return Reply{Text: b.String()}
}

// RoleRank orders role types as a team card lists them: the captain,
// then seniors, then juniors.
func RoleRank(t string) int {
	switch t {
	case ledger.RoleCaptain:
		return 0
	case ledger.RoleSenior:
		return 1
	case ledger.RoleJunior:
		return 2
	}
	return 3
}

// aliasList names a role's holders, shortened for a big team.
func aliasList(aliases []string) string {
	const most = 20
	switch {
	case len(aliases) == 0:
		return "nobody yet"
	case len(aliases) > most:
		return fmt.Sprintf("%s and %d more", strings.Join(aliases[:most], ", "), len(aliases)-most)
	}
	return strings.Join(aliases, ", ")
}

// knownTeams are the teams the ledger knows: those of the teams index, and
// those its roles name (a ledger may have roles before team rows).
