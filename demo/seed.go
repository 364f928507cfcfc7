package demo

import (
	"context"
	"fmt"
	"time"

	"smartup0.org/engelbot/ledger"
)

// Person is someone in the demo community.
type Person struct {
	Name     string // alias in the Book of Owners, and Matrix localpart
	License  string // "" for someone who is not an owner
	Roles    []string
	Password string
	UserID   string
}

// The demo team: its room is the team room, its captain bob.
const (
	Team      = "3_7_operational_team"
	OtherTeam = "3_3_developer_team"
)

// Roles of the demo ledger.
var demoRoles = []ledger.Role{
	{ID: "4_1_1_founder", Team: "3_1_leadership_team", Type: ledger.RoleCaptain, Title: "Founder", Status: ledger.StatusActive, Recruitment: "closed", Hours: 40},
	{ID: "4_1_7_tc_operational_team", Team: Team, Type: ledger.RoleCaptain, Title: "Team captain, operations", Status: ledger.StatusActive, Recruitment: "closed", Hours: 10, SCPotential: 100},
	{ID: "4_2_7_operations_lead", Team: Team, Type: ledger.RoleSenior, Title: "Operations lead", Status: ledger.StatusActive, Recruitment: "open", Hours: 8, SCPotential: 200},
	{ID: "4_3_7_operations_junior", Team: Team, Type: ledger.RoleJunior, Title: "Operations junior", Status: ledger.StatusActive, Recruitment: "open", Hours: 4, SCPotential: 50},
	{ID: "4_1_3_tc_developer_team", Team: OtherTeam, Type: ledger.RoleCaptain, Title: "Team captain, developers", Status: ledger.StatusActive, Recruitment: "future", Hours: 10, SCPotential: 100},
}

// demoTeams are SmartupOS's seven teams.
var demoTeams = []ledger.Team{
	{ID: "3_1_leadership_team", Name: "Leadership team", Status: ledger.StatusActive},
	{ID: "3_2_design_team", Name: "Design team", Status: ledger.StatusActive},
	{ID: OtherTeam, Name: "Developer team", Status: ledger.StatusActive},
	{ID: "3_4_business_team", Name: "Business team", Status: ledger.StatusActive},
	{ID: "3_5_media_team", Name: "Media team", Status: ledger.StatusActive},
	{ID: "3_6_science_team", Name: "Science team", Status: ledger.StatusActive},
	{ID: Team, Name: "Operational team", Status: ledger.StatusActive},
}

// demoObjectives: one for the organisation, and one for each demo team that
// new tasks serve.
var demoObjectives = []ledger.Objective{
	{ID: "5_1", Title: "Open the SmartupOS workplace", Status: ledger.ObjectiveOpen},
	{ID: "5_1_7", Parent: "5_1", Team: Team, Title: "Run the workplace day to day", Status: ledger.ObjectiveOpen},
	{ID: "5_1_3", Parent: "5_1", Team: OtherTeam, Title: "Build Engelbot", Status: ledger.ObjectiveOpen},
}

// People is the demo community: a founder, a captain, two workers paired
// on a task, a newcomer with a Work license and no role yet, an owner with
// a Watch license, and someone who is not an owner at all. extraWorkers adds workers w01, w02, … each on a task
// of their own (the end-to-end tests use them for bursts).
func People(extraWorkers int) []Person {
	people := []Person{
		{Name: "alice", License: ledger.LicenseOrganizational, Roles: []string{"4_1_1_founder"}},
		{Name: "bob", License: ledger.LicenseWork, Roles: []string{"4_1_7_tc_operational_team"}},
		{Name: "carol", License: ledger.LicenseWork, Roles: []string{"4_2_7_operations_lead"}},
		{Name: "dave", License: ledger.LicenseWork, Roles: []string{"4_3_7_operations_junior"}},
		{Name: "nina", License: ledger.LicenseWork},
		{Name: "erin", License: ledger.LicenseWatch},
		{Name: "mallory"},
	}
	for i := 1; i <= extraWorkers; i++ {
		people = append(people, Person{Name: fmt.Sprintf("w%02d", i), License: ledger.LicenseWork, Roles: []string{"4_3_7_operations_junior"}})
	}
	return people
}

// Tasks of the demo ledger: carol (attacker) and dave (defender) share one
// task and each lead another; every extra worker has a task of their own.
func demoTasks(people []Person, now time.Time) []ledger.Task {
	task := func(id, title, size string, budget int, attacker, defender string) ledger.Task {
		state := ledger.TaskOpen
		if attacker != "" || defender != "" {
			state = ledger.TaskClaimed
		}
		return ledger.Task{
			ID: id, Team: Team, Objective: "5_1_7", Title: title, Size: size, BudgetSC: budget, State: state,
			Attacker: attacker, Defender: defender, CreatedBy: "bob", Created: now, Updated: now,
		}
	}
	tasks := []ledger.Task{
		task("6_1_7_1", "Write the onboarding checklist", "M", 50, "carol", "dave"),
		task("6_1_7_2", "Set up the shared calendar", "S", 25, "dave", "carol"),
		task("6_1_7_3", "Review the treasury report", "L", 100, "", ""),
	}
	n := 0
	for _, p := range people {
		if len(p.Name) == 3 && p.Name[0] == 'w' {
			n++
			tasks = append(tasks, task(fmt.Sprintf("6_2_7_%d", n), "Burst task of "+p.Name, "S", 25, p.Name, ""))
		}
	}
	return tasks
}

// Seed writes the demo community into an empty ledger, as one audited
// commit like any other.
func Seed(ctx context.Context, l *ledger.Ledger, people []Person) error {
	res, err := l.Apply(ctx, ledger.Mutation{
		EventID: "seed:demo", Actor: "engelbot", Command: "seed the demo ledger",
		Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
			now := tx.Now()
			for _, t := range demoTeams {
				tx.PutTeam(t)
			}
			for _, o := range demoObjectives {
				tx.PutObjective(o)
			}
			for _, r := range demoRoles {
				tx.PutRole(r)
			}
			for _, p := range people {
				if p.License == "" {
					continue
				}
				tx.PutOwner(ledger.Owner{Alias: p.Name, MatrixID: p.UserID, License: p.License, Status: ledger.StatusActive, Joined: now})
				for _, r := range p.Roles {
					tx.PutAssignment(ledger.Assignment{ID: "ra_" + p.Name + "_" + r, Role: r, Alias: p.Name, Status: ledger.StatusActive, Since: now})
				}
			}
			for _, t := range demoTasks(people, now) {
				tx.PutTask(t)
			}
			return ledger.Outcome{Action: "ledger.seed", Target: "demo", Reply: "demo ledger seeded"}, nil
		},
	})
	if err != nil {
		return err
	}
	if res.Refused {
		return fmt.Errorf("seeding refused: %s", res.Reply)
	}
	return nil
}

// SeedStore writes the demo community into an empty ledger store.
func SeedStore(ctx context.Context, store ledger.Store, people []Person) error {
	l, err := ledger.Open(ctx, store, ledger.Options{})
	if err != nil {
		return err
	}
	defer l.Close()
	return Seed(ctx, l, people)
}
