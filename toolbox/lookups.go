package toolbox

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// lookupCommands are the queries about the community: roles, tasks,
// owners, teams.
var lookupCommands = []*Command{cmdOpenRoles, cmdTasks, cmdTask, cmdWhois, cmdTeam, cmdObjectives}

// maxListLines keeps a list short enough to read in a chat; the rest is
// counted, and the owner is told how to narrow the question.
const maxListLines = 30

var cmdOpenRoles = &Command{
	Name: "open_roles", Aliases: []string{"openroles"}, Tier: TierQuery, Params: []Param{{Name: "team", Kind: KindWord, Optional: true}},
	Summary: "roles recruiting now, and those coming later",
	Help: "Lists the roles whose recruitment is open: their team, their type (team captain, senior or junior), " +
		"the hours a week they ask and the SC they can earn a week. Roles that will recruit later are listed apart, as coming. " +
		"Name a team to see only its roles: by its ID (`3_7_operational_team`), its name (`operational`) or its number (`7`). " +
		"`!apply <role_id> [motivation]` applies for a role.",
	query: queryOpenRoles,
}

func queryOpenRoles(_ *Toolbox, tx *ledger.Tx, c *call) Reply {
	team := ""
	if len(c.Args) == 1 {
		id, err := teamArg(tx, c.Args[0])
		if err != nil {
			return refusal(err)
		}
		team = id
	}
	var open, future []ledger.Role
	for r := range tx.Roles() {
		if r.Status != ledger.StatusActive || (team != "" && r.Team != team) {
			continue
		}
		switch strings.ToLower(r.Recruitment) {
		case "open":
			open = append(open, r)
		case "future":
			future = append(future, r)
		}
	}
	byTeamAndID := func(a, b ledger.Role) int {
		return cmp.Or(compareIDs(a.Team, b.Team), compareIDs(a.ID, b.ID))
	}
	slices.SortFunc(open, byTeamAndID)
	slices.SortFunc(future, byTeamAndID)

	where := ""
	if team != "" {
		where = " in the " + teamWords(tx, team)
	}
	var b strings.Builder
	if len(open) == 0 {
		fmt.Fprintf(&b, "No role%s is recruiting right now.", where)
	} else {
		fmt.Fprintf(&b, "**Roles recruiting now%s**\n\n", where)
		for _, r := range open {
			writeRole(&b, tx, r)
		}
		b.WriteString("\n`!apply <role_id> [motivation]` applies for one of them.")
	}
	if len(future) > 0 {
		b.WriteString("\n\n**Coming later** (not recruiting yet)\n\n")
		for _, r := range future {
			writeRole(&b, tx, r)
		}
	}
	if len(open) == 0 && len(future) == 0 && team != "" {
		b.WriteString(" `!open_roles` without a team shows every team's roles.")
	}
	return Reply{Text: strings.TrimRight(b.String(), "\n")}
}

func writeRole(b *strings.Builder, tx *ledger.Tx, r ledger.Role) {
	fmt.Fprintf(b, "- **%s** (`%s`) — %s, %s", mdText(r.Title), r.ID, teamWords(tx, r.Team), roleTypeWords(r.Type))
	if r.Hours > 0 {
		fmt.Fprintf(b, ", %d h a week", r.Hours)
	}
	if r.SCPotential > 0 {
		fmt.Fprintf(b, ", up to %d SC a week", r.SCPotential)
	}
	b.WriteString("\n")
}

func roleTypeWords(t string) string {
	switch t {
	case ledger.RoleCaptain:
		return "team captain"
	case ledger.RoleSenior:
		return "senior (attacker)"
	case ledger.RoleJunior:
		return "junior (defender)"
	}
	return strings.ReplaceAll(t, "_", " ")
}
