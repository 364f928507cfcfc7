package toolbox

import "smartup0.org/engelbot/ledger"

// The SK thresholds of SmartupOS (domain.md, from its currency pages:
// "Thresholds: 50 to propose in the forum · 100 to apply as team captain ·
// 200 to lead missions · 500 to join the leadership team"). Each is the
// balance after the decay written so far, checked where the step is taken;
// proposeMinSK and captainMinSK live with the commands they were first used
// by.
const (
	// missionLeadMinSK is the SK needed to lead a mission.
	missionLeadMinSK = 200
	// leadershipMinSK is the SK needed to join the leadership team.
	leadershipMinSK = 500
)

// missionSize is the size of task that is a mission. SmartupOS does not
// define "mission" in the ledger; Engelbot takes it to be the largest unit
// of work the ledger has, a task of size XL ("Complex (1–2 days)",
// domain.md's task budgets), and leading it to be attacking it: the
// attacker executes and is paid 90 %, the defender oversees (the ADM
// triangle). An organisation objective's owner was the other candidate,
// but objectives have no owner in the ledger; tasks have attackers.
const missionSize = "XL"

// leadsMission reports whether taking slot on task is leading a mission.
func leadsMission(task ledger.Task, slot string) bool {
	return slot == ledger.Attacker && task.Size == missionSize
}

// missionLeadRefusal refuses who (you, or an alias) the attacker's slot
// of a mission without 200 SK, saying what works instead; nil when they
// have it or the slot is not a mission's lead.
func missionLeadRefusal(tx *ledger.Tx, task ledger.Task, slot, alias, who, instead string) error {
	if !leadsMission(task, slot) {
		return nil
	}
	sk := tx.Balance(alias).SK
	if sk >= missionLeadMinSK {
		return nil
	}
	has := "you have"
	if who != "you" {
		has = who + " has"
	}
	return ledger.Refuse("`%s` is an XL task, a mission, and leading a mission (its attacker) takes %d SK; %s %d (after decay). %s",
		task.ID, missionLeadMinSK, has, sk, instead)
}

// leadershipRefusal refuses alias a role of the leadership team without
// 500 SK. The founder (founder is their Matrix ID) needs none: their first
// role is written by the ledger's set-up (bootstrap) without SK, and a
// founder recalled or replaced would otherwise need 500 SK to lead again,
// which the set-up never asked of them.
func leadershipRefusal(tx *ledger.Tx, founder string, role ledger.Role, alias, who string) error {
	if role.Team != LeadershipTeam {
		return nil
	}
	if o, ok := tx.Owner(alias); ok && founder != "" && o.MatrixID == founder {
		return nil
	}
	sk := tx.Balance(alias).SK
	if sk >= leadershipMinSK {
		return nil
	}
	has := "you have"
	if who != "you" {
		has = who + " has"
	}
	return ledger.Refuse("Joining the leadership team (%s, `%s`) takes %d SK, and %s %d (after decay). The other teams' senior and junior roles take no SK: `!open_roles` lists them.",
		mdText(role.Title), role.ID, leadershipMinSK, has, sk)
}
