package toolbox

import (
	"context"
	"fmt"
	"path"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// Bootstrap: a community starts from an empty ledger. Nobody can run a
// command for someone who is not in the Book of Owners, so the first owner
// cannot be added by a command; the bot writes the founder (from the
// configuration) and SmartupOS's seven teams itself, as one audited commit
// with the bot as actor. Everything after that is done by commands.

// BootstrapEventID is the exactly-once key of the bootstrap commit: a
// restart, a second process or a retry after a crash finds it in the audit
// trail and writes nothing again.
const BootstrapEventID = "engelbot:bootstrap"

// SmartupTeams are SmartupOS's seven teams, as the bootstrap writes them.
var SmartupTeams = []ledger.Team{
	{ID: "3_1_leadership_team", Name: "Leadership team"},
	{ID: "3_2_design_team", Name: "Design team"},
	{ID: "3_3_developer_team", Name: "Developer team"},
	{ID: "3_4_business_team", Name: "Business team"},
	{ID: "3_5_media_team", Name: "Media team"},
	{ID: "3_6_science_team", Name: "Science team"},
	{ID: "3_7_operational_team", Name: "Operational team"},
}

// LeadershipTeam is the team whose captain the founder becomes.
const LeadershipTeam = "3_1_leadership_team"

// Bootstrapped says what Bootstrap did.
type Bootstrapped struct {
	// Done: this call wrote the bootstrap commit.
	Done bool
	// Why, when nothing was written: the ledger already has owners, or the
	// bootstrap had landed before.
	Why string
}

// Bootstrap sets an empty ledger up: the founder becomes the first owner
// (Organizational license) under alias, and captain of the leadership
// team; the seven teams exist. A ledger that has any owner is never
// touched. The rules run inside the ledger's writer, on the data it
// commits on, so two processes starting at once write it once.
func (tb *Toolbox) Bootstrap(ctx context.Context, alias string) (Bootstrapped, error) {
	if tb.founder == "" {
		return Bootstrapped{}, fmt.Errorf("no founder is configured")
	}
	if !matrixIDShape.MatchString(tb.founder) {
		return Bootstrapped{}, fmt.Errorf("the founder %q is not a Matrix user ID", tb.founder)
	}
	if _, server, _ := strings.Cut(tb.founder, ":"); server != tb.server {
		// Nobody could ever use a ledger whose only owner is someone the
		// bot does not serve, and the bootstrap is never written again.
		return Bootstrapped{}, fmt.Errorf("the founder %s is not a user of the community's homeserver %s", tb.founder, tb.server)
	}
	if err := checkAlias(alias, true); err != nil {
		reason, _ := ledger.IsRefusal(err)
		return Bootstrapped{}, fmt.Errorf("the founder's alias %q: %s", alias, reason)
	}
	// The common case, every start after the first, costs no write: the
	// writer would refuse it anyway, on fresher data.
	for o := range tb.ledger.Current().ReadAt(tb.ledger.Now()).Owners() {
		return Bootstrapped{Why: fmt.Sprintf("the Book of Owners is not empty (it has %s, among others), so the ledger is set up already", o.Alias)}, nil
	}
	res, err := tb.ledger.Apply(ctx, ledger.Mutation{
		EventID: BootstrapEventID, Actor: JobActor,
		Command: fmt.Sprintf("bootstrap: founder %s as %s", tb.founder, alias),
		Run:     func(tx *ledger.Tx) (ledger.Outcome, error) { return bootstrap(tx, tb.founder, alias) },
	})
	switch {
	case err != nil:
		return Bootstrapped{}, err
	case res.Duplicate:
		return Bootstrapped{Why: "the ledger was set up before"}, nil
	case res.Refused:
		return Bootstrapped{Why: res.Reply}, nil
	}
	return Bootstrapped{Done: true}, nil
}

func bootstrap(tx *ledger.Tx, founder, alias string) (ledger.Outcome, error) {
	for o := range tx.Owners() {
		return ledger.Outcome{}, ledger.Refuse("the Book of Owners is not empty (it has %s, among others), so the ledger is set up already", o.Alias)
	}
	for _, t := range SmartupTeams {
		if _, ok := tx.Team(t.ID); !ok {
			t.Status = ledger.StatusActive
			tx.PutTeam(t)
		}
	}
	now := tx.Now()
	writeOwner(tx, ledger.Owner{Alias: alias, MatrixID: founder, License: ledger.LicenseOrganizational, Status: ledger.StatusActive, Joined: now})

	number, name, _ := splitTeamID(LeadershipTeam)
	roleID, err := newRoleID(ledger.RoleCaptain, number, name, "")
	if err != nil {
		return ledger.Outcome{}, err
	}
	role, ok := tx.Role(roleID)
	if !ok {
		role = ledger.Role{
			ID: roleID, Team: LeadershipTeam, Type: ledger.RoleCaptain, Title: "Founder, captain of the leadership team",
			Status: ledger.StatusActive, Recruitment: "closed", WikiPath: path.Join(RolePagesDir, roleID+".md"),
		}
		tx.WritePage(role.WikiPath, rolePage(tx, role, alias, "The founder's role: captain of the leadership team from the community's first day."))
		tx.PutRole(role)
	}
	assignment, err := newAssignmentID(alias, roleID, 1)
	if err != nil {
		return ledger.Outcome{}, err
	}
	tx.PutAssignment(ledger.Assignment{ID: assignment, Role: roleID, Alias: alias, Status: ledger.StatusActive, Since: now})
	return ledger.Outcome{
		Action: "ledger.bootstrap", Target: alias,
		Reply: fmt.Sprintf("The ledger is set up: %s is the first owner and captain of the leadership team; the seven teams exist.", alias),
	}, nil
}
