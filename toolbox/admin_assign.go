package toolbox

import (
	"fmt"
	"strconv"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// The admins' hand on roles beyond creating them: appointing an owner to a
// role, ending an appointment, and setting a role's recruitment, weekly
// hours and SC potential. Applications (`!apply`, `!accept`) remain the
// way workers join a team; an appointment is how a new community gets its
// first captains, before anyone has the SK an application as captain
// needs.

var cmdAssignRole = &Command{
	Name: "assign_role", Tier: TierAdmin, Params: []Param{{Name: "role_id", Kind: KindRole}, {Name: "alias", Kind: KindOwner}},
	Summary: "appoint an owner to a role, such as a team's first captain",
	Help: "Gives an owner a role directly, without an application: how a new community gets its first team captains. The owner " +
		"needs a Work or Organizational license, and a team has one captain at a time. Applying (`!apply`, decided with `!accept`) " +
		fmt.Sprintf("stays the way owners join a team, and there the %d SK a captain needs holds. ", captainMinSK) +
		fmt.Sprintf("A role in the leadership team needs %d SK here too, except for the founder, whose first role comes with the ledger's set-up. ", leadershipMinSK) +
		"Example: `!assign_role 4_1_7_tc_operational_team bob`.",
	write: assignRole,
}

var cmdEndRole = &Command{
	Name: "end_role", Tier: TierAdmin, Params: []Param{{Name: "role_id", Kind: KindRole}, {Name: "alias", Kind: KindOwner}},
	Summary: "end an owner's appointment to a role",
	Help: "Ends an owner's active assignment to a role, as of today; the assignment's row stays with its end date. " +
		"Their tasks stay theirs; the captain can reassign them.",
	write: endRole,
}

var cmdUpdateRole = &Command{
	Name: "update_role", Tier: TierAdmin, Params: []Param{{Name: "role_id", Kind: KindRole}, {Name: "field", Kind: KindWord}, {Name: "value", Kind: KindText, Rest: true}},
	Summary: "set a role's recruitment (open, future, closed), weekly hours or SC potential",
	Help: "Changes one thing about a role: `recruitment open|future|closed` (whether `!open_roles` lists it as recruiting now, " +
		"later, or not at all), `hours <n>` (the weekly commitment, 0–80) or `sc <n>` (its weekly SC potential, 0–10000). " +
		"Its ID, title and page stay. Example: `!update_role 4_2_7_operations_lead hours 8`.",
	write: updateRole,
}

// activeRole finds a role that exists and is active.
func activeRole(tx *ledger.Tx, id string) (ledger.Role, error) {
	r, ok := tx.Role(id)
	switch {
	case !ok:
		return r, ledger.Refuse("There is no role `%s`. `!team <team>` shows a team's roles.", id)
	case r.Status != ledger.StatusActive:
		return r, ledger.Refuse("%s (`%s`) is %s.", mdText(r.Title), r.ID, r.Status)
	}
	return r, nil
}

func assignRole(tx *ledger.Tx, _ ledger.Owner, c *call) (ledger.Outcome, error) {
	role, err := activeRole(tx, c.Args[0])
	if err != nil {
		return ledger.Outcome{}, err
	}
	who, err := findOwner(tx, c.Args[1])
	if err != nil {
		return ledger.Outcome{}, err
	}
	switch {
	case who.Status != ledger.StatusActive:
		return ledger.Outcome{}, ledger.Refuse("%s is not an active owner, so they can't take a role.", who.Alias)
	case !canWork(who):
		return ledger.Outcome{}, ledger.Refuse("%s has a %s license, which can't take roles. `!set_license %s work` first.", who.Alias, who.License, who.Alias)
	}
	for a := range tx.Assignments() {
		if a.Role != role.ID || a.Status != ledger.StatusActive {
			continue
		}
		if a.Alias == who.Alias {
			return ledger.Outcome{}, ledger.Refuse("%s already holds %s (`%s`).", who.Alias, mdText(role.Title), role.ID)
		}
		if role.Type == ledger.RoleCaptain {
			return ledger.Outcome{}, ledger.Refuse("%s already captains the %s; a team has one captain. `!end_role %s %s` first.", a.Alias, teamWords(tx, role.Team), role.ID, a.Alias)
		}
	}
	if err := leadershipRefusal(tx, c.founderID, role, who.Alias, who.Alias); err != nil {
		return ledger.Outcome{}, err
	}
	id, err := firstFree(1, func(n int) (string, error) { return newAssignmentID(who.Alias, role.ID, n) },
		func(id string) bool { _, taken := tx.Assignment(id); return taken })
	if err != nil {
		return ledger.Outcome{}, err
	}
	tx.PutAssignment(ledger.Assignment{ID: id, Role: role.ID, Alias: who.Alias, Status: ledger.StatusActive, Since: tx.Now()})
	return ledger.Outcome{
		Action: "role.assign", Target: id,
		Reply: fmt.Sprintf("%s is now %s (`%s`) in the %s.", who.Alias, mdText(role.Title), role.ID, teamWords(tx, role.Team)),
	}, nil
}

func endRole(tx *ledger.Tx, _ ledger.Owner, c *call) (ledger.Outcome, error) {
	who, err := findOwner(tx, c.Args[1])
	if err != nil {
		return ledger.Outcome{}, err
	}
	for _, a := range tx.AssignmentsOf(who.Alias) {
		if a.Role != c.Args[0] || a.Status != ledger.StatusActive {
			continue
		}
		if c.founder && who.MatrixID == c.Sender && strings.HasPrefix(a.Role, "4_1_") {
			return ledger.Outcome{}, ledger.Refuse("That is your own captaincy; another admin ends it, so the community always has someone who can.")
		}
		a.Status, a.Until = ledger.StatusEnded, tx.Now()
		tx.PutAssignment(a)
		title := a.Role
		if r, ok := tx.Role(a.Role); ok {
			title = mdText(r.Title)
		}
		return ledger.Outcome{Action: "role.end", Target: a.ID, Reply: fmt.Sprintf("%s no longer holds %s (`%s`).", who.Alias, title, a.Role)}, nil
	}
	return ledger.Outcome{}, ledger.Refuse("%s holds no active assignment to `%s`; `!whois %s` shows their roles.", who.Alias, c.Args[0], who.Alias)
}

const (
	maxRoleHours       = 80
	maxRoleSCPotential = 10000
)

func updateRole(tx *ledger.Tx, _ ledger.Owner, c *call) (ledger.Outcome, error) {
	role, err := activeRole(tx, c.Args[0])
	if err != nil {
		return ledger.Outcome{}, err
	}
	value := strings.TrimSpace(strings.Join(c.Args[2:], " "))
	number := func(what string, max int) (int, error) {
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 || n > max {
			return 0, ledger.Refuse("The %s is a whole number from 0 to %d, not %s.", what, max, quoteArg(value))
		}
		return n, nil
	}
	var change string
	switch field := strings.ToLower(c.Args[1]); field {
	case "recruitment":
		v := strings.ToLower(value)
		if v != "open" && v != "future" && v != "closed" {
			return ledger.Outcome{}, ledger.Refuse("Recruitment is `open`, `future` or `closed`, not %s.", quoteArg(value))
		}
		role.Recruitment, change = v, "recruitment "+v
	case "hours":
		if role.Hours, err = number("weekly commitment in hours", maxRoleHours); err != nil {
			return ledger.Outcome{}, err
		}
		change = fmt.Sprintf("%d hours a week", role.Hours)
	case "sc", "sc_potential":
		if role.SCPotential, err = number("weekly SC potential", maxRoleSCPotential); err != nil {
			return ledger.Outcome{}, err
		}
		change = fmt.Sprintf("an SC potential of %d a week", role.SCPotential)
	default:
		return ledger.Outcome{}, ledger.Refuse("%s is not something a role has. Say `recruitment`, `hours` or `sc`.", quoteArg(c.Args[1]))
	}
	if old, _ := tx.Role(role.ID); old == role {
		return ledger.Outcome{}, ledger.Refuse("%s (`%s`) has %s already; nothing was written.", mdText(role.Title), role.ID, change)
	}
	tx.PutRole(role)
	return ledger.Outcome{Action: "role.update", Target: role.ID, Reply: fmt.Sprintf("%s (`%s`) now has %s.", mdText(role.Title), role.ID, change)}, nil
}
