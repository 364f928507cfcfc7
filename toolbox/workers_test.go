package toolbox_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// workersFixture is a ledger on a local git store for the workers'
// commands, seeded the day before the tests run (so that its SK does not
// count towards today's caps).
//
// Operational team (3_7): bob captains it; carol and dave hold its senior
// role. Media team (3_5): its captain role and a senior role recruit.
// Without a role: gina, ivy (99 SK), jack (100 SK), kim (campaign), lena
// (watch), mona (organizational), erin (watch). frank is inactive.
type workersFixture struct {
	*scene
	tb *toolbox.Toolbox
}

const (
	opsTeam   = "3_7_operational_team"
	mediaTeam = "3_5_media_team"
)

func newWorkersFixture(t *testing.T) *workersFixture {
	t.Helper()
	f := &workersFixture{scene: newScene(t, time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))}
	f.mutate("seed", func(tx *ledger.Tx) {
		tx.PutTeam(ledger.Team{ID: opsTeam, Name: "Operational team", Status: ledger.StatusActive})
		tx.PutTeam(ledger.Team{ID: mediaTeam, Name: "Media team", Status: ledger.StatusActive})
		for _, r := range []ledger.Role{
			{ID: "4_1_7_tc", Team: opsTeam, Type: ledger.RoleCaptain, Title: "Operations captain", Status: ledger.StatusActive, Recruitment: "closed"},
			{ID: "4_2_7_lead", Team: opsTeam, Type: ledger.RoleSenior, Title: "Operations lead", Status: ledger.StatusActive, Recruitment: "open"},
			{ID: "4_3_7_help", Team: opsTeam, Type: ledger.RoleJunior, Title: "Operations helper", Status: ledger.StatusActive, Recruitment: "future"},
			{ID: "4_1_5_tc", Team: mediaTeam, Type: ledger.RoleCaptain, Title: "Media captain", Status: ledger.StatusActive, Recruitment: "OPEN"},
			{ID: "4_2_5_editor", Team: mediaTeam, Type: ledger.RoleSenior, Title: "Editor", Status: ledger.StatusActive, Recruitment: "open"},
			{ID: "4_2_5_old", Team: mediaTeam, Type: ledger.RoleSenior, Title: "Old role", Status: ledger.StatusInactive, Recruitment: "open"},
		} {
			tx.PutRole(r)
		}
		for _, o := range []struct{ alias, license, status, role string }{
			{"bob", "work", "active", "4_1_7_tc"}, {"carol", "work", "active", "4_2_7_lead"},
			{"dave", "organizational", "active", "4_2_7_lead"}, {"erin", "watch", "active", ""},
			{"frank", "work", "inactive", "4_2_7_lead"}, {"gina", "work", "active", ""},
			{"ivy", "work", "active", ""}, {"jack", "work", "active", ""}, {"kim", "campaign", "active", ""},
			{"lena", "watch", "active", ""}, {"mona", "organizational", "active", ""},
		} {
			tx.PutOwner(ledger.Owner{Alias: o.alias, MatrixID: "@" + o.alias + ":s.test", License: o.license, Status: o.status})
			if o.role != "" {
				tx.PutAssignment(ledger.Assignment{ID: "ra_" + o.alias, Role: o.role, Alias: o.alias, Status: ledger.StatusActive})
			}
		}
		tx.AppendSK(ledger.SKTx{Alias: "ivy", Category: "governance_participation", Amount: 99, By: "bob"})
		tx.AppendSK(ledger.SKTx{Alias: "jack", Category: "governance_participation", Amount: 100, By: "bob"})
		for _, task := range []ledger.Task{
			{ID: "6_1_7_10", State: ledger.TaskOpen},
			{ID: "6_1_7_11", State: ledger.TaskClaimed, Attacker: "carol"},
			{ID: "6_1_7_12", State: ledger.TaskReview, Attacker: "carol"},
			{ID: "6_1_7_13", State: ledger.TaskClaimed, Attacker: "carol", Defender: "dave"},
			{ID: "6_1_7_14", State: ledger.TaskCancelled},
			{ID: "6_1_5_1", State: ledger.TaskOpen, Team: mediaTeam},
		} {
			if task.Team == "" {
				task.Team = opsTeam
			}
			task.Title, task.Size, task.BudgetSC = "Task "+task.ID, "M", 50
			tx.PutTask(task)
		}
	})
	f.tb = toolbox.New(f.l, toolbox.Config{Founder: "@bob:s.test"})
	f.clock = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	return f
}

// mutate changes the ledger directly, as an admin's or a captain's command
// would, to set the scene for the command under test.
// grant records SK for alias now, as a captain's award would.
func (f *workersFixture) grant(alias string, amount int) {
	f.t.Helper()
	f.mutate("grant", func(tx *ledger.Tx) {
		tx.AppendSK(ledger.SKTx{Alias: alias, Category: "documentation", Amount: amount, By: "bob"})
	})
}

// run sends a command as who from the operational team's room, with a
// fresh event ID.
func (f *workersFixture) run(who, line string) toolbox.Reply {
	f.t.Helper()
	return f.command(f.tb, who, toolbox.Room{Kind: toolbox.RoomTeam, Team: opsTeam}, line)
}

func (f *workersFixture) read() *ledger.Tx { return f.l.Current().Read() }

// refusals runs each case, expects a refusal containing its words, and
// checks that none of them wrote anything.
type refusalCase struct{ who, line, want string }

func (f *workersFixture) refusals(cases []refusalCase) {
	f.t.Helper()
	before := f.head()
	for _, tc := range cases {
		r := f.run(tc.who, tc.line)
		if !r.Refused || !strings.Contains(r.Text, tc.want) {
			f.t.Errorf("%s %q → %+v, want a refusal saying %q", tc.who, tc.line, r, tc.want)
		}
		if r.Announce != nil {
			f.t.Errorf("%s %q: a refusal announced %+v", tc.who, tc.line, r.Announce)
		}
	}
	if f.head() != before {
		f.t.Fatal("a refusal wrote to the ledger")
	}
}

func TestApplyRefusals(t *testing.T) {
	f := newWorkersFixture(t)
	f.refusals([]refusalCase{
		{"mallory", "!apply 4_2_7_lead", "not in the Book of Owners"},
		{"frank", "!apply 4_2_5_editor", "not active"},
		{"erin", "!apply 4_2_7_lead", "yours is watch"},
		{"kim", "!apply 4_2_7_lead", "yours is campaign"},
		{"gina", "!apply", "Usage: `!apply <role_id> [motivation]`"},
		{"gina", "!apply ../../indexes/roles", "not a role ID"},
		{"gina", "!apply 4_9_nothing", "no role `4_9_nothing`"},
		{"gina", "!apply 4_3_7_help", "not recruiting"}, // recruitment future
		{"gina", "!apply 4_1_7_tc", "not recruiting"},   // recruitment closed
		{"gina", "!apply 4_2_5_old", "not recruiting"},  // role inactive
		{"carol", "!apply 4_2_7_lead", "already hold"},
		{"gina", "!apply 4_2_5_editor " + strings.Repeat("x", 2001), "the limit is 2000"},
	})
}

// The captain threshold is 100 SK: 99 is refused, 100 applies.
func TestApplyCaptainThreshold(t *testing.T) {
	f := newWorkersFixture(t)
	f.refusals([]refusalCase{{"ivy", "!apply 4_1_5_tc", "takes 100 SK, and you have 99"}})
	if r := f.run("jack", "!apply 4_1_5_tc"); r.Refused {
		t.Fatalf("100 SK could not apply as captain: %+v", r)
	}
	f.grant("ivy", 1)
	if r := f.run("ivy", "!apply 4_1_5_tc"); r.Refused {
		t.Fatalf("ivy at 100 SK could not apply as captain: %+v", r)
	}
	// Senior roles need no SK.
	if r := f.run("gina", "!apply 4_2_5_editor"); r.Refused {
		t.Fatalf("a senior role asked for SK: %+v", r)
	}
}

func TestApplyWritesAndAnnounces(t *testing.T) {
	f := newWorkersFixture(t)
	r := f.run("gina", "!apply 4_2_5_editor I edit, =SUM(A1) <b>daily</b>")
	if r.Refused || !strings.Contains(r.Text, "app_1") || !strings.Contains(r.Text, "Media team") {
		t.Fatalf("apply: %+v", r)
	}
	if strings.Contains(r.Text, "pages/") || strings.Contains(r.Text, f.head()[:7]) {
		t.Errorf("the reply shows a path or a commit: %q", r.Text)
	}
	want := toolbox.Announcement{Team: mediaTeam, Text: "gina applied for Editor (app_1); the captain can `!accept app_1` or `!reject app_1`"}
	if len(r.Announce) != 1 || r.Announce[0] != want {
		t.Fatalf("announcements %+v, want %+v", r.Announce, want)
	}

	tx := f.read()
	app, ok := tx.Application("app_1")
	if !ok || app.Alias != "gina" || app.Role != "4_2_5_editor" || app.State != ledger.ApplicationPending ||
		app.Motivation != "I edit, =SUM(A1) <b>daily</b>" || !app.Submitted.Equal(f.clock) {
		t.Fatalf("application row %+v", app)
	}
	file, err := f.store.ReadFile(t.Context(), app.WikiPath)
	if err != nil {
		t.Fatalf("the application's page: %v", err)
	}
	page, err := ledger.ParsePage(app.WikiPath, file.Content)
	if err != nil {
		t.Fatal(err)
	}
	wantFront := ledger.Frontmatter{Title: "Application app_1: Editor", Author: "gina", Role: "4_2_5_editor", Date: "2026-11-26",
		Parent: "4_2_5_editor", Team: mediaTeam, Topic: "application", Public: false}
	if app.WikiPath != "pages/applications/app_1.md" || page.Front != wantFront || !strings.Contains(page.Body, "I edit, =SUM(A1)") {
		t.Fatalf("page %s: %+v\n%s", app.WikiPath, page.Front, page.Body)
	}
	ev, ok := f.l.Current().Applied("$ev1")
	if !ok || ev.Action != "application.submit" || ev.Target != "app_1" ||
		ev.Files != "pages/applications/app_1.md;"+ledger.ApplicationsIndex {
		t.Fatalf("audit row %+v", ev)
	}

	// One pending application per role; a decided one does not block.
	f.refusals([]refusalCase{{"gina", "!apply 4_2_5_editor again", "application app_1 is waiting"}})
	if r := f.run("gina", "!apply 4_2_7_lead"); r.Refused || r.Announce[0].Team != opsTeam || !strings.Contains(r.Announce[0].Text, "(app_2)") {
		t.Fatalf("an application for another role: %+v", r)
	}
	f.mutate("reject", func(tx *ledger.Tx) {
		app, _ := tx.Application("app_1")
		app.State = ledger.ApplicationRejected
		tx.PutApplication(app)
	})
	r = f.run("gina", "!apply 4_2_5_editor")
	if r.Refused || len(r.Announce) != 1 || !strings.Contains(r.Announce[0].Text, "(app_3)") {
		t.Fatalf("applying again after a rejection: %+v", r)
	}
}

// A sequence of claims and unclaims on one task, with the state and slots
// after each step.
func TestClaimAndUnclaim(t *testing.T) {
	f := newWorkersFixture(t)
	const id = "6_1_7_10"
	for i, step := range []struct {
		who, line     string
		refused       string // the refusal expected, or "" for success
		state         string
		attack, defnd string
	}{
		{"carol", "!claim " + id, "", ledger.TaskClaimed, "carol", ""},
		{"carol", "!claim " + id + " defender", "already the attacker", ledger.TaskClaimed, "carol", ""},
		{"dave", "!claim " + id + " attacker", "carol is already the attacker", ledger.TaskClaimed, "carol", ""},
		{"dave", "!claim " + id, "", ledger.TaskClaimed, "carol", "dave"},
		{"bob", "!claim " + id, "is taken: carol is the attacker and dave the defender", ledger.TaskClaimed, "carol", "dave"},
		{"carol", "!unclaim " + id, "", ledger.TaskClaimed, "", "dave"},
		{"dave", "!unclaim " + id, "", ledger.TaskOpen, "", ""},
		{"dave", "!unclaim " + id, "not on `6_1_7_10`", ledger.TaskOpen, "", ""},
		{"dave", "!claim " + id + " DEFENDER", "", ledger.TaskClaimed, "", "dave"},
		{"dave", "!start_work " + id, "", ledger.TaskInProgress, "", "dave"},
		{"dave", "!unclaim " + id, "work session open on `6_1_7_10`", ledger.TaskInProgress, "", "dave"},
		{"carol", "!claim " + id, "", ledger.TaskInProgress, "carol", "dave"},
		{"carol", "!unclaim " + id, "", ledger.TaskInProgress, "", "dave"},
		{"carol", "!claim " + id + " attacker", "", ledger.TaskInProgress, "carol", "dave"},
		{"dave", "!stop_work done", "", ledger.TaskReview, "carol", "dave"},
		{"carol", "!unclaim " + id, "waiting for review", ledger.TaskReview, "carol", "dave"},
	} {
		before := f.head()
		r := f.run(step.who, step.line)
		if step.refused == "" && r.Refused {
			t.Fatalf("step %d: %s %q refused: %s", i, step.who, step.line, r.Text)
		}
		if step.refused != "" && (!r.Refused || !strings.Contains(r.Text, step.refused)) {
			t.Fatalf("step %d: %s %q → %+v, want a refusal saying %q", i, step.who, step.line, r, step.refused)
		}
		if step.refused != "" && f.head() != before {
			t.Fatalf("step %d: a refusal wrote to the ledger", i)
		}
		task, _ := f.read().Task(id)
		if task.State != step.state || task.Attacker != step.attack || task.Defender != step.defnd {
			t.Fatalf("step %d: %s %q left %s (attacker %q, defender %q), want %s (%q, %q)",
				i, step.who, step.line, task.State, task.Attacker, task.Defender, step.state, step.attack, step.defnd)
		}
	}
}

func TestClaimRefusals(t *testing.T) {
	f := newWorkersFixture(t)
	f.refusals([]refusalCase{
		{"gina", "!claim 6_1_7_10", "hold no active role"},
		{"erin", "!claim 6_1_7_10", "license (watch)"},
		{"carol", "!claim", "Usage: `!claim <task_id> [attacker|defender]`"},
		{"carol", "!claim 6_1_7_10 attacker now", "Usage"},
		{"carol", "!claim 6_1_7_10 midfielder", "`midfielder` is not a slot"},
		{"carol", "!claim 6_1_7_10/../x", "not a task ID"},
		{"carol", "!claim 6_1_7_99", "no task `6_1_7_99`"},
		{"carol", "!claim 6_1_5_1", "belongs to Media team, where you hold no role"},
		{"dave", "!claim 6_1_7_12", "waiting for review, so it can no longer be claimed"},
		{"dave", "!claim 6_1_7_14", "cancelled"},
		{"dave", "!claim 6_1_7_11 attacker", "The defender slot is free: `!claim 6_1_7_11 defender`"},
		{"bob", "!claim 6_1_7_13", "is taken: carol is the attacker and dave the defender"},
		{"carol", "!claim 6_1_7_13 defender", "already the attacker"},
		{"carol", "!unclaim 6_1_7_12", "waiting for review"},
		{"carol", "!unclaim 6_1_7_14", "not on"},
		{"carol", "!unclaim 6_1_7_99", "no task"},
	})
}

// A kudos gives 2 SK in the category kudos, recorded with its giver and reason.
func TestKudosRecords(t *testing.T) {
	f := newWorkersFixture(t)
	before := f.read().Balance("dave").SK
	r := f.run("carol", "!kudos @dave:s.test great review, thanks")
	if r.Refused || !strings.Contains(r.Text, "gave dave 2 SK") || !strings.Contains(r.Text, "4 more today") {
		t.Fatalf("kudos: %+v", r)
	}
	tx := f.read()
	if got := tx.Balance("dave").SK - before; got != 2 {
		t.Fatalf("dave's SK grew by %d, want 2", got)
	}
	var last ledger.SKTx
	for s := range tx.SKTxs() {
		last = s
	}
	if last.Alias != "dave" || last.Category != "kudos" || last.Amount != 2 || last.By != "carol" ||
		last.Note != "great review, thanks" || !last.Time.Equal(f.clock) || last.EventID != "$ev1" {
		t.Fatalf("SK row %+v", last)
	}
	f.refusals([]refusalCase{
		{"carol", "!kudos carol me", "can't give them to yourself"},
		{"carol", "!kudos CAROL me", "can't give them to yourself"},
		{"carol", "!kudos frank thanks", "frank is not an active owner"},
		{"carol", "!kudos nobody thanks", "no owner called `nobody`"},
		{"carol", "!kudos dave", "Usage: `!kudos <alias> <reason>`"},
		{"carol", "!kudos dave \x01\x02", "control character (U+0001)"},
		{"erin", "!kudos dave thanks", "license (watch)"},
		{"gina", "!kudos dave thanks", "hold no active role"},
	})
	// Only blanks, as the bot passes a quoted argument: no reason.
	r = f.request(f.tb, toolbox.Request{Sender: "@carol:s.test", Room: toolbox.Room{Kind: toolbox.RoomTeam, Team: opsTeam}, Command: "kudos", Args: []string{"dave", " \n\t "}})
	if !r.Refused || !strings.Contains(r.Text, "need a reason") {
		t.Errorf("kudos with a blank reason → %+v, want a refusal saying it needs a reason", r)
	}
}

// A giver may give 5 kudos a UTC day: the sixth is refused until midnight.
func TestKudosGiverCap(t *testing.T) {
	f := newWorkersFixture(t)
	for _, to := range []string{"dave", "gina", "kim", "lena", "mona"} {
		if r := f.run("carol", "!kudos "+to+" thanks"); r.Refused {
			t.Fatalf("kudos to %s: %s", to, r.Text)
		}
	}
	f.clock = time.Date(2026, 11, 26, 23, 59, 59, 0, time.UTC)
	f.refusals([]refusalCase{{"carol", "!kudos jack thanks", "given 5 kudos today"}})
	// Another giver is not held by carol's count.
	if r := f.run("dave", "!kudos jack thanks"); r.Refused {
		t.Fatalf("dave's kudos: %s", r.Text)
	}
	f.clock = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	if r := f.run("carol", "!kudos jack thanks"); r.Refused {
		t.Fatalf("a new day did not reset the count: %s", r.Text)
	}
}

// What a receiver may get in a UTC day depends on their license, and counts
// every SK received that day: reaching the cap exactly is allowed, passing
// it is not.
func TestKudosReceiverCap(t *testing.T) {
	for _, tc := range []struct {
		alias string
		cap   int
	}{{"kim", 25}, {"lena", 50}, {"mona", 100}, {"dave", 100}} {
		t.Run(tc.alias, func(t *testing.T) {
			f := newWorkersFixture(t)
			giver := "carol"
			if tc.alias == "dave" {
				giver = "bob"
			}
			f.grant(tc.alias, tc.cap-4)
			f.grant(tc.alias, -10) // decay is not SK received: it frees no room
			for i := range 2 {
				if r := f.run(giver, "!kudos "+tc.alias+" thanks"); r.Refused {
					t.Fatalf("kudos %d below the cap: %s", i+1, r.Text)
				}
			}
			f.refusals([]refusalCase{{giver, "!kudos " + tc.alias + " thanks", fmt.Sprintf("received %d SK today", tc.cap)}})
		})
	}
}

// SK received yesterday does not count today: the day is the UTC day.
func TestKudosDayBoundary(t *testing.T) {
	f := newWorkersFixture(t)
	f.clock = time.Date(2026, 11, 26, 23, 59, 59, 0, time.UTC)
	f.grant("kim", 24)
	f.refusals([]refusalCase{{"carol", "!kudos kim thanks", "received 24 SK today, and 2 more would pass the daily limit of 25"}})
	f.clock = f.clock.Add(time.Second)
	if r := f.run("carol", "!kudos kim thanks"); r.Refused {
		t.Fatalf("at midnight UTC yesterday's SK still counted: %s", r.Text)
	}
}
