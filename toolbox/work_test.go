package toolbox_test

import (
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// fixture is a small ledger on a local git store: bob captains the team,
// carol (attacker) and dave (defender) share task 6_1_7_1, erin has a
// Watch license, and frank is inactive.
type fixture struct {
	*scene
	tb *toolbox.Toolbox
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{scene: newScene(t, time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))}
	f.mutate("seed", func(tx *ledger.Tx) {
		tx.PutRole(ledger.Role{ID: "4_1_7_tc", Team: "3_7_operational_team", Type: ledger.RoleCaptain, Title: "Captain", Status: ledger.StatusActive})
		tx.PutRole(ledger.Role{ID: "4_2_7_lead", Team: "3_7_operational_team", Type: ledger.RoleSenior, Title: "Lead", Status: ledger.StatusActive})
		for _, o := range []struct{ alias, license, status, role string }{
			{"bob", "work", "active", "4_1_7_tc"}, {"carol", "work", "active", "4_2_7_lead"},
			{"dave", "organizational", "active", "4_2_7_lead"}, {"erin", "watch", "active", ""},
			{"frank", "work", "inactive", "4_2_7_lead"}, {"gina", "work", "active", ""},
		} {
			tx.PutOwner(ledger.Owner{Alias: o.alias, MatrixID: "@" + o.alias + ":s.test", License: o.license, Status: o.status})
			if o.role != "" {
				tx.PutAssignment(ledger.Assignment{ID: "ra_" + o.alias, Role: o.role, Alias: o.alias, Status: ledger.StatusActive})
			}
		}
		tx.PutTask(ledger.Task{ID: "6_1_7_1", Team: "3_7_operational_team", Title: "Checklist", Size: "M", BudgetSC: 50, State: ledger.TaskClaimed, Attacker: "carol", Defender: "dave"})
		tx.PutTask(ledger.Task{ID: "6_1_7_2", Team: "3_7_operational_team", Title: "Calendar", Size: "S", BudgetSC: 25, State: ledger.TaskClaimed, Attacker: "dave"})
		tx.PutTask(ledger.Task{ID: "6_1_7_3", Team: "3_7_operational_team", Title: "Done", Size: "S", BudgetSC: 25, State: ledger.TaskAwarded, Attacker: "carol"})
	})
	f.tb = toolbox.New(f.l, toolbox.Config{Founder: "@bob:s.test"})
	return f
}

// run sends a command as who, from the team room, with a fresh event ID.
func (f *fixture) run(who, line string) toolbox.Reply {
	f.t.Helper()
	return f.command(f.tb, who, toolbox.Room{Kind: toolbox.RoomTeam, Team: "3_7_operational_team"}, line)
}

func TestStartWorkRefusals(t *testing.T) {
	f := newFixture(t)
	before := f.head()
	for _, tc := range []struct{ who, line, want string }{
		{"mallory", "!start_work 6_1_7_1", "not in the Book of Owners"},
		{"frank", "!start_work 6_1_7_1", "not active"},
		{"erin", "!start_work 6_1_7_1", "license (watch) does not include work"},
		{"gina", "!start_work 6_1_7_1", "hold no active role"},
		{"carol", "!start_work 6_1_7_2", "not assigned to `6_1_7_2`"},
		{"carol", "!start_work 6_1_7_3", "awarded"},
		{"carol", "!start_work 6_1_7_99", "no task `6_1_7_99`"},
		{"carol", "!start_work 6_1_7_1/../../x", "not a task ID"},
		{"carol", "!start_work", "Usage: `!start_work <task_id>`"},
		{"carol", "!start_work 6_1_7_1 6_1_7_2", "Usage"},
		{"carol", "!stop_work", "no work session open"},
		{"carol", "!strat_work 6_1_7_1", "Did you mean `!start_work`?"},
	} {
		r := f.run(tc.who, tc.line)
		if !r.Refused || !strings.Contains(r.Text, tc.want) {
			t.Errorf("%s %q → %+v, want a refusal saying %q", tc.who, tc.line, r, tc.want)
		}
	}
	if f.head() != before {
		t.Fatal("a refusal wrote to the ledger")
	}
}

func TestStartAndStopWork(t *testing.T) {
	f := newFixture(t)
	r := f.run("dave", "!start_work 6_1_7_1")
	if r.Refused || !strings.Contains(r.Text, "as defender") {
		t.Fatalf("start_work: %+v", r)
	}
	if r := f.run("dave", "!start_work 6_1_7_2"); !r.Refused || !strings.Contains(r.Text, "already have a work session open on `6_1_7_1`") {
		t.Fatalf("a second open session: %+v", r)
	}
	// carol may open her own session on the same task: sessions are paired.
	if r := f.run("carol", "!start_work 6_1_7_1"); r.Refused {
		t.Fatalf("the attacker could not join the task: %+v", r)
	}
	f.clock = f.clock.Add(95 * time.Minute)
	r = f.run("dave", `!stop_work reviewed the draft, =HYPERLINK("x")`)
	if r.Refused || !strings.Contains(r.Text, "1 h 35 min") {
		t.Fatalf("stop_work: %+v", r)
	}
	snap := f.l.Current().Read()
	s, ok := snap.Session("6_1_7_1_ws1")
	if !ok || s.Alias != "dave" || s.State != ledger.SessionClosed || s.Minutes != 95 || s.Summary != `reviewed the draft, =HYPERLINK("x")` {
		t.Fatalf("session row %+v", s)
	}
	if task, _ := snap.Task("6_1_7_1"); task.State != ledger.TaskReview {
		t.Fatalf("task state %q, want review", task.State)
	}
	if s2, _ := snap.Session("6_1_7_1_ws2"); s2.Alias != "carol" || s2.State != ledger.SessionOpen {
		t.Fatalf("carol's session %+v", s2)
	}
	wallet := f.run("carol", "!wallet")
	if wallet.Refused || !strings.Contains(wallet.Text, "Working now on 6_1_7_1") {
		t.Fatalf("wallet: %+v", wallet)
	}
	tasks := f.run("carol", "!my_tasks")
	if !strings.Contains(tasks.Text, "`6_1_7_1` Checklist — waiting for review, you are attacker") {
		t.Fatalf("my_tasks: %q", tasks.Text)
	}
}

// !help lists only what the sender may use here.
func TestHelpListsWhatYouMayUse(t *testing.T) {
	f := newFixture(t)
	worker := f.run("carol", "!help").Text
	watcher := f.run("erin", "!help").Text
	if !strings.Contains(worker, "!start_work") || !strings.Contains(worker, "!wallet") {
		t.Errorf("a worker's help lacks commands: %q", worker)
	}
	if strings.Contains(watcher, "!start_work") || !strings.Contains(watcher, "!my_tasks") {
		t.Errorf("a watcher's help: %q", watcher)
	}
	one := f.run("erin", "!help start_work").Text
	if !strings.Contains(one, "`!start_work <task_id>`") || !strings.Contains(one, "can't use it here") ||
		!strings.Contains(one, "`task_id` — a task ID like `6_1_7_1`") {
		t.Errorf("help for one command: %q", one)
	}
}
