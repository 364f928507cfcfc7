package toolbox_test

// The community the permission matrix runs in: one sender of each kind,
// the rooms they write from, and for every command arguments that fit the
// scene, so that allowed cells get past the permission check to the rules.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// Teams of the matrix: T is the team whose room is the main stage, U
// another team with its own captain, L the leadership team (the founder's).
const (
	matrixTeamT = "3_7_operational_team"
	matrixTeamU = "3_5_media_team"
	matrixTeamL = "3_1_leadership_team"
)

// permSender is a kind of sender, described in the brief's terms.
type permSender struct {
	name      string // for the subtest name
	mxid      string
	owner     bool   // in the Book of Owners, active
	holdsRole bool   // an active role, and a Work or Organizational license
	captainOf string // the team whose captain role they hold
	founder   bool   // toolbox.Config.Founder
	admin     bool   // in toolbox.Config.Admins
	team      string // the team they hold a role in, for the tasks they take
	task      string // the task they are the attacker of
}

var permSenders = []permSender{
	{name: "not-an-owner", mxid: "@stranger:s.test"},
	{name: "owner-without-role", mxid: "@nora:s.test", owner: true},
	{name: "worker", mxid: "@wes:s.test", owner: true, holdsRole: true, team: matrixTeamT, task: "6_1_7_1"},
	{name: "captain-of-T", mxid: "@tara:s.test", owner: true, holdsRole: true, captainOf: matrixTeamT, team: matrixTeamT, task: "6_1_7_2"},
	{name: "captain-of-U", mxid: "@uma:s.test", owner: true, holdsRole: true, captainOf: matrixTeamU, team: matrixTeamU, task: "6_1_5_1"},
	{name: "founder", mxid: "@fay:s.test", owner: true, holdsRole: true, captainOf: matrixTeamL, founder: true, team: matrixTeamL, task: "6_1_1_1"},
	{name: "admin", mxid: "@ada:s.test", owner: true, admin: true},
	// Beyond the seven: a role held under a license without work, and
	// an owner no longer active (who keeps a role on paper).
	{name: "watcher-with-role", mxid: "@wanda:s.test", owner: true},
	{name: "inactive-owner", mxid: "@ina:s.test"},
}

// permRoom is a kind of room a command is sent from.
type permRoom struct {
	name string
	room toolbox.Room
}

var permRooms = []permRoom{
	{"room-of-T", toolbox.Room{Kind: toolbox.RoomTeam, Team: matrixTeamT}},
	{"room-of-U", toolbox.Room{Kind: toolbox.RoomTeam, Team: matrixTeamU}},
	{"forum", toolbox.Room{Kind: toolbox.RoomForum}},
	{"workplace", toolbox.Room{Kind: toolbox.RoomWorkplace}},
	{"other", toolbox.Room{Kind: toolbox.RoomOther}},
	{"direct", toolbox.Room{Kind: toolbox.RoomDirect}},
}

// matrixTeam is what the scene holds for one team's captain to act on.
type matrixTeam struct {
	id, num   string // 3_7_operational_team, "7"
	bystander string // holds the team's senior role; the one captains act on
	senior    string // the senior role, recruiting
	app       string // a pending application for the senior role
}

var (
	matrixT = matrixTeam{id: matrixTeamT, num: "7", bystander: "zoe", senior: "4_2_7_lead", app: "app_1"}
	matrixU = matrixTeam{id: matrixTeamU, num: "5", bystander: "yan", senior: "4_2_5_editor", app: "app_2"}
)

// permCaptainTeam is the team whose records s acts on as a captain: the
// captain of U acts on U's, everyone else (the founder included) on T's.
func permCaptainTeam(s permSender) matrixTeam {
	if s.captainOf == matrixTeamU {
		return matrixU
	}
	return matrixT
}

// task is a task ID of the team: 6_1_<team>_<n>.
func (m matrixTeam) task(n string) string { return "6_1_" + m.num + "_" + n }

// permHomeTask is the open task of the team s holds a role in (T's for those
// who hold none).
func permHomeTask(s permSender) string {
	switch s.team {
	case matrixTeamU:
		return matrixU.task("10")
	case matrixTeamL:
		return "6_1_1_10"
	}
	return matrixT.task("10")
}

// permWords are the same arguments whoever sends them.
func permWords(w ...string) func(permSender) []string { return func(permSender) []string { return w } }

// matrixArgs are realistic arguments for each command, in the brief's
// syntax, by sender: each acts on records they could act on.
var matrixArgs = map[string]func(permSender) []string{
	"help":       permWords("claim"),
	"wallet":     permWords(),
	"my_tasks":   permWords(),
	"open_roles": permWords(),
	"tasks":      permWords(),
	"task":       permWords("6_1_7_10"),
	"whois":      permWords("zoe"),
	"team":       permWords(matrixTeamT),
	"object":     permWords("6_1_7_22", "the work is not finished yet"),
	"apply":      permWords("4_3_5_writer", "I write well"),

	"claim":      func(s permSender) []string { return []string{permHomeTask(s)} },
	"unclaim":    func(s permSender) []string { return []string{permTaskOf(s)} },
	"start_work": func(s permSender) []string { return []string{permTaskOf(s)} },
	"stop_work":  permWords("Finished", "the", "first", "draft"),
	"kudos":      permWords("zoe", "thanks", "for", "the", "review"),

	"create_task": permWords("M", "Fix the gate"),
	"assign": func(s permSender) []string {
		c := permCaptainTeam(s)
		return []string{c.task("10"), c.bystander, "attacker"}
	},
	"assess": func(s permSender) []string {
		return []string{permCaptainTeam(s).task("20"), "8", "7", "9", "solid", "work"}
	},
	"approve": func(s permSender) []string { return []string{permCaptainTeam(s).task("21")} },
	"award_sk": func(s permSender) []string {
		return []string{permCaptainTeam(s).bystander, "code_review", "careful", "review"}
	},
	"accept": func(s permSender) []string { return []string{permCaptainTeam(s).app} },
	"reject": func(s permSender) []string { return []string{permCaptainTeam(s).app, "the", "role", "is", "filled"} },

	"add_owner":   permWords("@newbie:s.test", "newbie", "work"),
	"set_license": permWords("zoe", "watch"),
	"deactivate":  permWords("zoe"),
	"create_role": permWords("3_7", "junior", "Night helper"),
	"verify":      permWords(),
	"status":      permWords(),

	"objectives":       permWords(),
	"create_objective": permWords("Grow", "the", "community"),
	"team_objective":   permWords("5_2", "Next", "year's", "work"),
	"update_objective": func(s permSender) []string {
		return []string{matrixObjective[permCaptainTeam(s).id], "This", "year's", "main", "work"}
	},
	"close_objective": func(s permSender) []string { return []string{matrixObjective[permCaptainTeam(s).id], "achieved"} },
	"assign_role":     permWords("4_3_7_help", "nora"),
	"end_role":        permWords("4_2_7_lead", "zoe"),
	"update_role":     permWords("4_2_7_lead", "hours", "12"),
	"setup_rooms":     permWords(),
	"treasury":        permWords(),
	"deposit":         permWords("1500", "seed", "money"),
	"withdraw":        permWords("10.50", "hosting"),
	"publish":         permWords(),
	"propose":         permWords("Meet", "on", "Fridays", "|", "We", "meet", "every", "Friday."),
	"vote":            permWords("prop_1", "yes"),
	"proposals":       permWords(),
	"proposal":        permWords("prop_1"),
}

// permTaskOf is the task s is the attacker of (the worker's for those on none).
func permTaskOf(s permSender) string {
	if s.task == "" {
		return "6_1_7_1"
	}
	return s.task
}

// matrixSetup is what a command needs beyond the common scene.
var matrixSetup = map[string]func(tx *ledger.Tx){
	// Every owner has the SK a proposal takes.
	"propose": func(tx *ledger.Tx) {
		for _, s := range permSenders {
			tx.AppendSK(ledger.SKTx{Alias: permAlias(s), Category: "governance_participation", Amount: 60, By: "fay"})
		}
	},
	// A forum proposal being voted on, opened after every owner joined.
	"vote":     matrixVoting,
	"proposal": matrixVoting,
	// Euros in the treasury, to withdraw some of.
	"withdraw": func(tx *ledger.Tx) {
		tx.AppendTreasury(ledger.TreasuryTx{Kind: ledger.TreasuryDeposit, Delta: 100000, Note: "seed", By: "fay"})
	},
	// A second organisation objective for teams to take part in.
	"team_objective": func(tx *ledger.Tx) {
		tx.PutObjective(ledger.Objective{ID: "5_2", Title: "Next year", Status: ledger.ObjectiveOpen})
	},
	// Every role holder has a work session open on their task, to stop.
	"stop_work": func(tx *ledger.Tx) {
		for _, s := range permSenders {
			if s.task == "" {
				continue
			}
			task, _ := tx.Task(s.task)
			task.State = ledger.TaskInProgress
			tx.PutTask(task)
			id := s.task + "_ws1"
			tx.PutSession(ledger.Session{
				ID: id, Task: s.task, Alias: permAlias(s), Position: ledger.Attacker, State: ledger.SessionOpen,
				Started: tx.Now(), StartEvent: "$start-" + id, WikiPath: ledger.SessionPagesDir + "/" + id + ".md",
			})
		}
	},
}

func matrixVoting(tx *ledger.Tx) {
	now := tx.Now().Add(time.Second) // the electorate: owners who joined before the opening's second
	tx.PutProposal(ledger.Proposal{ID: "prop_1", Kind: ledger.ProposalDecision, Scope: ledger.ScopeBinding, Room: ledger.ProposalRoomForum,
		Title: "Meet on Fridays", Author: "nora", State: ledger.ProposalVoting, Created: now, VoteOpened: now, VoteEnds: now.Add(7 * 24 * time.Hour), Eligible: 9})
}

// matrixScene is one command's ground: the community above on a fresh
// ledger, and a toolbox configured with its founder and admin.
type matrixScene struct {
	*scene
	tb *toolbox.Toolbox
}

func newMatrixScene(t *testing.T, command string) *matrixScene {
	t.Helper()
	seeded := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	m := &matrixScene{scene: newScene(t, seeded)}
	m.mutate("seed", seedMatrix)
	if setup, ok := matrixSetup[command]; ok {
		m.mutate("setup "+command, setup)
	}
	m.tb = toolbox.New(m.l, toolbox.Config{Founder: "@fay:s.test", Admins: []string{"@ada:s.test"}})
	m.tb.SetRooms(&roomsRecorder{})
	m.tb.SetPublisher(&fakePublisher{})
	m.clock = seeded.Add(25 * time.Hour)
	return m
}

// headFor is the ledger branch's commit, failing the cell t (not the
// command's test) if it cannot be read.
func (m *matrixScene) headFor(t *testing.T) string {
	t.Helper()
	h, err := m.store.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// matrixObjective is each team's objective, under the organisation's 5_1.
var matrixObjective = map[string]string{matrixTeamL: "5_1_1", matrixTeamU: "5_1_5", matrixTeamT: "5_1_7"}

func seedMatrix(tx *ledger.Tx) {
	now := tx.Now()
	tx.PutObjective(ledger.Objective{ID: "5_1", Title: "Run the community", Status: ledger.ObjectiveOpen})
	for _, team := range []ledger.Team{
		{ID: matrixTeamL, Name: "Leadership team"}, {ID: matrixTeamU, Name: "Media team"}, {ID: matrixTeamT, Name: "Operational team"},
	} {
		team.Status = ledger.StatusActive
		tx.PutTeam(team)
		tx.PutObjective(ledger.Objective{ID: matrixObjective[team.ID], Parent: "5_1", Team: team.ID, Title: "This year's work", Status: ledger.ObjectiveOpen})
	}
	for _, r := range []ledger.Role{
		{ID: "4_1_1_founder", Team: matrixTeamL, Type: ledger.RoleCaptain, Title: "Founder", Recruitment: "closed"},
		{ID: "4_1_5_tc", Team: matrixTeamU, Type: ledger.RoleCaptain, Title: "Media captain", Recruitment: "closed"},
		{ID: "4_2_5_editor", Team: matrixTeamU, Type: ledger.RoleSenior, Title: "Editor", Recruitment: "open"},
		{ID: "4_3_5_writer", Team: matrixTeamU, Type: ledger.RoleJunior, Title: "Writer", Recruitment: "open"},
		{ID: "4_1_7_tc", Team: matrixTeamT, Type: ledger.RoleCaptain, Title: "Operations captain", Recruitment: "closed"},
		{ID: "4_2_7_lead", Team: matrixTeamT, Type: ledger.RoleSenior, Title: "Operations lead", Recruitment: "open"},
		{ID: "4_3_7_help", Team: matrixTeamT, Type: ledger.RoleJunior, Title: "Operations helper", Recruitment: "open"},
	} {
		r.Status = ledger.StatusActive
		tx.PutRole(r)
	}
	for _, o := range []struct{ alias, license, role string }{
		{"nora", ledger.LicenseWork, ""},
		{"wes", ledger.LicenseWork, "4_3_7_help"},
		{"tara", ledger.LicenseWork, "4_1_7_tc"},
		{"uma", ledger.LicenseWork, "4_1_5_tc"},
		{"fay", ledger.LicenseOrganizational, "4_1_1_founder"},
		{"ada", ledger.LicenseOrganizational, ""},
		{"zoe", ledger.LicenseWork, "4_2_7_lead"},
		{"yan", ledger.LicenseWork, "4_2_5_editor"},
		{"wanda", ledger.LicenseWatch, "4_3_7_help"},
		{"ina", ledger.LicenseWork, "4_3_7_help"},
	} {
		status := ledger.StatusActive
		if o.alias == "ina" {
			status = ledger.StatusInactive
		}
		tx.PutOwner(ledger.Owner{Alias: o.alias, MatrixID: "@" + o.alias + ":s.test", License: o.license, Status: status, Joined: now})
		if o.role != "" {
			tx.PutAssignment(ledger.Assignment{ID: "ra_" + o.alias, Role: o.role, Alias: o.alias, Status: ledger.StatusActive, Since: now})
		}
	}
	// Each role holder is the attacker of one task in their team, and every
	// team has an open task to claim.
	for _, s := range permSenders {
		if s.task != "" {
			permPutTask(tx, ledger.Task{ID: s.task, Team: s.team, State: ledger.TaskClaimed, Attacker: permAlias(s)})
		}
	}
	permPutTask(tx, ledger.Task{ID: "6_1_1_10", Team: matrixTeamL, State: ledger.TaskOpen})
	for _, c := range []matrixTeam{matrixT, matrixU} {
		seedMatrixCaptainWork(tx, c)
	}
}

// seedMatrixCaptainWork gives a team's captain something to decide at every
// step: an open task, one in review, one assessed, one approved (its
// window running), and a pending application.
func seedMatrixCaptainWork(tx *ledger.Tx, c matrixTeam) {
	now := tx.Now()
	permPutTask(tx, ledger.Task{ID: c.task("10"), Team: c.id, State: ledger.TaskOpen})
	permPutTask(tx, ledger.Task{ID: c.task("20"), Team: c.id, State: ledger.TaskReview, Attacker: c.bystander})
	permPutTask(tx, ledger.Task{ID: c.task("21"), Team: c.id, State: ledger.TaskAssessed, Attacker: c.bystander})
	permPutTask(tx, ledger.Task{ID: c.task("22"), Team: c.id, State: ledger.TaskApproved, Attacker: c.bystander})
	for i, a := range []ledger.Assessment{
		{Task: c.task("21"), State: ledger.AssessmentAssessed},
		{Task: c.task("22"), State: ledger.AssessmentApproved, ApprovedBy: "fay", Approved: now, WindowEnds: now.Add(48 * time.Hour)},
	} {
		a.ID = fmt.Sprintf("as_%s%d", c.num, i+1)
		a.Effort, a.Learning, a.Collaboration = 8, 7, 9
		a.PayoutPct, a.PayoutSC, a.AttackerSC = 80, 40, 40
		a.AssessedBy, a.Assessed = "fay", now
		tx.PutAssessment(a)
		tx.AppendSC(ledger.SCTx{Alias: c.bystander, Task: a.Task, Kind: ledger.SCPending, Amount: 40, Share: ledger.Attacker, Note: a.ID})
	}
	tx.PutApplication(ledger.Application{
		ID: c.app, Role: c.senior, Alias: "nora", State: ledger.ApplicationPending,
		Motivation: "I would like to help", Submitted: now, WikiPath: ledger.ApplicationPagesDir + "/" + c.app + ".md",
	})
}

// permPutTask puts a task of size M under its team's objective.
func permPutTask(tx *ledger.Tx, t ledger.Task) {
	t.Objective = matrixObjective[t.Team]
	t.Title, t.Size, t.BudgetSC = "Task "+t.ID, "M", 50
	t.CreatedBy, t.Created, t.Updated = "fay", tx.Now(), tx.Now()
	tx.PutTask(t)
}

// permAlias is a sender's alias: their Matrix ID's local part.
func permAlias(s permSender) string {
	return strings.TrimSuffix(strings.TrimPrefix(s.mxid, "@"), ":s.test")
}
