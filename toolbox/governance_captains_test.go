package toolbox_test

import (
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// newElectionScene is the governance scene with a captain's role in the
// operational team, o1 and o2 (its members) on Work licenses, and zed, a
// Work owner with 99 SK.
func newElectionScene(t *testing.T) *govScene {
	t.Helper()
	g := newGovScene(t)
	g.mutate("a captain's role", func(tx *ledger.Tx) {
		tx.PutRole(ledger.Role{ID: "4_1_7_tc", Team: govTeam, Type: ledger.RoleCaptain, Title: "Captain", Status: ledger.StatusActive, Recruitment: "closed"})
		for _, alias := range []string{"o1", "o2"} {
			o, _ := tx.Owner(alias)
			o.License = ledger.LicenseWork
			tx.PutOwner(o)
		}
		tx.PutOwner(ledger.Owner{Alias: "zed", MatrixID: "@zed:s.test", License: ledger.LicenseWork, Status: ledger.StatusActive, Joined: tx.Now()})
		tx.AppendSK(ledger.SKTx{Alias: "zed", Category: "documentation", Amount: 99, By: "fay"})
	})
	return g
}

// decide moves the clock past a proposal's vote and runs the jobs: the
// proposal job must decide it, once.
func (g *govScene) decide(id string) toolbox.JobResult {
	g.t.Helper()
	g.clock = g.proposal(id).VoteEnds.Add(15 * 60e9)
	res := g.jobs()
	if len(res) != 1 || res[0].Key != id {
		g.t.Fatalf("closing %s: %+v", id, res)
	}
	head := g.head()
	if again := g.jobs(); len(again) != 0 || g.head() != head {
		g.t.Fatalf("closing %s again wrote: %+v", id, again)
	}
	return res[0]
}

// captain is the alias holding the team's captain role now ("" if none).
func (g *govScene) captain() string {
	g.t.Helper()
	var who []string
	for a := range g.l.Current().Read().Assignments() {
		if a.Role == "4_1_7_tc" && a.Status == ledger.StatusActive {
			who = append(who, a.Alias)
		}
	}
	if len(who) > 1 {
		g.t.Fatalf("two captains at once: %v", who)
	}
	return strings.Join(who, "")
}

// Refusals say what would work, and write nothing.
func TestElectionRefusals(t *testing.T) {
	g := newElectionScene(t)
	g.refused("o1", forumRoom, "!propose election: o2", "made in the team's own room")
	g.refused("o3", govTeamRoom, "!propose election: o2", "binding proposals are for those holding a role in the team")
	g.refused("o1", govTeamRoom, "!propose election: zed", "A team captain needs 100 SK, and zed has 99 (after decay)")
	g.refused("o1", govTeamRoom, "!propose election: o5", "watch license, which can't hold roles")
	g.refused("o1", govTeamRoom, "!propose election: o2 o3", "Name one candidate")
	g.refused("o1", govTeamRoom, "!propose election:", "Name one candidate")
	g.refused("o1", govTeamRoom, "!propose election o2", "It is a decision, not a captain's election: for that, send `!propose election: <alias>")
	g.refused("o1", govTeamRoom, "!propose recall:", "no captain to recall. `!propose election: <alias>` elects one")
	g.refused("o1", govTeamRoom, "!propose recall: o2", "A recall names no one")
	g.ok("o1", govTeamRoom, "!propose election: o2")
	g.refused("o2", govTeamRoom, "!propose election: o1", "already votes on its captaincy in `prop_1`")
}

// An election passes and assigns the role; a tied recall fails and
// changes nothing; an election of another ends the captain's assignment;
// a recall that passes ends it. Each result is written once by the job,
// with the bot as actor, and heard in the team's room and the forum.
func TestElectionAndRecall(t *testing.T) {
	g := newElectionScene(t)
	r := g.ok("o1", govTeamRoom, "!propose election: o2 | steady hands")
	if !strings.Contains(r.Text, "goes to a vote of those holding a role in the Operational team at once") {
		t.Fatalf("the election's answer: %s", r.Text)
	}
	p := g.proposal("prop_1")
	if p.Kind != ledger.ProposalElection || p.Scope != ledger.ScopeBinding || p.Subject != "o2" || p.State != ledger.ProposalVoting || p.Eligible != 2 {
		t.Fatalf("the election: %+v", p)
	}
	g.refused("o3", forumRoom, "!vote prop_1 yes", "proposals are for those holding a role in the team")
	g.ok("o1", forumRoom, "!vote prop_1 yes")
	res := g.decide("prop_1")
	if len(res.Announce) != 2 || res.Announce[0].Team != govTeam || !res.Announce[1].Forum || !strings.Contains(res.Announce[0].Text, "o2 is now captain (4_1_7_tc)") {
		t.Fatalf("the election's announcements: %+v", res.Announce)
	}
	if g.captain() != "o2" {
		t.Fatalf("the captain after the election is %q", g.captain())
	}
	if ev, ok := g.l.Current().Applied("job:proposal:prop_1"); !ok || ev.Actor != toolbox.JobActor {
		t.Fatalf("the election's audit row: %+v", ev)
	}

	g.ok("o1", govTeamRoom, "!propose recall: | time for a change")
	if p := g.proposal("prop_2"); p.Kind != ledger.ProposalRecall || p.Subject != "ra_o2_4_1_7_tc" {
		t.Fatalf("the recall: %+v", p)
	}
	g.ok("o1", govTeamRoom, "!vote prop_2 yes")
	g.ok("o2", govTeamRoom, "!vote prop_2 no")
	if res := g.decide("prop_2"); !strings.Contains(res.Text, "a tie, which fails") || g.captain() != "o2" {
		t.Fatalf("a tied recall: %+v, captain %q", res, g.captain())
	}

	g.ok("o2", govTeamRoom, "!propose election: o1")
	g.ok("o2", govTeamRoom, "!vote prop_3 yes")
	if res := g.decide("prop_3"); !strings.Contains(res.Text, "o1 is now captain (4_1_7_tc), and o2's captaincy ended") || g.captain() != "o1" {
		t.Fatalf("electing another: %+v, captain %q", res, g.captain())
	}

	g.ok("o2", govTeamRoom, "!propose recall:")
	g.ok("o2", govTeamRoom, "!vote prop_4 yes")
	g.ok("o1", govTeamRoom, "!vote prop_4 abstain")
	if res := g.decide("prop_4"); !strings.Contains(res.Text, "o1 is no longer captain") || g.captain() != "" {
		t.Fatalf("a passed recall: %+v, captain %q", res, g.captain())
	}
	g.verified()
}

// The candidate is checked again when the vote closes, SK included: decay
// written during the vote that takes them below 100 SK seats nobody, the
// captain stays, and the result says why.
func TestElectionRechecksSKAtClose(t *testing.T) {
	g := newElectionScene(t)
	g.ok("o1", govTeamRoom, "!propose election: o2")
	g.ok("o1", govTeamRoom, "!vote prop_1 yes")
	g.decide("prop_1")
	if g.captain() != "o2" {
		t.Fatalf("the first captain is %q", g.captain())
	}
	g.ok("o2", govTeamRoom, "!propose election: o1")
	g.ok("o2", govTeamRoom, "!vote prop_2 yes")
	g.mutate("decay during the vote", func(tx *ledger.Tx) {
		tx.AppendSK(ledger.SKTx{Alias: "o1", Category: "decay", Amount: -1, By: toolbox.JobActor, Note: "decay 2026-11: 1 % of 100 SK older than 30 days"})
	})
	res := g.decide("prop_2")
	if g.captain() != "o2" {
		t.Fatalf("the captain after an election of a candidate below 100 SK is %q", g.captain())
	}
	want := "o1 can no longer be captain, so nobody was assigned and o2 stays captain: A team captain needs 100 SK, and o1 has 99 (after decay)"
	if !strings.Contains(res.Text, want) || len(res.Announce) != 2 || !strings.Contains(res.Announce[1].Text, want) {
		t.Fatalf("the result: %+v", res)
	}
	if p := g.proposal("prop_2"); p.State != ledger.ProposalPassed || !strings.Contains(p.Result, "o1 has 99") {
		t.Fatalf("the election's row: %+v", p)
	}
}

// An election and a recall are asked for with `election:` and `recall:`;
// a decision whose title merely starts with the word stays a decision, and
// the answer says how to ask for the other.
func TestElectionAndRecallNeedTheirMark(t *testing.T) {
	g := newElectionScene(t)
	r := g.ok("o1", forumRoom, "!propose Election day is a holiday | Nobody works that day.")
	if p := g.proposal("prop_1"); p.Kind != ledger.ProposalDecision || p.Title != "Election day is a holiday" || p.State != ledger.ProposalOpen {
		t.Fatalf("a title starting with Election made %+v", p)
	}
	if !strings.Contains(r.Text, "binding decision: Election day is a holiday") || !strings.Contains(r.Text, "not a captain's election: for that, send `!propose election:") {
		t.Fatalf("the answer does not say it is a decision: %s", r.Text)
	}
	r = g.ok("o1", govTeamRoom, "!propose Recall the old logo | It is dated.")
	if p := g.proposal("prop_2"); p.Kind != ledger.ProposalDecision || p.Title != "Recall the old logo" {
		t.Fatalf("a title starting with Recall made %+v", p)
	}
	if !strings.Contains(r.Text, "not a captain's recall: for that, send `!propose recall:") {
		t.Fatalf("the answer does not say it is a decision: %s", r.Text)
	}
	g.ok("o1", govTeamRoom, "!propose Election: o2")
	if p := g.proposal("prop_3"); p.Kind != ledger.ProposalElection || p.Subject != "o2" {
		t.Fatalf("election: made %+v", p)
	}
}

// An election's reasons keep their line breaks and quotes as typed.
func TestElectionTextKeepsLinesAndQuotes(t *testing.T) {
	g := newElectionScene(t)
	typed := "election: o2 | She \"knows\" the rota.\n\n- steady hands"
	r := g.request(g.tb, toolbox.Request{Sender: "@o1:s.test", Room: govTeamRoom, Command: "propose",
		Args: strings.Fields(strings.ReplaceAll(typed, `"`, "")), Text: typed})
	if r.Refused || r.Err != nil {
		t.Fatalf("!propose: %+v", r)
	}
	p := g.proposal("prop_1")
	if p.Kind != ledger.ProposalElection || p.Subject != "o2" {
		t.Fatalf("election: made %+v", p)
	}
	f, err := g.store.ReadFile(t.Context(), p.WikiPath)
	if err != nil {
		t.Fatal(err)
	}
	if want := "She \"knows\" the rota.\n\n- steady hands\n"; !strings.HasSuffix(string(f.Content), want) {
		t.Fatalf("the page does not end with the text as typed, %q:\n%s", want, f.Content)
	}
}
