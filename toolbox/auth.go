package toolbox

import (
	"smartup0.org/engelbot/ledger"
)

// authorize finds the sender in the Book of Owners and checks that the
// command's tier allows them, and its Where this room. The ledger, not Matrix power levels, is
// the source of authority.
func (tb *Toolbox) authorize(tx *ledger.Tx, c *call) (ledger.Owner, error) {
	me, ok := tx.OwnerByMatrixID(c.Sender)
	if !ok {
		return me, ledger.Refuse("You are not in the Book of Owners, so I can't run commands for you. An admin can add you with `!add_owner`.")
	}
	if me.Status != ledger.StatusActive {
		return me, ledger.Refuse("Your ownership is not active, so I can't run commands for you. Please talk to an admin.")
	}
	if err := tb.checkTier(tx, me, c); err != nil {
		return me, err
	}
	if err := tb.checkWhere(tx, me, c); err != nil {
		return me, err
	}
	// A captain's command acts on the team of the room it is sent in: that
	// must be their team (the founder captains every team).
	if c.cmd.Tier == TierCaptain && !c.founder && !captains(tx, me.Alias, c.Room.Team) {
		return me, tb.notTheirTeamRoom(c.cmd.Name, captainTeams(tx, me.Alias))
	}
	return me, nil
}

// checkTier checks who the sender is against the command's tier: where
// they sent it is the command's Where (checkWhere).
func (tb *Toolbox) checkTier(tx *ledger.Tx, me ledger.Owner, c *call) error {
	switch c.cmd.Tier {
	case TierQuery:
		return nil
	case TierWorker:
		if !canWork(me) {
			return ledger.Refuse("`!%s` is for workers, and your license (%s) does not include work. A Work or Organizational license does; an admin can change it.", c.cmd.Name, me.License)
		}
		if len(activeRoles(tx, me.Alias)) == 0 {
			return ledger.Refuse("`!%s` is for workers, and you hold no active role yet. See `!open_roles` and `!apply` for one.", c.cmd.Name)
		}
		return nil
	case TierCaptain:
		if c.founder {
			return nil
		}
		if len(captainTeams(tx, me.Alias)) == 0 {
			return ledger.Refuse("`!%s` is for the team captain, in their own team's room.", c.cmd.Name)
		}
		if !canWork(me) {
			return ledger.Refuse("`!%s` is for the team captain, and captaining is work: your license (%s) does not include it. An admin can change it.", c.cmd.Name, me.License)
		}
		return nil
	case TierAdmin:
		if !tb.admins[c.Sender] {
			return ledger.Refuse("`!%s` is for admins only.", c.cmd.Name)
		}
		return nil
	}
	return ledger.Refuse("`!%s` cannot be run.", c.cmd.Name)
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
