package toolbox_test

// A community from nothing: the bootstrap on an empty ledger, then the
// structure (owners, roles, appointments, objectives, tasks) built by
// commands only, as an operator and the founder would.

import (
	"strings"
	"sync"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/toolbox"
)

var (
	foundingDM   = toolbox.Room{Kind: toolbox.RoomDirect}
	foundingOps  = toolbox.Room{Kind: toolbox.RoomTeam, Team: "3_7_operational_team"}
	foundingDevs = toolbox.Room{Kind: toolbox.RoomTeam, Team: "3_3_developer_team"}
)

func newFounding(t *testing.T) (*scene, *toolbox.Toolbox) {
	t.Helper()
	s := newScene(t, time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	return s, toolbox.New(s.l, toolbox.Config{Founder: "@fay:s.test"})
}

func TestBootstrapSetsUpAnEmptyLedgerOnce(t *testing.T) {
	s, tb := newFounding(t)
	got, err := tb.Bootstrap(t.Context(), "fay")
	if err != nil || !got.Done {
		t.Fatalf("bootstrap on an empty ledger: %+v, %v", got, err)
	}
	tx := s.l.Current().ReadAt(s.clock)
	fay, ok := tx.OwnerByMatrixID("@fay:s.test")
	if !ok || fay.Alias != "fay" || fay.License != ledger.LicenseOrganizational || fay.Status != ledger.StatusActive {
		t.Errorf("the founder in the Book of Owners: %+v (found %v)", fay, ok)
	}
	teams := map[string]string{}
	for team := range tx.Teams() {
		teams[team.ID] = team.Name + "/" + team.Status
	}
	for _, want := range []string{"3_1_leadership_team", "3_2_design_team", "3_3_developer_team", "3_4_business_team", "3_5_media_team", "3_6_science_team", "3_7_operational_team"} {
		if !strings.HasSuffix(teams[want], "/active") {
			t.Errorf("team %s after the bootstrap: %q", want, teams[want])
		}
	}
	if len(teams) != 7 {
		t.Errorf("teams after the bootstrap: %v, want the seven", teams)
	}
	// The founder captains the leadership team: a captain's command works
	// for them there (it would for the founder anywhere, so ask !team).
	if r := s.command(tb, "fay", foundingDM, "!team leadership"); !strings.Contains(r.Text, "fay") {
		t.Errorf("!team leadership does not name the founder as captain: %q", r.Text)
	}
	ev, ok := s.l.Current().Applied(toolbox.BootstrapEventID)
	if !ok || ev.Actor != toolbox.JobActor {
		t.Errorf("the bootstrap's audit row: %+v (found %v), want the bot as actor", ev, ok)
	}

	// Again, as a restart would: nothing is written.
	head := s.head()
	again, err := tb.Bootstrap(t.Context(), "fay")
	if err != nil || again.Done || again.Why == "" {
		t.Errorf("a second bootstrap: %+v, %v; want nothing done and a reason", again, err)
	}
	if s.head() != head {
		t.Error("a second bootstrap moved the ledger")
	}
	if v, err := s.l.VerifyAll(t.Context()); err != nil || len(v.Problems) > 0 {
		t.Errorf("verify after the bootstrap: %v %v", v.Problems, err)
	}
}

// Two processes starting on the same empty ledger at once: one bootstrap
// commit between them.
func TestBootstrapTwoProcessesAtOnceWriteItOnce(t *testing.T) {
	dir := t.TempDir() + "/l.git"
	var tbs []*toolbox.Toolbox
	var ledgers []*ledger.Ledger
	for range 2 {
		st, err := localgit.Open(dir, "main")
		if err != nil {
			t.Fatal(err)
		}
		l, err := ledger.Open(t.Context(), st, ledger.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(l.Close)
		ledgers = append(ledgers, l)
		tbs = append(tbs, toolbox.New(l, toolbox.Config{Founder: "@fay:s.test"}))
	}
	var wg sync.WaitGroup
	done := make([]toolbox.Bootstrapped, 2)
	errs := make([]error, 2)
	for i, tb := range tbs {
		wg.Go(func() { done[i], errs[i] = tb.Bootstrap(t.Context(), "fay") })
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	if done[0].Done == done[1].Done {
		t.Errorf("bootstraps done: %v and %v, want exactly one", done[0], done[1])
	}
	snap, err := ledgers[0].Snapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	owners, roles := 0, 0
	tx := snap.ReadAt(time.Now())
	for range tx.Owners() {
		owners++
	}
	for range tx.Assignments() {
		roles++
	}
	if owners != 1 || roles != 1 {
		t.Errorf("after two bootstraps at once: %d owners and %d assignments, want 1 and 1", owners, roles)
	}
}

func TestBootstrapNeverTouchesALedgerWithOwners(t *testing.T) {
	s, tb := newFounding(t)
	s.mutate("an existing community", func(tx *ledger.Tx) {
		tx.PutOwner(ledger.Owner{Alias: "old", MatrixID: "@old:s.test", License: ledger.LicenseWork, Status: ledger.StatusActive, Joined: tx.Now()})
	})
	head := s.head()
	got, err := tb.Bootstrap(t.Context(), "fay")
	if err != nil || got.Done || !strings.Contains(got.Why, "not empty") {
		t.Errorf("bootstrap on a ledger with owners: %+v, %v", got, err)
	}
	if s.head() != head {
		t.Error("the bootstrap wrote to a ledger that had owners")
	}
}

func TestBootstrapRefusesABadFounderAlias(t *testing.T) {
	s, tb := newFounding(t)
	head := s.head()
	if _, err := tb.Bootstrap(t.Context(), "NUL"); err == nil || !strings.Contains(err.Error(), "alias") {
		t.Errorf("bootstrap with the alias NUL: %v, want an error about the alias", err)
	}
	if s.head() != head {
		t.Error("a refused bootstrap wrote")
	}
}

// expectOK runs a command and fails unless it was done.
func expectOK(t *testing.T, s *scene, tb *toolbox.Toolbox, who string, room toolbox.Room, line, want string) {
	t.Helper()
	r := s.command(tb, who, room, line)
	if r.Refused || r.Err != nil || !strings.Contains(r.Text, want) {
		t.Fatalf("%s as %s: %+v, want it done, saying %q", line, who, r, want)
	}
}

// expectRefused runs a command and fails unless it was refused, with words
// that say want, and wrote nothing.
func expectRefused(t *testing.T, s *scene, tb *toolbox.Toolbox, who string, room toolbox.Room, line, want string) {
	t.Helper()
	head := s.head()
	r := s.command(tb, who, room, line)
	if !r.Refused || !strings.Contains(r.Text, want) {
		t.Errorf("%s as %s: %+v, want it refused, saying %q", line, who, r, want)
	}
	if s.head() != head {
		t.Errorf("%s as %s was refused but moved the ledger", line, who)
	}
}

func TestACommunityIsBuiltByCommands(t *testing.T) {
	s, tb := newFounding(t)
	if _, err := tb.Bootstrap(t.Context(), "fay"); err != nil {
		t.Fatal(err)
	}
	expectOK(t, s, tb, "fay", foundingDM, "!add_owner @bob:s.test bob work", "bob")
	expectOK(t, s, tb, "fay", foundingDM, "!add_owner @cat:s.test cat work", "cat")
	expectOK(t, s, tb, "fay", foundingDM, "!add_owner @wes:s.test wes watch", "wes")
	expectOK(t, s, tb, "fay", foundingDM, "!create_role operational captain Team captain, operations", "4_1_7_tc_operational_team")
	expectOK(t, s, tb, "fay", foundingDM, "!create_role operational senior Operations lead", "4_2_7_operations_lead")

	// Appointments.
	expectRefused(t, s, tb, "fay", foundingDM, "!assign_role 4_1_7_tc_operational_team wes", "license")
	expectRefused(t, s, tb, "fay", foundingDM, "!assign_role 4_1_9_nothing bob", "no role")
	expectOK(t, s, tb, "fay", foundingDM, "!assign_role 4_1_7_tc_operational_team bob", "bob is now Team captain, operations")
	expectRefused(t, s, tb, "fay", foundingDM, "!assign_role 4_1_7_tc_operational_team cat", "one captain")
	expectRefused(t, s, tb, "fay", foundingDM, "!assign_role 4_1_7_tc_operational_team bob", "already holds")
	expectOK(t, s, tb, "fay", foundingDM, "!assign_role 4_2_7_operations_lead cat", "cat is now Operations lead")

	// A role's recruitment, hours and SC potential.
	expectOK(t, s, tb, "fay", foundingDM, "!update_role 4_2_7_operations_lead hours 8", "8 hours a week")
	expectOK(t, s, tb, "fay", foundingDM, "!update_role 4_2_7_operations_lead sc 200", "200 a week")
	expectOK(t, s, tb, "fay", foundingDM, "!update_role 4_1_7_tc_operational_team recruitment closed", "recruitment closed")
	expectRefused(t, s, tb, "fay", foundingDM, "!update_role 4_1_7_tc_operational_team recruitment closed", "already")
	expectRefused(t, s, tb, "fay", foundingDM, "!update_role 4_2_7_operations_lead hours 81", "0 to 80")
	expectRefused(t, s, tb, "fay", foundingDM, "!update_role 4_2_7_operations_lead hours -1", "0 to 80")
	expectRefused(t, s, tb, "fay", foundingDM, "!update_role 4_2_7_operations_lead recruitment maybe", "`open`, `future` or `closed`")
	expectRefused(t, s, tb, "fay", foundingDM, "!update_role 4_2_7_operations_lead colour blue", "not something a role has")
	role, _ := s.l.Current().ReadAt(s.clock).Role("4_2_7_operations_lead")
	if role.Hours != 8 || role.SCPotential != 200 || role.Recruitment != "open" {
		t.Errorf("the role after its updates: %+v", role)
	}

	// Without an objective, no task.
	expectRefused(t, s, tb, "bob", foundingOps, "!create_task S Count the chairs", "!create_objective")
	expectRefused(t, s, tb, "bob", foundingOps, "!team_objective 5_1 Run the place", "no objective `5_1`")
	expectOK(t, s, tb, "fay", foundingDM, "!create_objective Open the workplace", "Objective `5_1` is open")
	expectOK(t, s, tb, "fay", foundingDM, "!create_objective Grow", "Objective `5_2` is open")
	expectRefused(t, s, tb, "bob", foundingDM, "!team_objective 5_1 Run the place", "team's room")
	expectOK(t, s, tb, "bob", foundingOps, "!team_objective 5_1 Run the place day to day", "Objective `5_1_7` is open")
	expectRefused(t, s, tb, "bob", foundingOps, "!team_objective 5_1 Another one", "already has its objective under `5_1`")
	expectRefused(t, s, tb, "bob", foundingOps, "!team_objective 5_1_7 Nested", "organisation")
	// The founder, a captain anywhere, opens the developers' objective in their room.
	expectOK(t, s, tb, "fay", foundingDevs, "!team_objective 5_1 Build the bot", "Objective `5_1_3` is open")
	expectRefused(t, s, tb, "bob", foundingOps, "!update_objective 5_1_3 Something else", "its captain changes it")
	expectRefused(t, s, tb, "bob", foundingOps, "!update_objective 5_1 Something else", "the founder changes those")
	expectOK(t, s, tb, "bob", foundingOps, "!update_objective 5_1_7 Run the workplace day to day", "now called")

	expectOK(t, s, tb, "bob", foundingOps, "!create_task M Write the onboarding checklist", "6_1_7_1")
	expectOK(t, s, tb, "bob", foundingOps, "!assign 6_1_7_1 cat attacker", "cat")

	r := s.command(tb, "wes", foundingDM, "!objectives")
	for _, want := range []string{"`5_1` Open the workplace", "`5_1_7` Run the workplace day to day (Operational team): 0 of 1 task(s) awarded", "`5_1_3` Build the bot", "`5_2` Grow"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("!objectives does not say %q:\n%s", want, r.Text)
		}
	}

	// Closing: the organisation's objective only once its teams' are closed.
	expectRefused(t, s, tb, "fay", foundingDM, "!close_objective 5_1 achieved", "`5_1_3`, `5_1_7`")
	expectRefused(t, s, tb, "bob", foundingOps, "!close_objective 5_1_7 finished", "`achieved` or `dropped`")
	expectOK(t, s, tb, "bob", foundingOps, "!close_objective 5_1_7 achieved", "1 unfinished task(s) keep running")
	expectRefused(t, s, tb, "bob", foundingOps, "!close_objective 5_1_7 dropped", "achieved already")
	expectOK(t, s, tb, "fay", foundingDevs, "!close_objective 5_1_3 dropped", "closed as dropped")
	expectOK(t, s, tb, "fay", foundingDM, "!close_objective 5_1 achieved", "closed as achieved")
	if r := s.command(tb, "wes", foundingDM, "!objectives"); strings.Contains(r.Text, "5_1_7") || !strings.Contains(r.Text, "5_2") {
		t.Errorf("!objectives after closing 5_1 should show only 5_2:\n%s", r.Text)
	}
	if r := s.command(tb, "wes", foundingDM, "!objectives all"); !strings.Contains(r.Text, "`5_1_7` Run the workplace day to day (Operational team) — achieved") {
		t.Errorf("!objectives all does not show the closed team objective:\n%s", r.Text)
	}
	// With its objective closed, the team's next task needs a new one.
	expectRefused(t, s, tb, "bob", foundingOps, "!create_task S Another", "no open objective")

	// Ending an appointment.
	expectOK(t, s, tb, "fay", foundingDM, "!end_role 4_2_7_operations_lead cat", "cat no longer holds Operations lead")
	expectRefused(t, s, tb, "fay", foundingDM, "!end_role 4_2_7_operations_lead cat", "no active assignment")
	expectRefused(t, s, tb, "fay", foundingDM, "!end_role 4_1_1_tc_leadership_team fay", "another admin")

	if v, err := s.l.VerifyAll(t.Context()); err != nil || len(v.Problems) > 0 {
		t.Errorf("verify after building the community: %v %v", v.Problems, err)
	}
	// Every page the commands wrote is where the rows say.
	tx := s.l.Current().ReadAt(s.clock)
	for o := range tx.Objectives() {
		if o.WikiPath == "" || !tx.FileExists(o.WikiPath) {
			t.Errorf("objective %s has no page (%q)", o.ID, o.WikiPath)
		}
	}
}

// A founder the bot does not serve would be the only owner of a ledger
// nobody can use, and the bootstrap is never written again: refused.
func TestBootstrapRefusesAFounderOfAnotherServer(t *testing.T) {
	s, _ := newFounding(t)
	tb := toolbox.New(s.l, toolbox.Config{Founder: "@fay:matrix.org", ServerName: "s.test"})
	head := s.head()
	if _, err := tb.Bootstrap(t.Context(), "fay"); err == nil || !strings.Contains(err.Error(), "not a user of the community's homeserver s.test") {
		t.Errorf("bootstrap with a founder of another server: %v", err)
	}
	if s.head() != head {
		t.Error("a refused bootstrap wrote")
	}
}
