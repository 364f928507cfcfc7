package e2e

// The proposals that act on the ledger, on the real servers: an objection
// to an approved task's SC goes to a vote of the general forum, which
// awards it; the operational team elects carol captain in place of bob.
// Both are decided by the scheduled job once the week is over, each result
// written once and heard in the team's room and the forum.

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/demo"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/servers"
)

func TestContestedSCVoteAndCaptainElection(t *testing.T) {
	var later atomic.Int64
	e := newEnvWith(t, envOptions{
		clock:     func() time.Time { return time.Now().Add(time.Duration(later.Load())) },
		configure: func(_ *servers.Gitea, cfg *config.Config) { cfg.Jobs.Interval = time.Second },
	})
	forum, team := idOf(e.room(demo.RoomForum)), idOf(e.room(demo.RoomTeam))
	alice, bob, carol, dave := e.login("alice"), e.login("bob"), e.login("carol"), e.login("dave")

	// carol works on 6_1_7_1; bob assesses and approves it; alice objects
	// in the forum: the SC goes to a vote, and stays pending.
	e.write(carol, team, "!start_work 6_1_7_1")
	e.write(carol, team, "!stop_work Wrote the onboarding checklist")
	e.write(bob, team, "!assess 6_1_7_1 8 7 9 clear and complete")
	e.write(bob, team, "!approve 6_1_7_1")
	if _, r := e.write(alice, forum, "!object 6_1_7_1 the checklist misses the keys"); !strings.Contains(r.Body, "the general forum votes on it, as prop_1") {
		t.Fatalf("!object answered %q", r.Body)
	}
	e.awaitAnnouncement(bob, team, "alice objected to the 45 SC for `6_1_7_1`", "")
	if task := e.task("6_1_7_1"); task.State != ledger.TaskContested {
		t.Fatalf("6_1_7_1 is %s during the vote", task.State)
	}
	if _, r := e.askIn(bob, team, "!assess 6_1_7_1 1 1 1"); !strings.Contains(r.Body, "being voted on in the general forum (prop_1)") {
		t.Fatalf("!assess during the vote answered %q", r.Body)
	}
	e.write(alice, forum, "!vote prop_1 yes")
	e.write(dave, forum, "!vote prop_1 yes")

	// carol earns the 100 SK a captain needs; she is elected by the team.
	for _, why := range []string{"mediated the roster", "settled the rota", "calmed the meeting", "solved the key dispute"} {
		e.write(bob, team, "!award_sk carol conflict_resolution "+why)
	}
	if _, r := e.askIn(carol, forum, "!propose election: carol"); !strings.Contains(r.Body, "made in the team's own room") {
		t.Fatalf("an election in the forum answered %q", r.Body)
	}
	if _, r := e.write(carol, team, "!propose election: carol | I know the rota"); !strings.Contains(r.Body, "prop_2") || !strings.Contains(r.Body, "goes to a vote") {
		t.Fatalf("!propose election: answered %q", r.Body)
	}
	e.write(carol, team, "!vote prop_2 yes")
	e.write(dave, team, "!vote prop_2 yes")

	// The week passes: the job decides both, awards the SC and hands over
	// the captaincy.
	later.Store(int64(7*24*time.Hour + time.Hour))
	e.awaitAnnouncement(carol, team, "awarded by the general forum's vote after an objection", "")
	e.awaitAnnouncement(carol, forum, "is awarded as assessed", "")
	e.awaitAnnouncement(carol, team, "carol is now captain (4_1_7_tc_operational_team), and bob's captaincy ended", "")
	e.awaitAnnouncement(carol, forum, "carol is now captain", "")
	if task := e.task("6_1_7_1"); task.State != ledger.TaskAwarded {
		t.Errorf("6_1_7_1 is %s after the vote", task.State)
	}
	captains := map[string]string{}
	for _, a := range rows[ledger.Assignment](e, ledger.AssignmentsIndex) {
		if a.Role == "4_1_7_tc_operational_team" {
			captains[a.Alias] = a.Status
		}
	}
	if captains["carol"] != ledger.StatusActive || captains["bob"] != ledger.StatusEnded {
		t.Errorf("the captain's assignments after the election: %v", captains)
	}
	for _, ev := range []string{"job:proposal:prop_1", "job:proposal:prop_2", "job:finalize:as_1"} {
		if got := e.auditRows(ev); len(got) != 1 || got[0].Actor != "engelbot" {
			t.Errorf("%s's audit rows: %+v", ev, got)
		}
	}
	// The new captain acts as one.
	if _, r := e.askIn(carol, team, "!create_task S Label the keys"); !strings.Contains(r.Body, "created") {
		t.Errorf("!create_task by the elected captain answered %q", r.Body)
	}
	// The books the votes wrote hold up to `engelbot verify`.
	e.verifyClean()
}
