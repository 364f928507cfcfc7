package toolbox_test

import (
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// newThresholdScene is a community whose SK was earned on 1 September and
// decayed by 10 % (rounded up) on 1 November, so each balance below is
// what remains after decay: eve 111 → 99, gus 112 → 100, ann 222 → 199,
// ben 223 → 200, cia 555 → 499, dan 556 → 500. ann and ben hold a role in the operational team, which
// fay (the founder) captains; two XL tasks are open there, and two roles
// of the leadership team recruit.
func newThresholdScene(t *testing.T) *govScene {
	t.Helper()
	g := &govScene{scene: newScene(t, time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC))}
	g.mutate("owners", func(tx *ledger.Tx) {
		tx.PutTeam(ledger.Team{ID: govTeam, Name: "Operational team", Status: ledger.StatusActive})
		tx.PutTeam(ledger.Team{ID: toolbox.LeadershipTeam, Name: "Leadership team", Status: ledger.StatusActive})
		for _, r := range []ledger.Role{
			{ID: "4_2_7_lead", Team: govTeam, Type: ledger.RoleSenior, Title: "Lead", Status: ledger.StatusActive, Recruitment: "closed"},
			{ID: "4_2_1_strategy", Team: toolbox.LeadershipTeam, Type: ledger.RoleSenior, Title: "Strategy", Status: ledger.StatusActive, Recruitment: "open"},
			{ID: "4_3_1_scribe", Team: toolbox.LeadershipTeam, Type: ledger.RoleJunior, Title: "Scribe", Status: ledger.StatusActive, Recruitment: "open"},
		} {
			tx.PutRole(r)
		}
		tx.PutObjective(ledger.Objective{ID: "5_1", Title: "Grow", Status: ledger.ObjectiveOpen})
		tx.PutObjective(ledger.Objective{ID: "5_1_7", Parent: "5_1", Team: govTeam, Title: "Run", Status: ledger.ObjectiveOpen})
		tx.PutOwner(ledger.Owner{Alias: "fay", MatrixID: "@fay:s.test", License: ledger.LicenseOrganizational, Status: ledger.StatusActive, Joined: tx.Now()})
		for alias, sk := range map[string]int{"eve": 111, "gus": 112, "ann": 222, "ben": 223, "cia": 555, "dan": 556} {
			tx.PutOwner(ledger.Owner{Alias: alias, MatrixID: "@" + alias + ":s.test", License: ledger.LicenseWork, Status: ledger.StatusActive, Joined: tx.Now()})
			tx.AppendSK(ledger.SKTx{Alias: alias, Category: "documentation", Amount: sk, By: "fay"})
			if alias == "ann" || alias == "ben" {
				tx.PutAssignment(ledger.Assignment{ID: "ra_" + alias, Role: "4_2_7_lead", Alias: alias, Status: ledger.StatusActive, Since: tx.Now()})
			}
		}
		for _, id := range []string{"6_1_7_1", "6_1_7_2"} {
			tx.PutTask(ledger.Task{ID: id, Team: govTeam, Objective: "5_1_7", Title: "Big " + id, Size: "XL", BudgetSC: 200, State: ledger.TaskOpen})
		}
	})
	g.tb = toolbox.New(g.l, toolbox.Config{Founder: "@fay:s.test"})
	g.clock = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	g.jobs()
	tx := g.l.Current().Read()
	for alias, want := range map[string]int{"eve": 99, "gus": 100, "ann": 199, "ben": 200, "cia": 499, "dan": 500} {
		if sk := tx.Balance(alias).SK; sk != want {
			t.Fatalf("after decay %s has %d SK, want %d", alias, sk, want)
		}
	}
	return g
}

// Leading a mission — attacking an XL task — takes 200 SK after decay, at
// !claim and at !assign; defending one takes none.
func TestMissionLeadNeeds200SK(t *testing.T) {
	g := newThresholdScene(t)
	g.refused("ann", govTeamRoom, "!claim 6_1_7_1", "leading a mission (its attacker) takes 200 SK; you have 199 (after decay). You can defend it: `!claim 6_1_7_1 defender`")
	g.refused("ann", govTeamRoom, "!claim 6_1_7_1 attacker", "you have 199")
	g.refused("fay", govTeamRoom, "!assign 6_1_7_2 ann attacker", "ann has 199 (after decay). Put them on it as defender")
	g.ok("ben", govTeamRoom, "!claim 6_1_7_1")
	g.ok("ann", govTeamRoom, "!claim 6_1_7_1 defender")
	g.ok("fay", govTeamRoom, "!assign 6_1_7_2 ben attacker")
	tx := g.l.Current().Read()
	if t1, _ := tx.Task("6_1_7_1"); t1.Attacker != "ben" || t1.Defender != "ann" {
		t.Fatalf("6_1_7_1: %+v", t1)
	}
	g.verified()
}

// Joining the leadership team takes 500 SK after decay: applying, being
// accepted, being appointed by an admin.
func TestLeadershipNeeds500SK(t *testing.T) {
	g := newThresholdScene(t)
	g.refused("cia", govTeamRoom, "!apply 4_2_1_strategy", "takes 500 SK, and you have 499 (after decay)")
	g.ok("dan", govTeamRoom, "!apply 4_2_1_strategy I can help")
	g.ok("fay", adminDM, "!accept app_1")
	g.refused("fay", adminDM, "!assign_role 4_3_1_scribe cia", "takes 500 SK, and cia has 499 (after decay)")
	g.ok("fay", adminDM, "!assign_role 4_3_1_scribe dan")
	// An application made when cia had enough is refused at the
	// acceptance if she no longer has: the threshold holds when she joins.
	g.mutate("an older application", func(tx *ledger.Tx) {
		tx.PutApplication(ledger.Application{ID: "app_2", Role: "4_3_1_scribe", Alias: "cia", State: ledger.ApplicationPending, Submitted: tx.Now()})
	})
	g.refused("fay", adminDM, "!accept app_2", "cia has 499 (after decay)")
}

// The founder needs no 500 SK for the leadership team, as at the ledger's
// set-up: recalled by the team, they can be given the captain's role back.
func TestFounderLeadsAgainAfterARecall(t *testing.T) {
	g := newThresholdScene(t)
	const captain = "4_1_1_tc_leadership_team"
	g.mutate("the founder's role, as the set-up writes it", func(tx *ledger.Tx) {
		tx.PutRole(ledger.Role{ID: captain, Team: toolbox.LeadershipTeam, Type: ledger.RoleCaptain, Title: "Founder, captain of the leadership team", Status: ledger.StatusActive, Recruitment: "closed"})
		tx.PutAssignment(ledger.Assignment{ID: "ra_fay_" + captain, Role: captain, Alias: "fay", Status: ledger.StatusActive, Since: tx.Now()})
	})
	g.ok("fay", adminDM, "!assign_role 4_3_1_scribe dan")
	g.clock = g.clock.Add(time.Minute)
	leaders := toolbox.Room{Kind: toolbox.RoomTeam, Team: toolbox.LeadershipTeam}
	g.ok("dan", leaders, "!propose recall: | time for a change")
	g.ok("dan", leaders, "!vote prop_1 yes")
	if res := g.decide("prop_1"); !strings.Contains(res.Text, "fay is no longer captain") {
		t.Fatalf("the recall: %+v", res)
	}
	if sk := g.l.Current().Read().Balance("fay").SK; sk >= 500 {
		t.Fatalf("the founder has %d SK: the test needs less than 500", sk)
	}
	g.ok("fay", adminDM, "!assign_role "+captain+" fay")
	held := false
	for a := range g.l.Current().Read().Assignments() {
		held = held || a.Role == captain && a.Alias == "fay" && a.Status == ledger.StatusActive
	}
	if !held {
		t.Fatal("the founder does not hold the captain's role again")
	}
	// Anyone else still needs the 500 SK.
	g.refused("fay", adminDM, "!assign_role 4_2_1_strategy cia", "cia has 499 (after decay)")
}

// An election's candidate needs 100 SK after decay to captain a team, and
// 500 to captain the leadership team: the threshold less one is refused,
// the threshold itself accepted.
func TestElectionCandidateThresholds(t *testing.T) {
	g := newThresholdScene(t)
	const leadersCaptain = "4_1_1_tc_leadership_team"
	g.mutate("captains' roles", func(tx *ledger.Tx) {
		tx.PutRole(ledger.Role{ID: "4_1_7_tc", Team: govTeam, Type: ledger.RoleCaptain, Title: "Captain", Status: ledger.StatusActive, Recruitment: "closed"})
		tx.PutRole(ledger.Role{ID: leadersCaptain, Team: toolbox.LeadershipTeam, Type: ledger.RoleCaptain, Title: "Captain of the leadership team", Status: ledger.StatusActive, Recruitment: "closed"})
	})
	g.ok("fay", adminDM, "!assign_role 4_3_1_scribe dan")
	g.clock = g.clock.Add(time.Minute)

	g.refused("ann", govTeamRoom, "!propose election: eve", "A team captain needs 100 SK, and eve has 99 (after decay)")
	g.ok("ann", govTeamRoom, "!propose election: gus")
	if p := g.proposal("prop_1"); p.Kind != ledger.ProposalElection || p.Subject != "gus" {
		t.Fatalf("the election of gus: %+v", p)
	}

	leaders := toolbox.Room{Kind: toolbox.RoomTeam, Team: toolbox.LeadershipTeam}
	g.refused("dan", leaders, "!propose election: cia", "takes 500 SK, and cia has 499 (after decay)")
	g.ok("dan", leaders, "!propose election: dan")
	if p := g.proposal("prop_2"); p.Kind != ledger.ProposalElection || p.Subject != "dan" || p.Team != toolbox.LeadershipTeam {
		t.Fatalf("the election of dan: %+v", p)
	}
}
