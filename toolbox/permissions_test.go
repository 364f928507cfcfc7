package toolbox_test

// The permission matrix: every command, sent by every kind of sender from
// every kind of room, is allowed or refused as the product brief (§3–§4)
// says. The expectations are written from the brief, not read from the
// registry, so a command registered in the wrong tier fails here.

import (
	"fmt"
	"slices"
	"testing"

	"smartup0.org/engelbot/toolbox"
)

// briefTier is a tier of the product brief's §3.
type briefTier string

const (
	briefQueries briefTier = "queries"     // every owner, any room or a direct chat
	briefWorkers briefTier = "workers"     // owners with an active role and a Work or Organizational license
	briefCaptain briefTier = "teamcaptain" // the team's captain in its own room; the founder anywhere
	briefAdmin   briefTier = "admin"       // the founder and configured admins, in a direct chat only
)

// briefTiers is the brief's §4 command list, by command name. `!object` is
// for any owner (§4: "any owner may `!object`"), and `!apply` is tried by
// owners without a role, which is how they get one: its license
// requirement is a rule the command checks, not a tier.
var briefTiers = map[string]briefTier{
	"help": briefQueries, "wallet": briefQueries, "my_tasks": briefQueries, "open_roles": briefQueries,
	"tasks": briefQueries, "task": briefQueries, "whois": briefQueries, "team": briefQueries,
	"object": briefQueries, "apply": briefQueries, "objectives": briefQueries,

	"claim": briefWorkers, "unclaim": briefWorkers, "start_work": briefWorkers, "stop_work": briefWorkers, "kudos": briefWorkers,

	"create_task": briefCaptain, "assign": briefCaptain, "assess": briefCaptain, "approve": briefCaptain,
	"award_sk": briefCaptain, "accept": briefCaptain, "reject": briefCaptain,
	// A team's objective is its captain's, like its tasks.
	"team_objective": briefCaptain, "update_objective": briefCaptain, "close_objective": briefCaptain,

	"add_owner": briefAdmin, "set_license": briefAdmin, "deactivate": briefAdmin, "create_role": briefAdmin,
	"verify": briefAdmin, "status": briefAdmin, "setup_rooms": briefAdmin, "publish": briefAdmin,
	// The treasury is seen by every owner and moved by the admins.
	"treasury": briefQueries, "deposit": briefAdmin, "withdraw": briefAdmin,
	// The structure a community starts from: the organisation's objectives
	// and appointments to roles are the admins'.
	"create_objective": briefAdmin, "assign_role": briefAdmin, "end_role": briefAdmin, "update_role": briefAdmin,
	// Governance (issue 12): every owner proposes, votes and asks; the SK
	// a proposal needs is a rule the command checks, not a tier.
	"propose": briefQueries, "vote": briefQueries, "proposals": briefQueries, "proposal": briefQueries,
}

// briefWorkRooms are the work commands, which issue 9 (§3) puts in a team
// room, the workplace or a direct chat, never the general forum.
var briefWorkRooms = map[string]bool{"start_work": true, "stop_work": true, "claim": true, "unclaim": true}

// briefGovernRooms are made where the people they concern see them (issue
// 12): the general forum (binding) or a team's room (advisory, but
// binding for the team captain's election or recall).
var briefGovernRooms = map[string]bool{"propose": true}

// briefAllows says, from the brief alone, whether s may run the command
// name of tier tier in room r.
func briefAllows(name string, tier briefTier, s permSender, r permRoom) bool {
	if briefWorkRooms[name] {
		switch r.room.Kind {
		case toolbox.RoomTeam, toolbox.RoomWorkplace, toolbox.RoomDirect:
		default:
			return false
		}
	}
	if briefGovernRooms[name] && r.room.Kind != toolbox.RoomForum && r.room.Kind != toolbox.RoomTeam {
		return false
	}
	switch tier {
	case briefQueries:
		return s.owner
	case briefWorkers:
		return s.owner && s.holdsRole
	case briefCaptain:
		return s.founder || (s.captainOf != "" && r.room.Kind == toolbox.RoomTeam && r.room.Team == s.captainOf)
	case briefAdmin:
		return (s.founder || s.admin) && r.room.Kind == toolbox.RoomDirect
	}
	panic("unknown tier " + tier)
}

// Every command the registry has is in the brief's table, and every command
// of the brief's table is registered.
func TestPermissionTableCoversEveryCommand(t *testing.T) {
	registered := map[string]bool{}
	for _, c := range toolbox.Commands() {
		registered[c.Name] = true
		if _, ok := briefTiers[c.Name]; !ok {
			t.Errorf("!%s is registered but the permission matrix has no expectation for it: add it to briefTiers with its tier from the brief", c.Name)
		}
	}
	for _, name := range permSortedKeys(briefTiers) {
		if !registered[name] {
			t.Errorf("!%s is in the brief's command list but not registered", name)
		}
		if _, ok := matrixArgs[name]; !ok {
			t.Errorf("!%s has no arguments in the permission matrix (matrixArgs)", name)
		}
	}
}

// TestPermissionMatrix runs every command as every kind of sender in every
// kind of room. A refused cell must be denied (who or where, not a rule)
// and write nothing; an allowed cell must not be denied, though a rule may
// still refuse it. Each command runs on a scene of its own, so one
// command's writes cannot change another's cells.
func TestPermissionMatrix(t *testing.T) {
	for _, name := range permSortedKeys(briefTiers) {
		tier := briefTiers[name]
		t.Run(name, func(t *testing.T) {
			if _, ok := toolbox.Lookup(name); !ok {
				t.Skipf("!%s is not registered (TestPermissionTableCoversEveryCommand fails for it)", name)
			}
			args, ok := matrixArgs[name]
			if !ok {
				t.Fatalf("!%s has no arguments in matrixArgs", name)
			}
			t.Parallel()
			m := newMatrixScene(t, name)
			ran, allowedCells := 0, 0
			var firstRefusal string
			for _, s := range permSenders {
				t.Run(s.name, func(t *testing.T) {
					for _, r := range permRooms {
						t.Run(r.name, func(t *testing.T) {
							want := briefAllows(name, tier, s, r)
							before := m.headFor(t)
							rep := m.tb.Run(t.Context(), toolbox.Request{
								Sender:  s.mxid,
								EventID: fmt.Sprintf("$perm-%s-%s-%s", name, s.name, r.name),
								Room:    r.room,
								Command: name,
								Args:    args(s),
							})
							line := fmt.Sprintf("!%s %q as %s in %s", name, args(s), s.name, r.name)
							if rep.Err != nil {
								t.Fatalf("%s: the ledger failed: %v", line, rep.Err)
							}
							// A cell the brief refuses, and any refusal at all, writes nothing.
							if (!want || rep.Refused) && m.headFor(t) != before {
								t.Errorf("%s moved the ledger, though it should have been refused: %+v", line, rep)
							}
							if !want {
								if !rep.Denied || !rep.Refused {
									t.Errorf("%s: the brief refuses it (%s tier), got %+v", line, tier, rep)
								}
								if rep.Text == "" {
									t.Errorf("%s: refused without a word of why", line)
								}
								if len(rep.Announce) > 0 {
									t.Errorf("%s: a refusal announced %+v", line, rep.Announce)
								}
								return
							}
							allowedCells++
							if rep.Denied {
								t.Errorf("%s: the brief allows it (%s tier), but it was denied: %q", line, tier, rep.Text)
							}
							if !rep.Refused && !rep.Duplicate {
								ran++
								return
							}
							t.Logf("%s: allowed, then refused by a rule: %s", line, rep.Text)
							if firstRefusal == "" {
								firstRefusal = line + " → " + rep.Text
							}
						})
					}
				})
			}
			// The matrix only means something if allowed cells reach the
			// command itself: at least one must get past the rules too.
			if allowedCells > 0 && ran == 0 {
				t.Errorf("no allowed cell of !%s ran: all %d were refused by rules (first: %s); the matrix's arguments or scene do not fit the command",
					name, allowedCells, firstRefusal)
			}
			t.Logf("!%s (%s tier): %d of %d allowed cells got past the rules too", name, tier, ran, allowedCells)
		})
	}
}

func permSortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
