package toolbox_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// captainFixture is a community for the captains' commands, seeded the day
// before the tests run.
//
// Operational team (3_7): bob captains it; carol and dave hold its senior
// role, hana its junior one. Media team (3_5): cleo captains it. alice is
// the founder. gina holds no role; erin has a Watch license.
type captainFixture struct {
	*scene
	tb *toolbox.Toolbox
}

// opsRoom and forumRoom are shared with the lookups' tests.
var mediaRoom = toolbox.Room{Kind: toolbox.RoomTeam, Team: mediaTeam}

func newCaptainFixture(t *testing.T) *captainFixture {
	t.Helper()
	f := &captainFixture{scene: newScene(t, time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))}
	f.mutate("seed", func(tx *ledger.Tx) {
		tx.PutTeam(ledger.Team{ID: opsTeam, Name: "Operational team", Status: ledger.StatusActive})
		tx.PutTeam(ledger.Team{ID: mediaTeam, Name: "Media team", Status: ledger.StatusActive})
		for _, o := range []ledger.Objective{
			{ID: "5_1", Title: "Open the workplace", Status: ledger.ObjectiveOpen},
			{ID: "5_1_7", Parent: "5_1", Team: opsTeam, Title: "Run the workplace", Status: ledger.ObjectiveOpen},
			{ID: "5_2_7", Parent: "5_1", Team: opsTeam, Title: "Tidy the books", Status: ledger.ObjectiveOpen},
			{ID: "5_3_7", Parent: "5_1", Team: opsTeam, Title: "Done already", Status: ledger.ObjectiveAchieved},
		} {
			tx.PutObjective(o)
		}
		for _, r := range []ledger.Role{
			{ID: "4_1_1_founder", Team: "3_1_leadership_team", Type: ledger.RoleCaptain, Title: "Founder", Status: ledger.StatusActive},
			{ID: "4_1_7_tc", Team: opsTeam, Type: ledger.RoleCaptain, Title: "Operations captain", Status: ledger.StatusActive, Recruitment: "closed"},
			{ID: "4_2_7_lead", Team: opsTeam, Type: ledger.RoleSenior, Title: "Operations lead", Status: ledger.StatusActive, Recruitment: "open"},
			{ID: "4_3_7_help", Team: opsTeam, Type: ledger.RoleJunior, Title: "Operations helper", Status: ledger.StatusActive, Recruitment: "open"},
			{ID: "4_1_5_tc", Team: mediaTeam, Type: ledger.RoleCaptain, Title: "Media captain", Status: ledger.StatusActive},
			{ID: "4_2_5_editor", Team: mediaTeam, Type: ledger.RoleSenior, Title: "Editor", Status: ledger.StatusActive, Recruitment: "open"},
		} {
			tx.PutRole(r)
		}
		for _, o := range []struct{ alias, license, role string }{
			{"alice", "organizational", "4_1_1_founder"}, {"bob", "work", "4_1_7_tc"}, {"cleo", "work", "4_1_5_tc"},
			{"carol", "work", "4_2_7_lead"}, {"dave", "work", "4_2_7_lead"}, {"hana", "work", "4_3_7_help"},
			{"gina", "work", ""}, {"erin", "watch", ""}, {"kim", "campaign", ""},
		} {
			tx.PutOwner(ledger.Owner{Alias: o.alias, MatrixID: "@" + o.alias + ":s.test", License: o.license, Status: ledger.StatusActive})
			if o.role != "" {
				tx.PutAssignment(ledger.Assignment{ID: "ra_" + o.alias, Role: o.role, Alias: o.alias, Status: ledger.StatusActive})
			}
		}
		for _, task := range []ledger.Task{
			{ID: "6_1_7_1", State: ledger.TaskReview, Attacker: "carol", Defender: "dave", BudgetSC: 50},
			{ID: "6_1_7_2", State: ledger.TaskReview, Attacker: "carol", BudgetSC: 25},
			{ID: "6_1_7_3", State: ledger.TaskOpen, BudgetSC: 100},
			{ID: "6_1_7_4", State: ledger.TaskReview, Attacker: "bob", Defender: "carol", BudgetSC: 50},
			{ID: "6_1_7_5", State: ledger.TaskClaimed, Attacker: "carol", BudgetSC: 200},
			{ID: "6_1_5_1", State: ledger.TaskReview, Attacker: "cleo", Team: mediaTeam, BudgetSC: 50},
		} {
			if task.Team == "" {
				task.Team = opsTeam
			}
			task.Title, task.Size = "Task "+task.ID, "M"
			tx.PutTask(task)
		}
	})
	f.tb = toolbox.New(f.l, toolbox.Config{Founder: "@alice:s.test"})
	f.clock = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	return f
}

// run sends a command as who from room, with a fresh event ID.
func (f *captainFixture) run(who string, room toolbox.Room, line string) toolbox.Reply {
	f.t.Helper()
	return f.command(f.tb, who, room, line)
}

// ok runs a command that must succeed.
func (f *captainFixture) ok(who string, room toolbox.Room, line string) toolbox.Reply {
	f.t.Helper()
	r := f.run(who, room, line)
	if r.Refused {
		f.t.Fatalf("%s %q refused: %s", who, line, r.Text)
	}
	return r
}

// refused runs a command that must be refused with words containing want,
// and write nothing.
func (f *captainFixture) refused(who string, room toolbox.Room, line, want string) {
	f.t.Helper()
	before := f.head()
	r := f.run(who, room, line)
	if !r.Refused || !strings.Contains(r.Text, want) {
		f.t.Errorf("%s %q → %q, want a refusal saying %q", who, line, r.Text, want)
	}
	if f.head() != before {
		f.t.Fatalf("%s %q was refused but wrote to the ledger", who, line)
	}
}

func (f *captainFixture) read() *ledger.Tx { return f.l.Current().Read() }

func (f *captainFixture) task(id string) ledger.Task {
	f.t.Helper()
	t, ok := f.read().Task(id)
	if !ok {
		f.t.Fatalf("no task %s", id)
	}
	return t
}

// sc lists the SC transactions of a task.
func (f *captainFixture) sc(task string) []ledger.SCTx {
	var out []ledger.SCTx
	for t := range f.read().SCTxs() {
		if t.Task == task {
			out = append(out, t)
		}
	}
	return out
}

func TestCreateTask(t *testing.T) {
	f := newCaptainFixture(t)
	r := f.ok("bob", opsRoom, "!create_task xl Write the | newcomer guide, =with care")
	// The newest open objective of the team is 5_2_7 (5_3_7 is achieved).
	if !strings.Contains(r.Text, "`6_2_7_1`") || !strings.Contains(r.Text, "200 SC") {
		t.Fatalf("reply %q", r.Text)
	}
	task := f.task("6_2_7_1")
	if task.Title != "Write the" || task.Size != "XL" || task.BudgetSC != 200 || task.State != ledger.TaskOpen ||
		task.Objective != "5_2_7" || task.Team != opsTeam || task.CreatedBy != "bob" || !task.Created.Equal(f.clock) {
		t.Fatalf("task row %+v", task)
	}
	file, err := f.store.ReadFile(t.Context(), task.WikiPath)
	if err != nil || !strings.Contains(string(file.Content), "newcomer guide, =with care") {
		t.Fatalf("task page %s: %v\n%s", task.WikiPath, err, file.Content)
	}
	want := []toolbox.Announcement{
		{Team: opsTeam, Text: "New task `6_2_7_1`: Write the (XL, 200 SC), created by bob. `!claim 6_2_7_1` to take it."},
		{Team: opsTeam, Workplace: true, Text: "Operational team — New task `6_2_7_1`: Write the (XL, 200 SC), created by bob. `!claim 6_2_7_1` to take it."},
	}
	if !slices.Equal(r.Announce, want) {
		t.Fatalf("announcement %+v", r.Announce)
	}
	// The next task of the objective takes the next number; the founder
	// creates tasks in any team's room.
	f.ok("alice", opsRoom, "!create_task S Second one")
	if got := f.task("6_2_7_2"); got.BudgetSC != 25 || got.CreatedBy != "alice" {
		t.Fatalf("second task %+v", got)
	}
	for _, c := range []struct{ size string }{{"s"}, {"M"}, {"l"}} {
		f.ok("bob", opsRoom, "!create_task "+c.size+" Sized")
	}
	budgets := map[string]int{"6_2_7_3": 25, "6_2_7_4": 50, "6_2_7_5": 100}
	for id, b := range budgets {
		if got := f.task(id).BudgetSC; got != b {
			t.Errorf("%s budget %d, want %d", id, got, b)
		}
	}
}

func TestCreateTaskRefusals(t *testing.T) {
	f := newCaptainFixture(t)
	f.refused("bob", opsRoom, "!create_task XXL Big", "not a size")
	f.refused("bob", opsRoom, "!create_task M", "Usage")
	f.refused("bob", opsRoom, "!create_task M | only a description", "needs a title")
	f.refused("bob", opsRoom, "!create_task M "+strings.Repeat("t", 201), "the limit is 200")
	f.refused("alice", forumRoom, "!create_task M Where", "team's room")
	f.refused("cleo", mediaRoom, "!create_task M Media task", "no open objective")
	f.refused("carol", opsRoom, "!create_task M Not mine", "team captain")
	f.refused("cleo", opsRoom, "!create_task M Not my room", "team captain")
}

func TestAssign(t *testing.T) {
	f := newCaptainFixture(t)
	r := f.ok("bob", opsRoom, "!assign 6_1_7_3 hana")
	if task := f.task("6_1_7_3"); task.Attacker != "hana" || task.State != ledger.TaskClaimed {
		t.Fatalf("after assign: %+v (%s)", task, r.Text)
	}
	f.ok("bob", opsRoom, "!assign 6_1_7_3 dave")
	if task := f.task("6_1_7_3"); task.Defender != "dave" {
		t.Fatalf("second assign took no free slot: %+v", task)
	}
	r = f.ok("bob", opsRoom, "!assign 6_1_7_3 carol attacker")
	if task := f.task("6_1_7_3"); task.Attacker != "carol" || !strings.Contains(r.Text, "hana is no longer on it") {
		t.Fatalf("replacing the attacker: %+v %q", task, r.Text)
	}
	f.refused("bob", opsRoom, "!assign 6_1_7_3 gina", "holds no role in the Operational team")
	f.refused("bob", opsRoom, "!assign 6_1_7_3 erin", "watch license")
	f.refused("bob", opsRoom, "!assign 6_1_7_3 hana", "both slots taken")
	f.refused("bob", opsRoom, "!assign 6_1_7_3 carol defender", "one owner can't be both")
	f.refused("bob", opsRoom, "!assign 6_1_7_3 carol attacker", "already the attacker")
	f.refused("bob", opsRoom, "!assign 6_1_7_3 hana midfielder", "not a slot")
	f.refused("bob", opsRoom, "!assign 6_1_7_1 hana attacker", "waiting for review")
	f.refused("bob", opsRoom, "!assign 6_1_5_1 hana", "belongs to the Media team")
	f.refused("bob", opsRoom, "!assign 6_1_7_3 nobody", "nobody")

	// Someone working on the task keeps their slot until they stop.
	f.ok("dave", opsRoom, "!start_work 6_1_7_3")
	f.refused("bob", opsRoom, "!assign 6_1_7_3 hana defender", "dave has a work session open")
}

// The pipeline of one task: assessed → pending SC split 90/10 → approved →
// 48 hours → awarded by the scheduled job, which runs once.
func TestAssessApproveFinalize(t *testing.T) {
	f := newCaptainFixture(t)
	// The treasury covers the award (45 SC need €15 under the 3x rule).
	f.ok("alice", adminDM, "!deposit 15 seed money")
	// 8+7+9 = 24 of 30 → 60 + 40·21/27 = 91 % of 50 SC = 45 SC: 41 + 4.
	r := f.ok("bob", opsRoom, "!assess 6_1_7_1 8 7 9 clear and friendly")
	if !strings.Contains(r.Text, "91 %") || !strings.Contains(r.Text, "= 45 SC; pending: ") ||
		!strings.Contains(r.Text, "carol 41 SC (attacker)") || !strings.Contains(r.Text, "dave 4 SC (defender)") {
		t.Fatalf("assess reply %q", r.Text)
	}
	a, ok := f.read().Assessment("as_1")
	if !ok || a.Task != "6_1_7_1" || a.PayoutPct != 91 || a.PayoutSC != 45 || a.AttackerSC != 41 || a.DefenderSC != 4 ||
		a.State != ledger.AssessmentAssessed || a.Note != "clear and friendly" || a.AssessedBy != "bob" {
		t.Fatalf("assessment row %+v", a)
	}
	if task := f.task("6_1_7_1"); task.State != ledger.TaskAssessed {
		t.Fatalf("task state %s", task.State)
	}
	wallet := func(alias string) ledger.Balance { return f.read().Balance(alias) }
	if c, d := wallet("carol"), wallet("dave"); c.SCPending != 41 || d.SCPending != 4 || c.SCAwarded != 0 {
		t.Fatalf("pending: carol %+v dave %+v", c, d)
	}

	f.refused("bob", opsRoom, "!object 6_1_7_1 too early", "objections are for approved tasks")
	f.ok("bob", opsRoom, "!approve 6_1_7_1")
	a, _ = f.read().Assessment("as_1")
	if !a.WindowEnds.Equal(f.clock.Add(48*time.Hour)) || a.State != ledger.AssessmentApproved {
		t.Fatalf("approved assessment %+v", a)
	}
	// Anyone can see how long objections are taken, and how.
	if r := f.ok("gina", forumRoom, "!task 6_1_7_1"); !strings.Contains(r.Text, "effort 8, learning 7, collaboration 9 → 45 SC (carol 41, dave 4)") ||
		!strings.Contains(r.Text, "objections until "+a.WindowEnds.Format("2006-01-02 15:04")+" UTC") {
		t.Fatalf("!task during the window: %q", r.Text)
	}
	f.refused("bob", opsRoom, "!approve 6_1_7_1", "only an assessed task")
	f.refused("bob", opsRoom, "!assess 6_1_7_1 1 1 1", "48-hour window")

	// The SC is awarded 10 minutes after the window ends (objections sent in
	// its last moments may still be on their way); a second before, the job
	// has nothing to do.
	awardAt := a.WindowEnds.Add(10 * time.Minute)
	f.clock = awardAt.Add(-time.Second)
	before := f.head()
	if res := f.tb.RunJobs(t.Context()); len(res) != 0 {
		t.Fatalf("jobs ran before the window ended: %+v", res)
	}
	if f.head() != before {
		t.Fatal("jobs wrote before the window ended")
	}
	f.clock = awardAt
	res := f.tb.RunJobs(t.Context())
	if len(res) != 1 || res[0].Err != nil || res[0].Duplicate || res[0].Key != "as_1" {
		t.Fatalf("jobs at the end of the window: %+v", res)
	}
	wantAnn := []toolbox.Announcement{
		{Team: opsTeam, Text: "SC for `6_1_7_1` (Task 6_1_7_1) awarded after 48 hours without objection: carol 41 SC, dave 4 SC."},
		{Team: opsTeam, Workplace: true, Text: "Operational team — SC for `6_1_7_1` (Task 6_1_7_1) awarded after 48 hours without objection: carol 41 SC, dave 4 SC."},
	}
	if !slices.Equal(res[0].Announce, wantAnn) {
		t.Fatalf("the award's announcement %+v", res[0].Announce)
	}
	if c, d := wallet("carol"), wallet("dave"); c.SCAwarded != 41 || c.SCPending != 0 || d.SCAwarded != 4 || d.SCPending != 0 {
		t.Fatalf("awarded: carol %+v dave %+v", c, d)
	}
	if task := f.task("6_1_7_1"); task.State != ledger.TaskAwarded {
		t.Fatalf("task state %s", task.State)
	}
	if r := f.ok("gina", forumRoom, "!task 6_1_7_1"); !strings.Contains(r.Text, "awarded on 2026-11-28") {
		t.Fatalf("!task once awarded: %q", r.Text)
	}
	ev, ok := f.l.Current().Applied("job:finalize:as_1")
	if !ok || ev.Actor != toolbox.JobActor || ev.Action != "sc.award" {
		t.Fatalf("the job's audit row %+v", ev)
	}
	// Run again (a restart, a second process): nothing due, nothing written.
	after := f.head()
	if res := f.tb.RunJobs(t.Context()); len(res) != 0 {
		t.Fatalf("second run: %+v", res)
	}
	if f.head() != after {
		t.Fatal("the second run wrote")
	}
	if problems := f.l.Current().Verify(); len(problems) != 0 {
		t.Fatalf("verify: %v", problems)
	}
	f.refused("gina", forumRoom, "!object 6_1_7_1 late", "objections are for approved tasks")
}

func TestObjectionAfterWindow(t *testing.T) {
	f := newCaptainFixture(t)
	f.ok("bob", opsRoom, "!assess 6_1_7_1 10 10 10")
	f.ok("bob", opsRoom, "!approve 6_1_7_1")
	a, _ := f.read().Assessment("as_1")
	f.clock = a.WindowEnds
	f.refused("gina", forumRoom, "!object 6_1_7_1 too late", "closed at")
	// Sent a minute before the end, handled five minutes after it (a busy
	// queue, a restart): the objection counts by when it was sent.
	f.clock = a.WindowEnds.Add(5 * time.Minute)
	r := f.request(f.tb, toolbox.Request{
		Sender: "@gina:s.test", Room: forumRoom,
		Command: "object", Args: []string{"6_1_7_1", "sent", "in", "time"}, Sent: a.WindowEnds.Add(-time.Minute),
	})
	if r.Refused {
		t.Fatalf("an objection sent in time was refused: %q", r.Text)
	}
	if res := f.tb.RunJobs(t.Context()); len(res) != 0 {
		t.Fatalf("the contested task was still finalized: %+v", res)
	}
	// Nobody votes: without a quorum the vote fails, and the task goes
	// back to its captain.
	p, _ := f.read().Proposal("prop_1")
	f.clock = p.VoteEnds.Add(10 * time.Minute)
	if res := f.tb.RunJobs(t.Context()); len(res) != 1 || res[0].Job != "proposal" {
		t.Fatalf("closing the contested vote: %+v", res)
	}
	// A sending time later than the ledger's clock does not move the deadline.
	f.ok("bob", opsRoom, "!assess 6_1_7_1 10 10 10")
	f.ok("bob", opsRoom, "!approve 6_1_7_1")
	a, _ = f.read().Assessment("as_2")
	f.clock = a.WindowEnds
	r = f.request(f.tb, toolbox.Request{
		Sender: "@gina:s.test", Room: forumRoom,
		Command: "object", Args: []string{"6_1_7_1", "late"}, Sent: a.WindowEnds.Add(time.Hour),
	})
	if !r.Refused || !strings.Contains(r.Text, "closed at") {
		t.Fatalf("a late objection: %+v", r)
	}
}

func TestReassessBeforeApproval(t *testing.T) {
	f := newCaptainFixture(t)
	f.ok("bob", opsRoom, "!assess 6_1_7_1 10 10 10")
	r := f.ok("bob", opsRoom, "!assess 6_1_7_1 1 1 1")
	if !strings.Contains(r.Text, "replaces assessment as_1") {
		t.Fatalf("reply %q", r.Text)
	}
	// 3 of 30 pays 60 % of 50 = 30: 27 + 3. The first assessment's pending
	// SC is cancelled, not added.
	if c, d := f.read().Balance("carol"), f.read().Balance("dave"); c.SCPending != 27 || d.SCPending != 3 {
		t.Fatalf("after re-assessing: carol %+v dave %+v", c, d)
	}
	if a, _ := f.read().Assessment("as_1"); a.State != ledger.AssessmentSuperseded {
		t.Fatalf("first assessment %+v", a)
	}
	if problems := f.l.Current().Verify(); len(problems) != 0 {
		t.Fatalf("verify: %v", problems)
	}
}

func TestAssessRefusals(t *testing.T) {
	f := newCaptainFixture(t)
	f.refused("bob", opsRoom, "!assess 6_1_7_1 0 5 5", "effort score must be a whole number from 1 to 10")
	f.refused("bob", opsRoom, "!assess 6_1_7_1 5 11 5", "learning score")
	f.refused("bob", opsRoom, "!assess 6_1_7_1 5 5 x", "collaboration score")
	f.refused("bob", opsRoom, "!assess 6_1_7_1 5 5", "Usage")
	f.refused("bob", opsRoom, "!assess 6_1_7_3 5 5 5", "no finished work")
	f.refused("bob", opsRoom, "!assess 6_1_7_4 5 5 5", "You are the attacker")
	f.refused("bob", opsRoom, "!assess 6_1_5_1 5 5 5", "belongs to the Media team")
	f.refused("cleo", mediaRoom, "!assess 6_1_5_1 5 5 5", "You are the attacker")
	// The founder assesses anywhere, also the captain's own task.
	f.ok("alice", forumRoom, "!assess 6_1_7_4 5 5 5")
}

// Without a defender the defender's share is not paid, and the reply says so.
func TestAssessWithoutDefender(t *testing.T) {
	f := newCaptainFixture(t)
	r := f.ok("bob", opsRoom, "!assess 6_1_7_2 10 10 10") // 100 % of 25: 23 + (2 not paid)
	if !strings.Contains(r.Text, "carol 23 SC (attacker)") || !strings.Contains(r.Text, "defender's share (2 SC) is not paid") {
		t.Fatalf("reply %q", r.Text)
	}
	if a, _ := f.read().Assessment("as_1"); a.PayoutSC != 23 || a.DefenderSC != 0 {
		t.Fatalf("assessment %+v", a)
	}
}

// Nobody has more than 500 SC assessed in a UTC day.
func TestDailySCCap(t *testing.T) {
	f := newCaptainFixture(t)
	f.mutate("big tasks", func(tx *ledger.Tx) {
		for i := 10; i < 14; i++ {
			tx.PutTask(ledger.Task{ID: fmt.Sprintf("6_1_7_%d", i), Team: opsTeam, Title: "Big", Size: "XL", BudgetSC: 200,
				State: ledger.TaskReview, Attacker: "carol", Defender: "dave"})
		}
	})
	f.ok("bob", opsRoom, "!assess 6_1_7_10 10 10 10") // carol 180
	f.ok("bob", opsRoom, "!assess 6_1_7_11 10 10 10") // 360
	f.refused("bob", opsRoom, "!assess 6_1_7_12 10 10 10", "carol has had 360 SC assessed today, and 180 more would pass the daily limit of 500")
	f.ok("bob", opsRoom, "!assess 6_1_7_12 1 1 1") // 60 % of 200 = 120 → 108: 468
	f.clock = f.clock.Add(24 * time.Hour)
	f.ok("bob", opsRoom, "!assess 6_1_7_13 10 10 10") // 180, a new day
	// Assessing the same task again replaces its SC rather than adding to it:
	// 180 taken back, 180 assessed, 180 in all today.
	for range 3 {
		f.ok("bob", opsRoom, "!assess 6_1_7_13 10 10 10")
	}
}

func TestAwardSK(t *testing.T) {
	f := newCaptainFixture(t)
	r := f.ok("bob", opsRoom, "!award_sk carol conflict_resolution calmed the room")
	if !strings.Contains(r.Text, "25 SK") || f.read().Balance("carol").SK != 25 {
		t.Fatalf("award: %q, balance %+v", r.Text, f.read().Balance("carol"))
	}
	f.ok("bob", opsRoom, "!award_sk erin mentoring") // watch: 10 of 50
	f.refused("bob", opsRoom, "!award_sk carol kudos", "not an SK category")
	f.refused("bob", opsRoom, "!award_sk bob code_review", "yourself")
	f.refused("bob", opsRoom, "!award_sk nobody code_review", "nobody")
	// Campaign: 25 SK a day.
	f.ok("bob", opsRoom, "!award_sk kim conflict_resolution")
	f.refused("bob", opsRoom, "!award_sk kim code_review", "daily limit of 25 for a campaign license")
	// Work: 100 SK a day; carol has 25.
	for range 3 {
		f.ok("bob", opsRoom, "!award_sk carol conflict_resolution")
	}
	f.refused("bob", opsRoom, "!award_sk carol code_review", "has received 100 SK today")
	f.clock = f.clock.Add(24 * time.Hour)
	f.ok("bob", opsRoom, "!award_sk carol code_review")
	if sk := f.read().Balance("carol").SK; sk != 105 {
		t.Fatalf("carol SK %d, want 105", sk)
	}
}

func TestAcceptAndReject(t *testing.T) {
	f := newCaptainFixture(t)
	f.ok("gina", forumRoom, "!apply 4_3_7_help I like order")
	f.ok("hana", forumRoom, "!apply 4_2_7_lead")
	f.ok("gina", forumRoom, "!apply 4_2_5_editor")
	f.refused("cleo", mediaRoom, "!accept app_1", "belongs to the Operational team")
	f.refused("bob", opsRoom, "!accept app_9", "no application")
	f.refused("bob", opsRoom, "!accept ../app_1", "not an application ID")
	r := f.ok("bob", opsRoom, "!accept APP_1")
	if !strings.Contains(r.Text, "gina is now Operations helper") {
		t.Fatalf("accept reply %q", r.Text)
	}
	tx := f.read()
	if app, _ := tx.Application("app_1"); app.State != ledger.ApplicationAccepted || app.DecidedBy != "bob" {
		t.Fatalf("application %+v", app)
	}
	held := false
	for _, a := range tx.AssignmentsOf("gina") {
		held = held || (a.Role == "4_3_7_help" && a.Status == ledger.StatusActive && a.Since.Equal(f.clock))
	}
	if !held {
		t.Fatalf("gina holds no role after being accepted: %+v", tx.AssignmentsOf("gina"))
	}
	// gina can now work in the team.
	f.ok("gina", opsRoom, "!claim 6_1_7_3")
	f.refused("bob", opsRoom, "!accept app_1", "already accepted by bob")
	f.ok("bob", opsRoom, "!reject app_2 we need a junior first")
	if app, _ := f.read().Application("app_2"); app.State != ledger.ApplicationRejected || app.Reason != "we need a junior first" {
		t.Fatalf("rejected application %+v", app)
	}
	f.refused("bob", opsRoom, "!reject app_2", "already rejected")
	f.ok("cleo", mediaRoom, "!reject app_3")
	if problems := f.l.Current().Verify(); len(problems) != 0 {
		t.Fatalf("verify: %v", problems)
	}
}

// The monthly decay runs once a month, whatever the number of runs.
func TestDecayJob(t *testing.T) {
	f := newCaptainFixture(t)
	f.ok("bob", opsRoom, "!award_sk carol conflict_resolution") // 25 SK on 2026-11-26
	// December: carol's SK is 5 days old, in its grace period.
	f.clock = time.Date(2026, 12, 1, 0, 0, 5, 0, time.UTC)
	before := f.head()
	if res := f.tb.RunJobs(t.Context()); len(res) != 0 || f.head() != before {
		t.Fatalf("decay in the grace period: %+v", res)
	}
	// January: 36 days old → 10 % of 25 = 2.5, rounded up to 3.
	f.clock = time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC)
	res := f.tb.RunJobs(t.Context())
	if len(res) != 1 || res[0].Job != "decay" || res[0].Key != "2027-01" || res[0].Err != nil || res[0].Duplicate {
		t.Fatalf("January decay: %+v", res)
	}
	if sk := f.read().Balance("carol").SK; sk != 22 {
		t.Fatalf("carol SK after decay %d, want 22", sk)
	}
	ev, ok := f.l.Current().Applied("job:decay:2027-01")
	if !ok || ev.Actor != toolbox.JobActor {
		t.Fatalf("decay audit row %+v", ev)
	}
	// Later in January, or after a restart: nothing more.
	f.clock = time.Date(2027, 1, 31, 23, 0, 0, 0, time.UTC)
	after := f.head()
	if res := f.tb.RunJobs(t.Context()); len(res) != 0 || f.head() != after {
		t.Fatalf("a second January run: %+v", res)
	}
	// A fresh toolbox on the same ledger (a restart) does not decay again.
	again := toolbox.New(f.l, toolbox.Config{Founder: "@alice:s.test"})
	if res := again.RunJobs(t.Context()); len(res) != 0 || f.head() != after {
		t.Fatalf("after a restart: %+v", res)
	}
	// February: 22 → 10 % rounded up = 3 → 19.
	f.clock = time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	f.tb.RunJobs(t.Context())
	if sk := f.read().Balance("carol").SK; sk != 19 {
		t.Fatalf("carol SK after February %d, want 19", sk)
	}
	if problems := f.l.Current().Verify(); len(problems) != 0 {
		t.Fatalf("verify: %v", problems)
	}
}

// !help tells a newcomer what to do next, at each step from no role to a
// first task.
func TestHelpGuidesNewcomer(t *testing.T) {
	f := newCaptainFixture(t)
	help := func(who string) string { f.t.Helper(); return f.ok(who, forumRoom, "!help").Text }
	if h := help("erin"); !strings.Contains(h, "your watch license lets you follow") {
		t.Errorf("a Watch owner's help: %q", h)
	}
	h := help("gina")
	if !strings.Contains(h, "Getting started") || !strings.Contains(h, "`!open_roles`") || !strings.Contains(h, "`!apply <role_id>") {
		t.Fatalf("a newcomer's help: %q", h)
	}
	if strings.Contains(h, "!claim <task_id> [") {
		t.Errorf("a newcomer without a role is offered !claim in the list: %q", h)
	}
	// The steps it names work, one after the other.
	f.ok("gina", forumRoom, "!open_roles")
	f.ok("gina", forumRoom, "!apply 4_3_7_help tidy")
	f.ok("bob", opsRoom, "!accept app_1")
	if h := help("gina"); !strings.Contains(h, "`!tasks` shows your team's open tasks") {
		t.Fatalf("help once gina holds a role: %q", h)
	}
	f.ok("gina", opsRoom, "!claim 6_1_7_3")
	if h := help("gina"); !strings.Contains(h, "you are on `6_1_7_3`") || !strings.Contains(h, "`!start_work 6_1_7_3`") {
		t.Fatalf("help once gina has a task: %q", h)
	}
	f.ok("gina", opsRoom, "!start_work 6_1_7_3")
}

// Months the bot was not running are decayed when it runs again, in order,
// each as it would have been on time.
func TestDecayCatchesUpMissedMonths(t *testing.T) {
	f := newCaptainFixture(t)
	f.clock = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	f.mutate("old SK", func(tx *ledger.Tx) {
		tx.AppendSK(ledger.SKTx{Alias: "carol", Category: "documentation", Amount: 100, By: "bob"})
	})
	sk := func() int { return f.read().Balance("carol").SK }
	// The first run decays the current month only: there is no earlier
	// decay to continue from.
	f.clock = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if res := f.tb.RunJobs(t.Context()); len(res) != 1 || res[0].Key != "2026-11" || sk() != 90 {
		t.Fatalf("November: %+v, carol has %d SK", res, sk())
	}
	// Down in December and January; back in February.
	f.clock = time.Date(2027, 2, 10, 8, 0, 0, 0, time.UTC)
	res := f.tb.RunJobs(t.Context())
	var keys []string
	for _, r := range res {
		if r.Err != nil || r.Duplicate {
			t.Fatalf("catching up: %+v", r)
		}
		keys = append(keys, r.Key)
	}
	if strings.Join(keys, " ") != "2026-12 2027-01 2027-02" {
		t.Fatalf("months caught up: %v", keys)
	}
	// 90 → 81 (−9) → 72 (−8.1, rounded up to 9) → 64 (−7.2 → 8).
	if sk() != 64 {
		t.Fatalf("carol has %d SK after catching up, want 64", sk())
	}
	var notes []string
	for t := range f.read().SKTxs() {
		if t.Category == "decay" {
			notes = append(notes, strings.SplitN(t.Note, ":", 2)[0])
		}
	}
	if strings.Join(notes, ",") != "decay 2026-11,decay 2026-12,decay 2027-01,decay 2027-02" {
		t.Fatalf("decay rows: %v", notes)
	}
	before := f.head()
	if res := f.tb.RunJobs(t.Context()); len(res) != 0 || f.head() != before {
		t.Fatalf("a second run: %+v", res)
	}
	if problems := f.l.Current().Verify(); len(problems) != 0 {
		t.Fatalf("verify: %v", problems)
	}
}

// Only owners who may earn SC are paid; a captain does not decide their own
// application; captaining needs a license that includes work.
func TestCaptainRulesOnLicensesAndSelfInterest(t *testing.T) {
	f := newCaptainFixture(t)
	f.mutate("carol to campaign", func(tx *ledger.Tx) {
		o, _ := tx.Owner("carol")
		o.License = ledger.LicenseCampaign
		tx.PutOwner(o)
	})
	f.refused("bob", opsRoom, "!assess 6_1_7_1 5 5 5", "carol can't earn SC now")
	f.mutate("carol back to work, dave inactive", func(tx *ledger.Tx) {
		o, _ := tx.Owner("carol")
		o.License = ledger.LicenseWork
		tx.PutOwner(o)
		o, _ = tx.Owner("dave")
		o.Status = ledger.StatusInactive
		tx.PutOwner(o)
	})
	f.refused("bob", opsRoom, "!assess 6_1_7_1 5 5 5", "dave can't earn SC now")

	f.ok("bob", forumRoom, "!apply 4_2_7_lead")
	f.refused("bob", opsRoom, "!accept app_1", "your own application")
	f.ok("alice", forumRoom, "!accept app_1") // the founder decides it

	f.mutate("bob to watch", func(tx *ledger.Tx) {
		o, _ := tx.Owner("bob")
		o.License = ledger.LicenseWatch
		tx.PutOwner(o)
	})
	r := f.run("bob", opsRoom, "!create_task S Anything")
	if !r.Denied || !strings.Contains(r.Text, "does not include it") {
		t.Fatalf("a captain with a Watch license: %+v", r)
	}
}
