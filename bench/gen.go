package bench

import (
	"fmt"
	"time"

	"smartup0.org/engelbot/ledger"
)

// ServerName is the Matrix server name of every generated owner.
const ServerName = "bench.test"

// teamIDs are the seven SmartupOS teams.
var teamIDs = []string{
	"3_1_leadership_team", "3_2_finance_team", "3_3_developer_team", "3_4_marketing_team",
	"3_5_sales_team", "3_6_community_team", "3_7_operational_team",
}

// Community is the shape of a generated ledger: how many owners and tasks,
// and whether they are spread the way a grown community's would be.
type Community struct {
	Owners int
	Tasks  int
	// Mixed spreads licenses (some owners cannot work) and task states over
	// the community. Without it every owner is a worker and every task is
	// claimed, ready for !start_work.
	Mixed bool
	// Now dates every row.
	Now time.Time
}

// Alias is the alias of owner i.
func Alias(i int) string { return fmt.Sprintf("o%05d", i) }

// MatrixID is the Matrix user ID of owner i.
func MatrixID(i int) string { return "@" + Alias(i) + ":" + ServerName }

// TaskID is the ID of task i: 6_<objective>_<team objective>_<n>, unique
// for i below 10,000,000.
func TaskID(i int) string {
	return fmt.Sprintf("6_%d_%d_%d", 1+i/100000, 1+(i/1000)%100, 1+i%1000)
}

// Attacker is the owner (index) who attacks task i; every owner's first
// task as attacker is task i = owner, which is claimed in every community.
func (c Community) Attacker(i int) int { return i % c.Owners }

// Defender is the owner (index) who defends task i, never its attacker,
// or -1 when the community has a single owner.
func (c Community) Defender(i int) int {
	if c.Owners < 2 {
		return -1
	}
	return (i + c.Owners/2) % c.Owners
}

// taskStates is the spread of a mixed community's tasks beyond the first
// round (which is claimed).
var taskStates = []string{
	ledger.TaskClaimed, ledger.TaskInProgress, ledger.TaskReview, ledger.TaskAwarded,
	ledger.TaskAwarded, ledger.TaskAssessed, ledger.TaskOpen, ledger.TaskCancelled,
}

// Tables returns the community's rows, typed as the ledger types them.
func (c Community) Tables() (owners []ledger.Owner, teams []ledger.Team, roles []ledger.Role, assignments []ledger.Assignment, tasks []ledger.Task) {
	now := c.Now.UTC().Truncate(time.Second)
	for t, id := range teamIDs {
		n := t + 1
		teams = append(teams, ledger.Team{ID: id, Name: id, Status: ledger.StatusActive})
		roles = append(roles,
			ledger.Role{ID: fmt.Sprintf("4_1_%d_captain", n), Team: id, Type: ledger.RoleCaptain, Title: "Team captain", Status: ledger.StatusActive, Recruitment: "closed", Hours: 10, SCPotential: 100},
			ledger.Role{ID: fmt.Sprintf("4_2_%d_senior", n), Team: id, Type: ledger.RoleSenior, Title: "Senior", Status: ledger.StatusActive, Recruitment: "open", Hours: 8, SCPotential: 200},
			ledger.Role{ID: fmt.Sprintf("4_3_%d_junior", n), Team: id, Type: ledger.RoleJunior, Title: "Junior", Status: ledger.StatusActive, Recruitment: "open", Hours: 4, SCPotential: 50},
		)
	}
	for i := range c.Owners {
		owners = append(owners, ledger.Owner{
			Alias: Alias(i), MatrixID: MatrixID(i), License: c.license(i), Status: ledger.StatusActive,
			Joined: now.Add(-time.Duration(c.Owners-i) * time.Hour),
		})
		team := i % len(teamIDs)
		kind := "junior"
		if i%3 == 0 {
			kind = "senior"
		}
		role := fmt.Sprintf("4_%d_%d_%s", map[string]int{"senior": 2, "junior": 3}[kind], team+1, kind)
		assignments = append(assignments, ledger.Assignment{
			ID: "ra_" + Alias(i) + "_" + role, Role: role, Alias: Alias(i), Status: ledger.StatusActive, Since: now,
		})
		if i < len(teamIDs) {
			captain := fmt.Sprintf("4_1_%d_captain", i+1)
			assignments = append(assignments, ledger.Assignment{
				ID: "ra_" + Alias(i) + "_" + captain, Role: captain, Alias: Alias(i), Status: ledger.StatusActive, Since: now,
			})
		}
	}
	sizes := []struct {
		size   string
		budget int
	}{{"S", 25}, {"M", 50}, {"L", 100}, {"XL", 200}}
	for i := range c.Tasks {
		state := ledger.TaskClaimed
		if c.Mixed && i >= c.Owners {
			state = taskStates[(i/c.Owners)%len(taskStates)]
		}
		attacker, defender := Alias(c.Attacker(i)), ""
		if d := c.Defender(i); d >= 0 {
			defender = Alias(d)
		}
		team := c.Attacker(i) % len(teamIDs)
		sz := sizes[i%len(sizes)]
		tasks = append(tasks, ledger.Task{
			ID: TaskID(i), Team: teamIDs[team], Objective: fmt.Sprintf("5_%d_%d", 1+i/100000, team+1),
			Title: fmt.Sprintf("Generated task number %d for the benchmark", i), Size: sz.size, BudgetSC: sz.budget,
			State: state, Attacker: attacker, Defender: defender, CreatedBy: Alias(team),
			Created: now.Add(-time.Duration(c.Tasks-i) * time.Minute), Updated: now,
		})
	}
	return owners, teams, roles, assignments, tasks
}

// Changes returns the community as the creation of its CSV indexes' shards,
// laid out as the ledger writes them, to be committed through a Store into
// a repository that has none yet.
func (c Community) Changes() []ledger.Change {
	owners, teams, roles, assignments, tasks := c.Tables()
	var out []ledger.Change
	out = append(out, ledger.IndexChanges(ledger.OwnersIndex, owners, ledger.DefaultShardRows)...)
	out = append(out, ledger.IndexChanges(ledger.TeamsIndex, teams, ledger.DefaultShardRows)...)
	out = append(out, ledger.IndexChanges(ledger.RolesIndex, roles, ledger.DefaultShardRows)...)
	out = append(out, ledger.IndexChanges(ledger.AssignmentsIndex, assignments, ledger.DefaultShardRows)...)
	return append(out, ledger.IndexChanges(ledger.TasksIndex, tasks, ledger.DefaultShardRows)...)
}

// license is owner i's license: the founder's organizational, every
// other's work, except, in a Mixed community, a tenth each of watch and
// campaign licenses, which do no work.
func (c Community) license(i int) string {
	switch {
	case i == 0:
		return ledger.LicenseOrganizational
	case c.Mixed && i%10 == 7:
		return ledger.LicenseWatch
	case c.Mixed && i%10 == 8:
		return ledger.LicenseCampaign
	}
	return ledger.LicenseWork
}
