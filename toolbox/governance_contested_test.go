package toolbox_test

import (
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// contest approves 6_1_7_1 (45 SC: carol 41, dave 4) and has gina object
// an hour before its window ends; it answers the contested SC vote.
func (f *captainFixture) contest() ledger.Proposal {
	f.t.Helper()
	f.ok("bob", opsRoom, "!assess 6_1_7_1 8 7 9")
	f.ok("bob", opsRoom, "!approve 6_1_7_1")
	f.clock = f.clock.Add(47 * time.Hour)
	r := f.ok("gina", forumRoom, "!object 6_1_7_1 the guide is missing a chapter")
	if !strings.Contains(r.Text, "stays pending while the general forum votes on it, as prop_1") {
		f.t.Fatalf("the objection's answer: %q", r.Text)
	}
	// Made in the forum: the team's room hears of it, the forum saw it.
	if len(r.Announce) != 1 || r.Announce[0].Team != opsTeam || r.Announce[0].Forum || !strings.Contains(r.Announce[0].Text, "`!vote prop_1 yes|no|abstain`") {
		f.t.Fatalf("the objection's announcements: %+v", r.Announce)
	}
	p, ok := f.read().Proposal("prop_1")
	if !ok || p.Kind != ledger.ProposalContestedSC || p.Subject != "as_1" || p.Scope != ledger.ScopeBinding ||
		p.Room != ledger.ProposalRoomForum || p.Team != opsTeam || p.State != ledger.ProposalVoting || !p.WindowEnds.IsZero() {
		f.t.Fatalf("the contested SC proposal: %+v", p)
	}
	return p
}

// An objection opens the forum's vote at once; the SC stays pending and
// nobody can assess or object again meanwhile. The vote fails (a tie):
// the pending SC is contested, the task goes back to review, its captain
// assesses it again, and a second run writes nothing.
func TestContestedVoteFails(t *testing.T) {
	f := newCaptainFixture(t)
	p := f.contest()
	a, _ := f.read().Assessment("as_1")
	if a.State != ledger.AssessmentDisputed || a.ObjectedBy != "gina" || a.Objection != "the guide is missing a chapter" {
		t.Fatalf("the disputed assessment: %+v", a)
	}
	if task := f.task("6_1_7_1"); task.State != ledger.TaskContested {
		t.Fatalf("task state %s during the vote", task.State)
	}
	if c := f.read().Balance("carol"); c.SCPending != 41 || c.SCAwarded != 0 {
		t.Fatalf("carol during the vote: %+v", c)
	}
	f.refused("bob", opsRoom, "!assess 6_1_7_1 1 1 1", "being voted on in the general forum (prop_1)")
	f.refused("hana", forumRoom, "!object 6_1_7_1 me too", "already contested")
	// The window's end passes: nothing is awarded while the vote runs.
	f.clock = f.clock.Add(2 * time.Hour)
	if res := f.tb.RunJobs(t.Context()); len(res) != 0 {
		t.Fatalf("jobs during the vote: %+v", res)
	}
	f.ok("gina", forumRoom, "!vote prop_1 no")
	f.ok("carol", forumRoom, "!vote prop_1 yes")

	f.clock = p.VoteEnds.Add(10 * time.Minute)
	res := f.tb.RunJobs(t.Context())
	if len(res) != 1 || res[0].Job != "proposal" || res[0].Err != nil || len(res[0].Announce) != 2 ||
		!res[0].Announce[0].Forum || res[0].Announce[1].Team != opsTeam ||
		!strings.Contains(res[0].Announce[1].Text, "goes back to its captain for a new assessment") {
		t.Fatalf("closing a tied contested vote: %+v", res)
	}
	if p, _ := f.read().Proposal("prop_1"); p.State != ledger.ProposalFailed {
		t.Fatalf("a tie passed: %+v", p)
	}
	a, _ = f.read().Assessment("as_1")
	if a.State != ledger.AssessmentContested || a.Settled.IsZero() {
		t.Fatalf("the assessment after a failed vote: %+v", a)
	}
	if task := f.task("6_1_7_1"); task.State != ledger.TaskReview {
		t.Fatalf("task state %s after a failed vote", task.State)
	}
	if c := f.read().Balance("carol"); c.SCPending != 0 || c.SCAwarded != 0 {
		t.Fatalf("carol after a failed vote: %+v", c)
	}
	after := f.head()
	if res := f.tb.RunJobs(t.Context()); len(res) != 0 || f.head() != after {
		t.Fatalf("a second run: %+v", res)
	}
	f.ok("bob", opsRoom, "!assess 6_1_7_1 5 5 5")
	if c := f.read().Balance("carol"); c.SCPending != 35 {
		t.Fatalf("carol's pending SC after the new assessment: %d, want 35", c.SCPending)
	}
	if problems := f.l.Current().Verify(); len(problems) != 0 {
		t.Fatalf("verify: %v", problems)
	}
}

// The vote passes: the award goes through finalize, so an empty treasury
// holds it back; a deposit lets it through on a later run, once, after a
// restart too.
func TestContestedVoteAwards(t *testing.T) {
	f := newCaptainFixture(t)
	p := f.contest()
	f.ok("gina", forumRoom, "!vote prop_1 no")
	f.ok("carol", forumRoom, "!vote prop_1 yes")
	f.ok("hana", opsRoom, "!vote prop_1 yes")

	f.clock = p.VoteEnds.Add(10 * time.Minute)
	res := f.tb.RunJobs(t.Context())
	if len(res) != 2 || res[0].Job != "proposal" || res[1].Job != "hold" || res[1].Key != "as_1" {
		t.Fatalf("closing a passed contested vote with an empty treasury: %+v", res)
	}
	if !strings.Contains(res[0].Text, "is awarded as assessed, as soon as the treasury covers it") {
		t.Fatalf("the result: %q", res[0].Text)
	}
	if c := f.read().Balance("carol"); c.SCPending != 41 || c.SCAwarded != 0 {
		t.Fatalf("carol while the award waits: %+v", c)
	}
	f.ok("alice", adminDM, "!deposit 15 seed money")
	res = f.tb.RunJobs(t.Context())
	if len(res) != 1 || res[0].Job != "finalize" || res[0].Err != nil || !strings.Contains(res[0].Text, "by the general forum's vote after an objection") {
		t.Fatalf("the award after the deposit: %+v", res)
	}
	if c := f.read().Balance("carol"); c.SCPending != 0 || c.SCAwarded != 41 {
		t.Fatalf("carol after the award: %+v", c)
	}
	if task := f.task("6_1_7_1"); task.State != ledger.TaskAwarded {
		t.Fatalf("task state %s after the award", task.State)
	}
	l2, err := ledger.Open(t.Context(), f.store, ledger.Options{Clock: func() time.Time { return f.clock }})
	if err != nil {
		t.Fatal(err)
	}
	after := f.head()
	if res := toolbox.New(l2, toolbox.Config{Founder: "@alice:s.test"}).RunJobs(t.Context()); len(res) != 0 || f.head() != after {
		t.Fatalf("a run after a restart: %+v", res)
	}
	if problems := l2.Current().Verify(); len(problems) != 0 {
		t.Fatalf("verify: %v", problems)
	}
}

// After a passed vote, while the treasury holds the award back, !task says
// the forum upheld the SC and the award waits: no window runs and no
// objection is possible any more.
func TestUpheldTaskSaysItWaitsForTheAward(t *testing.T) {
	f := newCaptainFixture(t)
	p := f.contest()
	f.ok("gina", forumRoom, "!vote prop_1 no")
	f.ok("carol", forumRoom, "!vote prop_1 yes")
	f.ok("hana", opsRoom, "!vote prop_1 yes")
	f.clock = p.VoteEnds.Add(10 * time.Minute)
	f.tb.RunJobs(t.Context())
	if task := f.task("6_1_7_1"); task.State != ledger.TaskApproved {
		t.Fatalf("task state %s after the passed vote with an empty treasury", task.State)
	}
	q := f.ok("hana", opsRoom, "!task 6_1_7_1").Text
	for _, want := range []string{
		"- State: approved — upheld by the forum's vote (`prop_1`); waiting for the award (the treasury: `!treasury`)",
		"contested by gina and upheld by the forum's vote (`prop_1`)",
	} {
		if !strings.Contains(q, want) {
			t.Errorf("!task does not say %q:\n%s", want, q)
		}
	}
	for _, stale := range []string{"window is running", "objections until", "!object"} {
		if strings.Contains(q, stale) {
			t.Errorf("!task still says %q:\n%s", stale, q)
		}
	}
	f.refused("hana", forumRoom, "!object 6_1_7_1 still missing", "")
}
