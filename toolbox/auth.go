package toolbox

import (
	"smartup0.org/engelbot/ledger"
)

// authorize finds the sender in the Book of Owners and checks that the
// command's tier allows them here. The ledger, not Matrix power levels, is
// the source of authority.
func (tb *Toolbox) authorize(tx *ledger.Tx, c *call) (ledger.Owner, error) {
	me, ok := tx.OwnerByMatrixID(c.Sender)
	if !ok {
		return me, ledger.Refuse("You are not in the Book of Owners, so I can't run commands for you. An admin can add you with `!add_owner`.")
	}
	if me.Status != ledger.StatusActive {
		return me, ledger.Refuse("Your ownership is not active, so I can't run commands for you. Please talk to an admin.")
	}
	switch c.cmd.Tier {
	case TierQuery:
		return me, nil
	case TierWorker:
		if !canWork(me) {
			return me, ledger.Refuse("`!%s` is for workers, and your license (%s) does not include work. A Work or Organizational license does; an admin can change it.", c.cmd.Name, me.License)
		}
		if len(activeRoles(tx, me.Alias)) == 0 {
			return me, ledger.Refuse("`!%s` is for workers, and you hold no active role yet. See `!open_roles` and `!apply` for one.", c.cmd.Name)
		}
		return me, nil
	case TierCaptain:
		if c.founder {
			return me, nil
		}
		if c.Room.Kind != RoomTeam || !captains(tx, me.Alias, c.Room.Team) {
			return me, ledger.Refuse("`!%s` is for the team captain, in their own team's room.", c.cmd.Name)
		}
		if !canWork(me) {
			return me, ledger.Refuse("`!%s` is for the team captain, and captaining is work: your license (%s) does not include it. An admin can change it.", c.cmd.Name, me.License)
		}
		return me, nil
	case TierAdmin:
		if !tb.admins[c.Sender] {
			return me, ledger.Refuse("`!%s` is for admins only.", c.cmd.Name)
		}
		if c.Room.Kind != RoomDirect {
			return me, ledger.Refuse("`!%s` works only in a direct chat with me, never in a shared room.", c.cmd.Name)
		}
		return me, nil
	}
	return me, ledger.Refuse("`!%s` cannot be run.", c.cmd.Name)
}

// canWork: Work and Organizational licenses may earn SC and take roles.
func canWork(o ledger.Owner) bool {
	return o.License == ledger.LicenseWork || o.License == ledger.LicenseOrganizational
}

// activeRoles lists the active roles an owner holds.
func activeRoles(tx *ledger.Tx, alias string) []ledger.Role {
	var roles []ledger.Role
	for _, a := range tx.AssignmentsOf(alias) {
		if a.Status != ledger.StatusActive {
			continue
		}
		if r, ok := tx.Role(a.Role); ok && r.Status == ledger.StatusActive {
			roles = append(roles, r)
		}
	}
	return roles
}

// captains reports whether alias holds the captain role of team.
func captains(tx *ledger.Tx, alias, team string) bool {
	for _, r := range activeRoles(tx, alias) {
		if r.Type == ledger.RoleCaptain && r.Team == team {
			return true
		}
	}
	return false
}
