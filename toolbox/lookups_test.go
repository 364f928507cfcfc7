package toolbox_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

const (
	lookupOps    = "3_7_operational_team"
	lookupDev    = "3_3_developer_team"
	lookupLead   = "3_1_leadership_team"
	devOpenTasks = 35 // more than a list shows, to test the cap
)

// Rooms the lookups are asked from.
var (
	opsRoom   = toolbox.Room{Kind: toolbox.RoomTeam, Team: lookupOps}
	devRoom   = toolbox.Room{Kind: toolbox.RoomTeam, Team: lookupDev}
	forumRoom = toolbox.Room{Kind: toolbox.RoomForum}
)

// lookupFixture is a ledger on a local git store for the read-only
// lookups.
//
// Teams: operational (3_7, with a teams row), developer (3_3, known only
// from its roles), leadership (3_1, captain only). alice is the founder;
// bob captains operational; carol holds its senior role, dave its junior
// one; gina is a developer; erin (watch) holds nothing; frank is inactive
// though his assignment is not; hank's assignment ended. The operational
// team has one task in every state, 6_1_7_3 has two work sessions; the
// developer team has 35 open tasks. carol has 90 SC awarded and 45 pending
// and 250 SK; dave 600 SK after decay; erin none.
type lookupFixture struct {
	*scene
	tb *toolbox.Toolbox
}

func newLookupFixture(t *testing.T) *lookupFixture {
	t.Helper()
	f := &lookupFixture{scene: newScene(t, time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))}
	f.mutate("seed", func(tx *ledger.Tx) {
		tx.PutTeam(ledger.Team{ID: lookupOps, Name: "Operational team", Status: ledger.StatusActive})
		tx.PutTeam(ledger.Team{ID: lookupLead, Name: "Leadership team", Status: ledger.StatusActive})
		for _, r := range []ledger.Role{
			{ID: "4_1_1_founder", Team: lookupLead, Type: ledger.RoleCaptain, Title: "Founder", Recruitment: "closed", Hours: 40},
			{ID: "4_1_7_tc", Team: lookupOps, Type: ledger.RoleCaptain, Title: "Operations captain", Recruitment: "closed", Hours: 10, SCPotential: 100},
			{ID: "4_2_7_lead", Team: lookupOps, Type: ledger.RoleSenior, Title: "Operations lead", Recruitment: "open", Hours: 8, SCPotential: 200},
			{ID: "4_3_7_junior", Team: lookupOps, Type: ledger.RoleJunior, Title: "Operations junior", Recruitment: "open", Hours: 4, SCPotential: 50},
			{ID: "4_2_7_analyst", Team: lookupOps, Type: ledger.RoleSenior, Title: "Analyst", Recruitment: "future", Hours: 6, SCPotential: 150},
			{ID: "4_2_7_retired", Team: lookupOps, Type: ledger.RoleSenior, Title: "Retired role", Status: ledger.StatusInactive, Recruitment: "open"},
			{ID: "4_1_3_tc", Team: lookupDev, Type: ledger.RoleCaptain, Title: "Developer captain", Recruitment: "future", Hours: 10},
			{ID: "4_2_3_dev", Team: lookupDev, Type: ledger.RoleSenior, Title: "Developer", Recruitment: "OPEN", Hours: 8, SCPotential: 200},
		} {
			if r.Status == "" {
				r.Status = ledger.StatusActive
			}
			tx.PutRole(r)
		}
		for _, o := range []struct{ alias, license, status, role, assignment string }{
			{"alice", "organizational", "active", "4_1_1_founder", "active"},
			{"bob", "work", "active", "4_1_7_tc", "active"},
			{"carol", "work", "active", "4_2_7_lead", "active"},
			{"dave", "work", "active", "4_3_7_junior", "active"},
			{"erin", "watch", "active", "", ""},
			{"frank", "work", "inactive", "4_2_7_lead", "active"},
			{"gina", "work", "active", "4_2_3_dev", "active"},
			{"hank", "work", "active", "4_2_7_lead", "ended"},
		} {
			tx.PutOwner(ledger.Owner{Alias: o.alias, MatrixID: "@" + o.alias + ":s.test", License: o.license, Status: o.status,
				Joined: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)})
			if o.role != "" {
				tx.PutAssignment(ledger.Assignment{ID: "ra_" + o.alias, Role: o.role, Alias: o.alias, Status: o.assignment})
			}
		}
		tx.PutObjective(ledger.Objective{ID: "5_1_7", Parent: "5_1", Team: lookupOps, Title: "Smooth operations", Status: "open"})
		created := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
		for i, task := range []ledger.Task{
			{State: ledger.TaskOpen, Title: "Treasury report", Size: "L", BudgetSC: 100},
			{State: ledger.TaskClaimed, Title: "Checklist", Attacker: "carol", Defender: "dave"},
			{State: ledger.TaskInProgress, Title: "Calendar", Size: "S", BudgetSC: 25, Attacker: "carol", Defender: "dave"},
			{State: ledger.TaskReview, Title: "Minutes", Attacker: "dave"},
			{State: ledger.TaskAssessed, Title: "Inventory"},
			{State: ledger.TaskApproved, Title: "Rota", Attacker: "carol"},
			{State: ledger.TaskContested, Title: "Budget"},
			{State: ledger.TaskAwarded, Title: "Welcome pack", Attacker: "carol"},
			{State: ledger.TaskCancelled, Title: "Old idea"},
		} {
			task.ID, task.Team, task.Objective = fmt.Sprintf("6_1_7_%d", i+1), lookupOps, "5_1_7"
			task.CreatedBy, task.Created, task.Updated = "bob", created, created
			if task.Size == "" {
				task.Size, task.BudgetSC = "M", 50
			}
			tx.PutTask(task)
		}
		for i := 1; i <= devOpenTasks; i++ {
			tx.PutTask(ledger.Task{ID: fmt.Sprintf("6_2_3_%d", i), Team: lookupDev, Title: fmt.Sprintf("Bug %d", i), Size: "S", BudgetSC: 25, State: ledger.TaskOpen})
		}
		started := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
		tx.PutSession(ledger.Session{ID: "6_1_7_3_ws1", Task: "6_1_7_3", Alias: "carol", Position: ledger.Attacker, State: ledger.SessionClosed,
			Started: started, Stopped: started.Add(95 * time.Minute), Minutes: 95, Summary: "Drafted the calendar\nand a second line",
			WikiPath: ledger.SessionPagesDir + "/6_1_7_3_ws1.md"})
		tx.PutSession(ledger.Session{ID: "6_1_7_3_ws2", Task: "6_1_7_3", Alias: "dave", Position: ledger.Defender, State: ledger.SessionOpen,
			Started: time.Date(2026, 11, 26, 8, 30, 0, 0, time.UTC), WikiPath: ledger.SessionPagesDir + "/6_1_7_3_ws2.md"})

		tx.AppendSC(ledger.SCTx{Alias: "carol", Task: "6_1_7_6", Kind: ledger.SCPending, Amount: 45, Share: ledger.Attacker})
		paid := tx.AppendSC(ledger.SCTx{Alias: "carol", Task: "6_1_7_8", Kind: ledger.SCPending, Amount: 90, Share: ledger.Attacker})
		tx.AppendSC(ledger.SCTx{Alias: "carol", Task: "6_1_7_8", Kind: ledger.SCAwarded, Amount: 90, Share: ledger.Attacker, Ref: paid})
		tx.AppendSK(ledger.SKTx{Alias: "carol", Category: "documentation", Amount: 250, By: "bob"})
		tx.AppendSK(ledger.SKTx{Alias: "dave", Category: "conflict_resolution", Amount: 700, By: "bob"})
		tx.AppendSK(ledger.SKTx{Alias: "dave", Category: "decay", Amount: -100, By: "engelbot"})
	})
	f.tb = toolbox.New(f.l, toolbox.Config{Founder: "@alice:s.test"})
	return f
}

// ask sends a command as who from room, split on spaces as a message
// without quotes is.
func (f *lookupFixture) ask(who string, room toolbox.Room, line string) toolbox.Reply {
	f.t.Helper()
	return f.command(f.tb, who, room, line)
}

// lookupCase is one question and what its answer must and must not say.
type lookupCase struct {
	name    string
	room    toolbox.Room
	line    string
	refused bool
	want    []string // each must appear, in this order
	not     []string // none may appear
}

// internals are what an owner must never see: file paths and SHAs.
var internals = regexp.MustCompile(`(?i)\.md\b|\.csv\b|pages/|indexes/|transactions/|\b[0-9a-f]{40}\b`)

func (f *lookupFixture) check(cases []lookupCase) {
	f.t.Helper()
	before := f.head()
	for _, tc := range cases {
		f.t.Run(tc.name, func(t *testing.T) {
			r := f.ask("carol", tc.room, tc.line)
			if r.Refused != tc.refused {
				t.Fatalf("%q refused=%v, want %v:\n%s", tc.line, r.Refused, tc.refused, r.Text)
			}
			rest := r.Text
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("%q: the answer lacks %q (or has it out of order):\n%s", tc.line, w, r.Text)
				}
				rest = rest[i+len(w):]
			}
			for _, n := range tc.not {
				if strings.Contains(r.Text, n) {
					t.Errorf("%q: the answer says %q, which it must not:\n%s", tc.line, n, r.Text)
				}
			}
			if m := internals.FindString(r.Text); m != "" {
				t.Errorf("%q: the answer shows an internal detail %q:\n%s", tc.line, m, r.Text)
			}
		})
	}
	if f.head() != before {
		f.t.Fatal("a lookup wrote to the ledger")
	}
}

func TestOpenRoles(t *testing.T) {
	f := newLookupFixture(t)
	f.check([]lookupCase{
		{name: "every team", room: forumRoom, line: "!open_roles",
			want: []string{"**Roles recruiting now**",
				"**Developer** (`4_2_3_dev`) — Developer team, senior (attacker), 8 h a week, up to 200 SC a week",
				"**Operations lead** (`4_2_7_lead`) — Operational team, senior (attacker), 8 h a week, up to 200 SC a week",
				"**Operations junior** (`4_3_7_junior`) — Operational team, junior (defender), 4 h a week, up to 50 SC a week",
				"`!apply <role_id> [motivation]`",
				"**Coming later**", "**Developer captain** (`4_1_3_tc`) — Developer team, team captain, 10 h a week", "**Analyst**"},
			not: []string{"Retired role", "Founder", "Operations captain"}},
		{name: "by ID", room: forumRoom, line: "!open_roles 3_7_operational_team",
			want: []string{"recruiting now in the Operational team", "Operations lead", "Operations junior", "Coming later", "Analyst"},
			not:  []string{"Developer"}},
		{name: "by short name", room: forumRoom, line: "!open_roles operational", want: []string{"Operations lead"}, not: []string{"Developer"}},
		{name: "by number", room: forumRoom, line: "!open_roles 7", want: []string{"Operations lead"}, not: []string{"Developer"}},
		{name: "by layer number", room: forumRoom, line: "!open_roles 3_7", want: []string{"Operations lead"}, not: []string{"Developer"}},
		{name: "by full name", room: forumRoom, line: "!open_roles Operational_Team", want: []string{"Operations lead"}, not: []string{"Developer"}},
		{name: "by prefix", room: forumRoom, line: "!open_roles dev", want: []string{"Developer", "Coming later", "Developer captain"}, not: []string{"Operations"}},
		{name: "team room does not filter", room: opsRoom, line: "!open_roles", want: []string{"Developer", "Operations lead"}},
		{name: "nothing recruiting", room: forumRoom, line: "!open_roles leadership",
			want: []string{"No role in the Leadership team is recruiting right now.", "`!open_roles` without a team"}},
		{name: "unknown team", room: forumRoom, line: "!open_roles marketing", refused: true,
			want: []string{"no team called `marketing`", "`leadership` (Leadership team)", "`developer` (Developer team)", "`operational` (Operational team)"}},
		{name: "too short to guess", room: forumRoom, line: "!open_roles op", refused: true, want: []string{"no team called `op`"}},
		{name: "two teams", room: forumRoom, line: "!open_roles 7 3", refused: true, want: []string{"Usage: `!open_roles [team]`"}},
	})
}

func TestTasks(t *testing.T) {
	f := newLookupFixture(t)
	f.check([]lookupCase{
		{name: "team room default", room: opsRoom, line: "!tasks",
			want: []string{"**Tasks of the Operational team** — open, claimed or in progress (3)",
				"`6_1_7_1` Treasury report — open · L, 100 SC · nobody on it yet",
				"`6_1_7_2` Checklist — claimed, not started · M, 50 SC · attacker carol, defender dave",
				"`6_1_7_3` Calendar — in progress", "`!task <task_id>`"},
			not: []string{"6_1_7_4", "6_2_3_1", "· Operational team"}},
		{name: "every state", room: opsRoom, line: "!tasks all",
			want: []string{"in any state (9)", "6_1_7_1", "6_1_7_4", "waiting for review", "6_1_7_9", "cancelled"}, not: []string{"6_2_3_1"}},
		{name: "one state", room: opsRoom, line: "!tasks review",
			want: []string{"— review (1)", "`6_1_7_4` Minutes — waiting for review · M, 50 SC · attacker dave, no defender yet"}, not: []string{"6_1_7_1`"}},
		{name: "hyphenated state", room: opsRoom, line: "!tasks in-progress", want: []string{"in progress (1)", "6_1_7_3"}, not: []string{"6_1_7_2"}},
		{name: "two states", room: opsRoom, line: "!tasks awarded approved",
			want: []string{"approved or awarded (2)", "6_1_7_6", "6_1_7_8"}, not: []string{"6_1_7_7"}},
		{name: "team then state", room: forumRoom, line: "!tasks 7 awarded", want: []string{"Operational team** — awarded (1)", "6_1_7_8"}},
		{name: "state then team", room: forumRoom, line: "!tasks awarded operational", want: []string{"Operational team** — awarded (1)", "6_1_7_8"}},
		{name: "other team from a team room", room: opsRoom, line: "!tasks developer", want: []string{"Developer team", "6_2_3_1"}, not: []string{"6_1_7"}},
		{name: "every team outside team rooms", room: forumRoom, line: "!tasks review",
			want: []string{"**Tasks of every team** — review (1)", "6_1_7_4", "· Operational team"}},
		{name: "nothing in that state", room: forumRoom, line: "!tasks 3_3_developer_team cancelled",
			want: []string{"No task of the Developer team is cancelled. `!tasks developer all` lists them in every state."}},
		{name: "a team without tasks", room: forumRoom, line: "!tasks leadership all", want: []string{"The Leadership team has no tasks yet."}},
		{name: "unknown word", room: opsRoom, line: "!tasks bogus", refused: true,
			want: []string{"`bogus` is neither a team nor a task state", "`operational`", "in_progress", "`all`"}},
		{name: "two teams", room: opsRoom, line: "!tasks operational developer", refused: true, want: []string{"one team at a time", "`operational` and `developer`"}},
		{name: "too many arguments", room: opsRoom, line: "!tasks 7 open x", refused: true, want: []string{"Usage: `!tasks [team] [state]`"}},
	})
}

// A long list stops at 30 lines and says how many it left out.
func TestTasksCap(t *testing.T) {
	f := newLookupFixture(t)
	for _, tc := range []struct {
		room  toolbox.Room
		line  string
		total int
	}{
		{devRoom, "!tasks", devOpenTasks},
		{forumRoom, "!tasks", devOpenTasks + 3},
		{forumRoom, "!tasks open", devOpenTasks + 1},
		{opsRoom, "!tasks all", 9},
	} {
		r := f.ask("erin", tc.room, tc.line)
		lines := 0
		for _, l := range strings.Split(r.Text, "\n") {
			if strings.HasPrefix(l, "- `6_") {
				lines++
			}
		}
		wantLines := min(tc.total, 30)
		if lines != wantLines || !strings.Contains(r.Text, fmt.Sprintf("(%d)", tc.total)) {
			t.Errorf("%s in %v: %d task lines (want %d), total %d expected:\n%s", tc.line, tc.room.Kind, lines, wantLines, tc.total, r.Text)
		}
		if !strings.Contains(r.Text, "\n\n`!task <task_id>`") {
			t.Errorf("%s: the hint must be a paragraph of its own, not part of the list's last item:\n%s", tc.line, r.Text)
		}
		more := fmt.Sprintf("and %d more — narrow it with a team or state", tc.total-30)
		if got := strings.Contains(r.Text, more); got != (tc.total > 30) {
			t.Errorf("%s in %v: says %q: %v, want %v", tc.line, tc.room.Kind, more, got, tc.total > 30)
		}
	}
	// Open tasks come first, whatever the file order.
	r := f.ask("erin", forumRoom, "!tasks all")
	if i, j := strings.Index(r.Text, "6_2_3_1`"), strings.Index(r.Text, "6_1_7_2`"); i < 0 || j >= 0 {
		t.Errorf("the first 30 of every task should be open ones:\n%s", r.Text)
	}
}

func TestTask(t *testing.T) {
	f := newLookupFixture(t)
	f.check([]lookupCase{
		{name: "with sessions", room: forumRoom, line: "!task 6_1_7_3",
			want: []string{"**Task `6_1_7_3` — Calendar**", "- Team: Operational team", "- Objective: `5_1_7` Smooth operations",
				"- Size: small (1–2 h), budget 25 SC", "- State: in progress", "- Attacker: carol · Defender: dave",
				"- Created by bob on 2026-11-20",
				"**Work sessions** (2)",
				"- carol (attacker): 2026-11-25 14:00 UTC, 1 h 35 min, closed — Drafted the calendar",
				"- dave (defender): open since 2026-11-26 08:30 UTC"},
			not: []string{"second line", "last changed"}},
		{name: "claimed, no sessions", room: forumRoom, line: "!task 6_1_7_2",
			want: []string{"Checklist", "medium (3–4 h), budget 50 SC", "claimed — someone is on it", "No work sessions yet.", "`!start_work 6_1_7_2`"}},
		{name: "nobody on it", room: forumRoom, line: "!task 6_1_7_1",
			want: []string{"large (5–8 h), budget 100 SC", "open — nobody is on it yet", "- Attacker: nobody yet · Defender: nobody yet", "No work sessions yet."},
			not:  []string{"!start_work"}},
		{name: "approved", room: forumRoom, line: "!task 6_1_7_6", want: []string{"48 h lazy-consensus window is running"}},
		{name: "unknown", room: forumRoom, line: "!task 6_1_7_99", refused: true, want: []string{"There is no task `6_1_7_99`.", "`!tasks all`"}},
		{name: "path trick", room: forumRoom, line: "!task 6_1_7_1/../../x", refused: true, want: []string{"`6_1_7_1/../../x` is not a task ID", "`6_1_2_3`"}},
		{name: "a role ID", room: forumRoom, line: "!task 4_2_7_lead", refused: true, want: []string{"not a task ID"}},
		{name: "a long paste is cut", room: forumRoom, line: "!task " + strings.Repeat("x", 500), refused: true,
			want: []string{"not a task ID"}, not: []string{strings.Repeat("x", 41)}},
		{name: "no ID", room: forumRoom, line: "!task", refused: true, want: []string{"Usage: `!task <task_id>`"}},
	})
}

func TestWhois(t *testing.T) {
	f := newLookupFixture(t)
	carol := []string{"**carol** — work license, active, owner since 2026-01-05",
		"- Roles: Operations lead (`4_2_7_lead`, Operational team)",
		"- SC: 90 awarded, 45 pending", "- SK: 250 (vote weight 1.25)",
		"- Tasks (4):", "`6_1_7_2` Checklist — claimed, not started, as attacker", "`6_1_7_8` Welcome pack — awarded, as attacker"}
	cases := []lookupCase{}
	for _, form := range []string{
		"carol", "Carol", "@carol", "@carol:s.test", "carol:",
		"[carol](https://matrix.to/#/@carol:s.test)",
		"[Carol the Great](https://matrix.to/#/%40carol%3As.test?via=s.test)",
		"https://matrix.to/#/@carol:s.test",
	} {
		cases = append(cases, lookupCase{name: "form " + form, room: forumRoom, line: "!whois " + form, want: carol, not: []string{":s.test", "Working now"}})
	}
	cases = append(cases,
		lookupCase{name: "open session", room: forumRoom, line: "!whois dave", want: []string{"- Working now on `6_1_7_3` since 2026-11-26 08:30 UTC"}},
		lookupCase{name: "no role, no task", room: forumRoom, line: "!whois erin",
			want: []string{"**erin** — watch license, active", "- Roles: none", "- SC: 0 awarded, 0 pending", "- Tasks: none"}},
		lookupCase{name: "inactive", room: forumRoom, line: "!whois frank", want: []string{"**frank** — work license, inactive"}},
		lookupCase{name: "ended assignment", room: forumRoom, line: "!whois hank", want: []string{"- Roles: none"}},
		lookupCase{name: "unknown", room: forumRoom, line: "!whois mallory", refused: true,
			want: []string{"There is no owner called `mallory`", "`!whois carol`"}, not: []string{"Did you mean"}},
		lookupCase{name: "typo", room: forumRoom, line: "!whois carl", refused: true, want: []string{"no owner called `carl`", "Did you mean `carol`?"}},
		lookupCase{name: "other server", room: forumRoom, line: "!whois @carol:evil.test", refused: true,
			want: []string{"has the Matrix ID `@carol:evil.test`", "`!whois <alias>`"}},
		lookupCase{name: "pill to a stranger", room: forumRoom, line: "!whois [x](https://matrix.to/#/@zed:s.test)", refused: true, want: []string{"`@zed:s.test`"}},
		lookupCase{name: "no one named", room: forumRoom, line: "!whois", refused: true, want: []string{"Usage: `!whois <alias or @user>`"}},
	)
	f.check(cases)
}

// The vote weight is 1 + SK/1000, at most 1.5, shown with two decimals.
func TestWhoisVoteWeight(t *testing.T) {
	f := newLookupFixture(t)
	for _, tc := range []struct{ alias, want string }{
		{"erin", "SK: 0 (vote weight 1.00)"},
		{"carol", "SK: 250 (vote weight 1.25)"},
		{"dave", "SK: 600 (vote weight 1.50)"},
	} {
		if r := f.ask("erin", forumRoom, "!whois "+tc.alias); !strings.Contains(r.Text, tc.want) {
			t.Errorf("whois %s: want %q in\n%s", tc.alias, tc.want, r.Text)
		}
	}
}

func TestTeam(t *testing.T) {
	f := newLookupFixture(t)
	f.check([]lookupCase{
		{name: "this room's team", room: opsRoom, line: "!team",
			want: []string{"**Operational team** (`3_7_operational_team`)", "- Captain: bob", "- Members by role:",
				"  - Analyst (`4_2_7_analyst`): nobody yet", "  - Operations lead (`4_2_7_lead`): carol",
				"  - Operations junior (`4_3_7_junior`): dave",
				"- Recruiting now: Operations lead (`4_2_7_lead`), Operations junior (`4_3_7_junior`) — `!open_roles operational`",
				"- Coming later: Analyst (`4_2_7_analyst`)",
				"- Tasks (9): 1 open · 1 claimed · 1 in progress · 1 review · 1 assessed · 1 approved · 1 contested · 1 awarded · 1 cancelled",
				"`!tasks operational all`"},
			not: []string{"frank", "hank", "Retired role", "Developer"}},
		{name: "named, no captain", room: forumRoom, line: "!team developer",
			want: []string{"**Developer team** (`3_3_developer_team`)", "- Captain: none at the moment", "Developer (`4_2_3_dev`): gina",
				"- Coming later: Developer captain (`4_1_3_tc`)", fmt.Sprintf("- Tasks (%d): %d open", devOpenTasks, devOpenTasks)}},
		{name: "another team's room", room: devRoom, line: "!team", want: []string{"**Developer team**"}},
		{name: "named from another team's room", room: devRoom, line: "!team 7", want: []string{"**Operational team**"}},
		{name: "captain only, no tasks", room: forumRoom, line: "!team leadership",
			want: []string{"- Captain: alice", "- Members: no roles besides the captain's yet", "- Tasks: none yet"}, not: []string{"Recruiting"}},
		{name: "no team outside team rooms", room: forumRoom, line: "!team", refused: true,
			want: []string{"Which team?", "`!team leadership`", "`operational` (Operational team)"}},
		{name: "unknown team", room: opsRoom, line: "!team nowhere", refused: true, want: []string{"no team called `nowhere`", "`developer`"}},
	})
}

// A short name that starts more than one team's name is not guessed.
func TestTeamAmbiguousPrefix(t *testing.T) {
	f := newLookupFixture(t)
	f.mutate("research team", func(tx *ledger.Tx) {
		tx.PutTeam(ledger.Team{ID: "3_8_operations_research_team", Name: "Operations research", Status: ledger.StatusActive})
	})
	f.check([]lookupCase{
		{name: "ambiguous", room: forumRoom, line: "!team oper", refused: true,
			want: []string{"`oper` could be more than one team", "`operational`", "`operations_research`"}},
		{name: "exact still works", room: forumRoom, line: "!team operational", want: []string{"**Operational team**"}},
		{name: "ambiguous in tasks", room: forumRoom, line: "!tasks oper", refused: true, want: []string{"more than one team"}},
		{name: "longer prefix", room: forumRoom, line: "!team operations", want: []string{"**Operations research** (`3_8_operations_research_team`)", "- Tasks: none yet"}},
	})
}

// Every lookup is a query: a Watch license may ask, and the help lists it.
func TestLookupsAreQueries(t *testing.T) {
	f := newLookupFixture(t)
	help := f.ask("erin", forumRoom, "!help").Text
	for _, name := range []string{"open_roles", "tasks", "task", "whois", "team"} {
		cmd, ok := toolbox.Lookup(name)
		if !ok || cmd.Tier != toolbox.TierQuery {
			t.Errorf("!%s: registered %v, tier %v", name, ok, cmd)
			continue
		}
		if !strings.Contains(help, "`"+cmd.Usage()+"`") {
			t.Errorf("!help for a watcher lacks %s:\n%s", cmd.Usage(), help)
		}
	}
	if r := f.ask("frank", forumRoom, "!whois carol"); !r.Refused || !strings.Contains(r.Text, "not active") {
		t.Errorf("an inactive owner's query ran: %+v", r)
	}
}
