package toolbox_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// govTeam is the team whose room takes advisory proposals in these tests.
const govTeam = "3_7_operational_team"

var govTeamRoom = toolbox.Room{Kind: toolbox.RoomTeam, Team: govTeam}

// govScene is a community of ten active owners (o1…o10, all joined at the
// start) with 100 SK each, o1 and o2 holding a role in the operational
// team; fay is the founder.
type govScene struct {
	*scene
	tb *toolbox.Toolbox
}

var govStart = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func newGovScene(t *testing.T) *govScene {
	t.Helper()
	// The owners join a minute before the proposals start: who joins in
	// the very second a vote opens waits for the next one.
	g := &govScene{scene: newScene(t, govStart.Add(-time.Minute))}
	g.mutate("owners", func(tx *ledger.Tx) {
		tx.PutTeam(ledger.Team{ID: govTeam, Name: "Operational team", Status: ledger.StatusActive})
		tx.PutRole(ledger.Role{ID: "4_2_7_lead", Team: govTeam, Type: ledger.RoleSenior, Title: "Lead", Status: ledger.StatusActive, Recruitment: "closed"})
		tx.PutOwner(ledger.Owner{Alias: "fay", MatrixID: "@fay:s.test", License: ledger.LicenseOrganizational, Status: ledger.StatusActive, Joined: tx.Now()})
		for i := 1; i <= 10; i++ {
			alias := fmt.Sprintf("o%d", i)
			tx.PutOwner(ledger.Owner{Alias: alias, MatrixID: "@" + alias + ":s.test", License: ledger.LicenseWatch, Status: ledger.StatusActive, Joined: tx.Now()})
			tx.AppendSK(ledger.SKTx{Alias: alias, Category: "documentation", Amount: 100, By: "fay"})
			if i <= 2 {
				tx.PutAssignment(ledger.Assignment{ID: "ra_" + alias, Role: "4_2_7_lead", Alias: alias, Status: ledger.StatusActive, Since: tx.Now()})
			}
		}
	})
	g.tb = toolbox.New(g.l, toolbox.Config{Founder: "@fay:s.test"})
	g.clock = govStart
	return g
}

// run runs a command line as who in room, failing the test if the ledger
// itself failed.
func (g *govScene) run(who string, room toolbox.Room, line string) toolbox.Reply {
	g.t.Helper()
	r := g.command(g.tb, who, room, line)
	if r.Err != nil {
		g.t.Fatalf("%s: %v", line, r.Err)
	}
	return r
}

// ok runs a command line that must succeed.
func (g *govScene) ok(who string, room toolbox.Room, line string) toolbox.Reply {
	g.t.Helper()
	r := g.run(who, room, line)
	if r.Refused {
		g.t.Fatalf("%s as %s was refused: %s", line, who, r.Text)
	}
	return r
}

// refused runs a command line that must be refused, with words
// containing want, and write nothing.
func (g *govScene) refused(who string, room toolbox.Room, line, want string) {
	g.t.Helper()
	before := g.head()
	r := g.run(who, room, line)
	if !r.Refused || !strings.Contains(r.Text, want) {
		g.t.Fatalf("%s as %s: want a refusal saying %q, got %+v", line, who, want, r)
	}
	if g.head() != before {
		g.t.Fatalf("%s as %s was refused but moved the ledger", line, who)
	}
}

func (g *govScene) proposal(id string) ledger.Proposal {
	g.t.Helper()
	p, ok := g.l.Current().Read().Proposal(id)
	if !ok {
		g.t.Fatalf("no proposal %s", id)
	}
	return p
}

// jobs runs the scheduled jobs at the scene's clock and returns those of
// the proposal job.
func (g *govScene) jobs() []toolbox.JobResult {
	g.t.Helper()
	var out []toolbox.JobResult
	for _, r := range g.tb.RunJobs(g.t.Context()) {
		if r.Err != nil {
			g.t.Fatalf("job %s %s: %v", r.Job, r.Key, r.Err)
		}
		if r.Job == "proposal" {
			out = append(out, r)
		}
	}
	return out
}

// verified fails the test if the ledger's own check finds a problem.
func (g *govScene) verified() {
	g.t.Helper()
	if ps := g.l.Current().Verify(); len(ps) > 0 {
		g.t.Fatalf("verify: %v", ps)
	}
}

// Proposing takes 50 SK after decay: 55 SK decayed by 10 % (rounded up)
// is 49 and refused, 56 is 50 and accepted.
func TestProposeNeedsFiftySKAfterDecay(t *testing.T) {
	start := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	g := &govScene{scene: newScene(t, start)}
	g.mutate("owners", func(tx *ledger.Tx) {
		for alias, sk := range map[string]int{"ann": 55, "ben": 56} {
			tx.PutOwner(ledger.Owner{Alias: alias, MatrixID: "@" + alias + ":s.test", License: ledger.LicenseWatch, Status: ledger.StatusActive, Joined: tx.Now()})
			tx.AppendSK(ledger.SKTx{Alias: alias, Category: "documentation", Amount: sk, By: "fay"})
		}
	})
	g.tb = toolbox.New(g.l, toolbox.Config{Founder: "@fay:s.test"})
	g.clock = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // November's decay is due; October's grace covered September's SK
	g.jobs()
	tx := g.l.Current().Read()
	if a, b := tx.Balance("ann").SK, tx.Balance("ben").SK; a != 49 || b != 50 {
		t.Fatalf("after decay ann has %d SK and ben %d, want 49 and 50", a, b)
	}
	g.refused("ann", forumRoom, "!propose Meet on Fridays | We meet every Friday.", "takes 50 SK, and you have 49")
	r := g.ok("ben", forumRoom, "!propose Meet on Fridays | We meet every Friday.")
	if !strings.Contains(r.Text, "prop_1") {
		t.Fatalf("the answer does not name the proposal: %s", r.Text)
	}
	g.verified()
}

// A decision nobody objects to passes once its 48 hours and the
// finalizing delay are over, not a moment before, exactly once, and the
// forum hears it.
func TestLazyConsensusPassesAProposalOnce(t *testing.T) {
	g := newGovScene(t)
	g.ok("o1", forumRoom, "!propose Meet on Fridays | We meet every Friday.")
	p := g.proposal("prop_1")
	if p.State != ledger.ProposalOpen || p.Scope != ledger.ScopeBinding || p.Room != ledger.ProposalRoomForum || !p.WindowEnds.Equal(govStart.Add(48*time.Hour)) {
		t.Fatalf("a new decision reads %+v", p)
	}
	g.clock = p.WindowEnds.Add(10*time.Minute - time.Second)
	if rs := g.jobs(); len(rs) != 0 {
		t.Fatalf("the job closed a proposal before its time: %+v", rs)
	}
	g.clock = p.WindowEnds.Add(10 * time.Minute)
	rs := g.jobs()
	if len(rs) != 1 || rs[0].Key != "prop_1" || len(rs[0].Announce) != 1 || !rs[0].Announce[0].Forum || !strings.Contains(rs[0].Announce[0].Text, "passed") {
		t.Fatalf("closing: %+v", rs)
	}
	if p := g.proposal("prop_1"); p.State != ledger.ProposalPassed || p.Closed.IsZero() {
		t.Fatalf("after the window the proposal reads %+v", p)
	}
	if e, ok := g.l.Current().Applied("job:proposal:prop_1"); !ok || e.Actor != toolbox.JobActor {
		t.Fatalf("no audit row by the bot for the result: %+v", e)
	}
	if rs := g.jobs(); len(rs) != 0 {
		t.Fatalf("a second run closed it again: %+v", rs)
	}
	g.refused("o2", forumRoom, "!object prop_1 too late", "was decided already")
	g.verified()
}

// Two processes on the same ledger run the job, both seeing the proposal
// due: the second writes only once the first has read the ledger, and the
// first writes only once the second has written, so the first's write
// lands on a ledger that already holds the result. The result is written
// and announced once.
func TestTwoProcessesCloseAProposalOnce(t *testing.T) {
	g := newGovScene(t)
	g.ok("o1", forumRoom, "!propose Meet on Fridays | We meet every Friday.")
	g.clock = g.proposal("prop_1").WindowEnds.Add(time.Hour)
	before := g.l.Current().EventCount()
	read, second := make(chan struct{}), make(chan struct{})
	var readOnce, secondOnce sync.Once
	firstRead := func() { readOnce.Do(func() { close(read) }) }
	secondDone := func() { secondOnce.Do(func() { close(second) }) }
	open := func(st ledger.Store) *toolbox.Toolbox {
		l, err := ledger.Open(t.Context(), st, ledger.Options{Clock: func() time.Time { return g.clock }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(l.Close)
		return toolbox.New(l, toolbox.Config{Founder: "@fay:s.test"})
	}
	first := open(gatedStore{Store: g.store, read: firstRead, before: func() { <-second }})
	other := open(gatedStore{Store: g.store, before: func() { <-read }, after: secondDone})
	var results [2][]toolbox.JobResult
	var wg sync.WaitGroup
	wg.Go(func() { defer firstRead(); results[0] = first.RunJobs(t.Context()) })
	wg.Go(func() { defer secondDone(); results[1] = other.RunJobs(t.Context()) })
	wg.Wait()
	written, announced, writes := 0, 0, 0
	for i, rs := range results {
		due := false
		for _, r := range rs {
			if r.Err != nil {
				t.Fatalf("job %s %s: %v", r.Job, r.Key, r.Err)
			}
			if !r.Duplicate {
				writes++
			}
			if r.Job == "proposal" {
				due = true
				if !r.Duplicate {
					written++
				}
			}
			announced += len(r.Announce)
		}
		if !due {
			t.Fatalf("process %d did not see the proposal due, so the test proves nothing: %+v", i+1, rs)
		}
	}
	if written != 1 || announced != 1 {
		t.Fatalf("two processes wrote the result %d times and announced it %d times, want once each: %+v", written, announced, results)
	}
	// Every write is an audit row: as many rows as results not duplicate.
	snap, err := g.l.Snapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := snap.EventCount() - before; got != writes {
		t.Fatalf("%d audit rows were added for %d writes reported", got, writes)
	}
	if p := g.proposal("prop_1"); p.State != ledger.ProposalPassed {
		t.Fatalf("after both runs: %+v", p)
	}
	g.verified()
}

// gatedStore runs read after each look at the head, before ahead of each
// commit and after behind it: a test orders two processes with it.
type gatedStore struct {
	ledger.Store
	read, before, after func()
}

func (s gatedStore) Head(ctx context.Context) (string, error) {
	h, err := s.Store.Head(ctx)
	if s.read != nil {
		s.read()
	}
	return h, err
}

func (s gatedStore) Commit(ctx context.Context, c ledger.Commit) (ledger.CommitResult, error) {
	if s.before != nil {
		s.before()
	}
	r, err := s.Store.Commit(ctx, c)
	if s.after != nil {
		s.after()
	}
	return r, err
}

// An objection turns a decision into a vote whose weights are the SK as of
// the opening: karma earned during the vote does not count. The author
// cannot close it early — there is no command for it, and the job waits
// for the end even when everyone has voted.
func TestObjectionOpensAVoteWeightedAsOfTheOpening(t *testing.T) {
	g := newGovScene(t)
	g.ok("o1", forumRoom, "!propose Meet on Fridays | We meet every Friday.")
	g.clock = g.clock.Add(time.Hour)
	g.refused("o2", forumRoom, "!vote prop_1 no", "is not being voted on")
	r := g.ok("o2", toolbox.Room{Kind: toolbox.RoomDirect}, "!object prop_1 Fridays are busy")
	if len(r.Announce) != 1 || !r.Announce[0].Forum {
		t.Fatalf("an objection sent from a direct chat is not announced in the forum: %+v", r.Announce)
	}
	p := g.proposal("prop_1")
	if p.State != ledger.ProposalVoting || p.ObjectedBy != "o2" || !p.VoteOpened.Equal(g.clock) || p.Eligible != 11 {
		t.Fatalf("after the objection: %+v", p)
	}
	// o3 earns 400 SK after the opening: their vote still weighs 1.100.
	g.clock = g.clock.Add(time.Minute)
	g.mutate("karma during the vote", func(tx *ledger.Tx) {
		tx.AppendSK(ledger.SKTx{Alias: "o3", Category: "conflict_resolution", Amount: 400, By: "fay"})
	})
	r = g.ok("o3", forumRoom, "!vote prop_1 yes")
	if !strings.Contains(r.Text, "weighing 1.100") || !strings.Contains(r.Text, "Votes are public in the ledger") {
		t.Fatalf("the vote does not weigh 1.100, or the answer hides that votes are public: %s", r.Text)
	}
	g.refused("o1", forumRoom, "!close prop_1", "I don't know the command")
	for i := 1; i <= 10; i++ {
		choice := "yes"
		if i == 2 {
			choice = "no"
		}
		if i != 3 {
			g.ok(fmt.Sprintf("o%d", i), forumRoom, "!vote prop_1 "+choice)
		}
	}
	g.ok("fay", forumRoom, "!vote prop_1 abstain")
	// While it runs, only the count of votes shows, and one's own vote
	// only in a direct chat: asked in the forum, it would tell the room.
	q := g.ok("o4", forumRoom, "!proposal prop_1")
	if !strings.Contains(q.Text, "Votes cast: 11") || strings.Contains(q.Text, "Your vote:") || !strings.Contains(q.Text, "in a direct chat") ||
		!strings.Contains(q.Text, "public in the ledger") || strings.Contains(q.Text, "By weight") {
		t.Fatalf("during the vote !proposal in the forum shows:\n%s", q.Text)
	}
	if q := g.ok("o4", toolbox.Room{Kind: toolbox.RoomDirect}, "!proposal prop_1"); !strings.Contains(q.Text, "Your vote: yes") {
		t.Fatalf("during the vote !proposal in a direct chat shows:\n%s", q.Text)
	}
	g.clock = p.VoteEnds.Add(9 * time.Minute)
	if rs := g.jobs(); len(rs) != 0 {
		t.Fatalf("the vote was closed before its end, though everyone voted: %+v", rs)
	}
	g.clock = p.VoteEnds.Add(10 * time.Minute)
	g.jobs()
	p = g.proposal("prop_1")
	if p.State != ledger.ProposalPassed || p.Yes != 9 || p.No != 1 || p.Abstain != 1 || p.YesWeight != 9900 || p.NoWeight != 1100 || p.AbstainWeight != 1000 {
		t.Fatalf("the tally reads %+v", p)
	}
	q = g.ok("o4", forumRoom, "!proposal prop_1")
	if !strings.Contains(q.Text, "By weight: yes 9.900, no 1.100, abstain 1.000") || !strings.Contains(q.Text, "By head count: yes 9, no 1, abstain 1") {
		t.Fatalf("after the vote !proposal shows:\n%s", q.Text)
	}
	g.verified()
}

// Voting again replaces one's vote: the last counts, once. Here o1 and o2
// first vote yes, then o1 changes to no: a tie of 1.100 against 1.100,
// which fails.
func TestLastVoteCountsAndATieFails(t *testing.T) {
	g := newGovScene(t)
	g.ok("o1", forumRoom, "!propose Meet on Fridays | We meet every Friday.")
	g.ok("o5", forumRoom, "!object prop_1 no")
	g.ok("o1", forumRoom, "!vote prop_1 yes")
	g.ok("o2", forumRoom, "!vote prop_1 no")
	g.refused("o1", forumRoom, "!vote prop_1 yes", "is yes already")
	r := g.ok("o1", forumRoom, "!vote prop_1 no")
	if !strings.Contains(r.Text, "changed from yes to no") {
		t.Fatalf("changing a vote says: %s", r.Text)
	}
	g.ok("o1", forumRoom, "!vote prop_1 yes")
	g.ok("o3", forumRoom, "!vote prop_1 abstain") // three of eleven: quorum
	g.clock = g.proposal("prop_1").VoteEnds.Add(time.Hour)
	g.refused("o4", forumRoom, "!vote prop_1 yes", "ended")
	g.jobs()
	p := g.proposal("prop_1")
	if p.State != ledger.ProposalFailed || p.Yes != 1 || p.No != 1 || p.YesWeight != p.NoWeight || !strings.Contains(p.Result, "tie") {
		t.Fatalf("a tie reads %+v", p)
	}
	g.verified()
}

// Who may vote: the owners active and joined when the vote opened (one
// owner, one vote, whatever the license). An owner added during the vote
// and one deactivated are refused; a team's advisory proposal is for those
// holding a role in the team.
func TestWhoMayProposeAndVote(t *testing.T) {
	g := newGovScene(t)
	g.refused("o3", govTeamRoom, "!propose Tidy the shed | Saturday.", "advisory proposals are for those holding a role in the team")
	g.refused("o3", toolbox.Room{Kind: toolbox.RoomWorkplace}, "!propose Tidy the shed | Saturday.", "general forum")
	g.refused("o3", forumRoom, "!propose Tidy the shed", "needs a title and its text")
	g.ok("o1", govTeamRoom, "!propose Tidy the shed | Saturday.")
	g.ok("o2", govTeamRoom, "!object prop_1 Sunday is better")
	p := g.proposal("prop_1")
	if p.Scope != ledger.ScopeAdvisory || p.Team != govTeam || p.Eligible != 2 {
		t.Fatalf("a team's proposal reads %+v", p)
	}
	g.refused("o3", forumRoom, "!vote prop_1 yes", "advisory proposals are for those holding a role in the team")

	g.ok("o1", forumRoom, "!propose constitution: One owner one vote | Every owner votes once.")
	c := g.proposal("prop_2")
	if c.State != ledger.ProposalVoting || !c.WindowEnds.IsZero() || c.Eligible != 11 {
		t.Fatalf("a constitution change does not go to a vote at once: %+v", c)
	}
	g.clock = g.clock.Add(time.Minute)
	g.mutate("newcomer and a leaver", func(tx *ledger.Tx) {
		tx.PutOwner(ledger.Owner{Alias: "new", MatrixID: "@new:s.test", License: ledger.LicenseWork, Status: ledger.StatusActive, Joined: tx.Now()})
		o, _ := tx.Owner("o9")
		o.Status = ledger.StatusInactive
		tx.PutOwner(o)
	})
	g.refused("new", forumRoom, "!vote prop_2 yes", "joined after the vote opened")
	g.refused("o9", forumRoom, "!vote prop_2 yes", "not active")
	g.refused("o1", forumRoom, "!vote prop_2 maybe", "Vote `yes`, `no` or `abstain`")
	g.refused("o1", forumRoom, "!vote 6_1_2_3 yes", "is not a proposal ID")
	g.refused("o1", forumRoom, "!object prop_2 no", "already being voted on")
	g.refused("o1", forumRoom, "!object prop_9 no", "There is no proposal `prop_9`")
}

// A constitution change needs two thirds of the weight of yes and no: 2.200
// for and 1.100 against is exactly two thirds and passes; the same with
// one more no fails.
func TestConstitutionNeedsTwoThirds(t *testing.T) {
	g := newGovScene(t)
	g.ok("o1", forumRoom, "!propose constitution: Rule A | Text A.")
	g.ok("o1", forumRoom, "!propose constitution: Rule B | Text B.")
	for _, v := range []string{"o1 prop_1 yes", "o2 prop_1 yes", "o3 prop_1 no", "o1 prop_2 yes", "o2 prop_2 yes", "o3 prop_2 no", "o4 prop_2 no"} {
		f := strings.Fields(v)
		g.ok(f[0], forumRoom, "!vote "+f[1]+" "+f[2])
	}
	g.clock = g.proposal("prop_1").VoteEnds.Add(time.Hour)
	g.jobs()
	if p := g.proposal("prop_1"); p.State != ledger.ProposalPassed {
		t.Fatalf("exactly two thirds: %+v", p)
	}
	if p := g.proposal("prop_2"); p.State != ledger.ProposalFailed || !strings.Contains(p.Result, "less than two thirds") {
		t.Fatalf("half: %+v", p)
	}
	l := g.ok("o5", forumRoom, "!proposals passed")
	if !strings.Contains(l.Text, "prop_1") || strings.Contains(l.Text, "prop_2") {
		t.Fatalf("!proposals passed lists:\n%s", l.Text)
	}
	g.verified()
}

// Fewer voters than 20 % of the electorate fail the vote, whatever they say.
func TestQuorumFailsAVoteFewHaveJoined(t *testing.T) {
	g := newGovScene(t)
	g.ok("o1", forumRoom, "!propose Meet on Fridays | We meet every Friday.")
	g.ok("o2", forumRoom, "!object prop_1 no")
	g.ok("o1", forumRoom, "!vote prop_1 yes")
	g.ok("o3", forumRoom, "!vote prop_1 yes") // 2 of 11: 20 % is 2.2, so 3 are needed
	g.clock = g.proposal("prop_1").VoteEnds.Add(time.Hour)
	g.jobs()
	if p := g.proposal("prop_1"); p.State != ledger.ProposalFailed || !strings.Contains(p.Result, "no quorum") || !strings.Contains(p.Result, "3 were needed") {
		t.Fatalf("two of eleven: %+v", p)
	}
}

// A proposal's title and an objection show as text wherever they appear:
// the answer to !propose and !object, the lists, the announcement of an
// objection sent elsewhere, and the result.
func TestProposalTextIsShownAsText(t *testing.T) {
	for _, h := range markup {
		t.Run(h, func(t *testing.T) {
			g := newGovScene(t)
			title := strings.Join(strings.Fields(strings.ReplaceAll(h, "|", "/")), " ")
			shown := func(what string, r toolbox.Reply, text string) {
				t.Helper()
				checkRendered(t, what, r.Text, text)
				for _, a := range r.Announce {
					checkRendered(t, what+" (announcement)", a.Text, text)
				}
			}
			shown("!propose", g.ok("o1", forumRoom, "!propose "+title+" | the text "+h), title)
			shown("!proposals", g.ok("o2", forumRoom, "!proposals"), title)
			r := g.ok("o2", toolbox.Room{Kind: toolbox.RoomDirect}, "!object prop_1 "+h)
			if len(r.Announce) != 1 {
				t.Fatalf("no announcement of the objection: %+v", r)
			}
			shown("!object", r, title)
			checkRendered(t, "the objection's announcement", r.Announce[0].Text, title)
			shown("!proposal", g.ok("o3", forumRoom, "!proposal prop_1"), strings.Join(strings.Fields(h), " "))
			g.clock = g.proposal("prop_1").VoteEnds.Add(time.Hour)
			js := g.jobs()
			if len(js) != 1 || len(js[0].Announce) != 1 {
				t.Fatalf("the result is not announced once: %+v", js)
			}
			checkRendered(t, "the result", js[0].Announce[0].Text, title)
			g.verified()
		})
	}
}

// Karma written in the same second as a vote's opening, after it, does not
// change a weight: the opening is a position in the SK journal, not a
// second. o3 votes, earns 400 SK and votes again, all in the second the
// objection opened the vote; both votes weigh 1.100 and verify agrees.
func TestKarmaInTheOpeningSecondDoesNotCount(t *testing.T) {
	g := newGovScene(t)
	g.ok("o1", forumRoom, "!propose Meet on Fridays | We meet every Friday.")
	g.clock = g.clock.Add(time.Hour)
	g.ok("o2", forumRoom, "!object prop_1 Fridays are busy")
	if r := g.ok("o3", forumRoom, "!vote prop_1 yes"); !strings.Contains(r.Text, "weighing 1.100") {
		t.Fatalf("the first vote does not weigh 1.100: %s", r.Text)
	}
	g.mutate("karma in the opening second", func(tx *ledger.Tx) {
		tx.AppendSK(ledger.SKTx{Alias: "o3", Category: "conflict_resolution", Amount: 400, By: "fay"})
	})
	if r := g.ok("o3", forumRoom, "!vote prop_1 no"); !strings.Contains(r.Text, "weighing 1.100") {
		t.Fatalf("karma earned after the opening, in its second, changed the weight: %s", r.Text)
	}
	g.verified()
}

// The electorate is those who joined before the second a vote opened: an
// owner added in that very second, after the opening, cannot vote, as
// the eligible count taken at the opening left them out.
func TestOwnerJoinedInTheOpeningSecondCannotVote(t *testing.T) {
	g := newGovScene(t)
	g.ok("o1", forumRoom, "!propose constitution: One owner one vote | Every owner votes once.")
	g.mutate("a newcomer in the opening second", func(tx *ledger.Tx) {
		tx.PutOwner(ledger.Owner{Alias: "new", MatrixID: "@new:s.test", License: ledger.LicenseWork, Status: ledger.StatusActive, Joined: tx.Now()})
	})
	if p := g.proposal("prop_1"); p.Eligible != 11 {
		t.Fatalf("the electorate at the opening is %d, want 11", p.Eligible)
	}
	g.refused("new", forumRoom, "!vote prop_1 yes", "joined after the vote opened")
	g.verified()
}

// A vote sent a second before the end but handled after it (it waited in
// the queue) counts, and verify judges it by when it was sent: the ledger
// stays sound before and after the vote is closed.
func TestAVoteQueuedAtTheEndCounts(t *testing.T) {
	g := newGovScene(t)
	g.ok("o1", forumRoom, "!propose constitution: One owner one vote | Every owner votes once.")
	end := g.proposal("prop_1").VoteEnds
	g.clock = end.Add(5 * time.Second)
	r := g.request(g.tb, toolbox.Request{Sender: "@o3:s.test", Room: forumRoom, Command: "vote", Args: []string{"prop_1", "yes"}, Sent: end.Add(-time.Second)})
	if r.Refused || r.Err != nil {
		t.Fatalf("a vote sent before the end was not taken: %+v", r)
	}
	g.verified()
	g.clock = end.Add(time.Hour)
	if rs := g.jobs(); len(rs) != 1 {
		t.Fatalf("the vote was not closed: %+v", rs)
	}
	if p := g.proposal("prop_1"); p.Yes != 1 {
		t.Fatalf("the queued vote was not counted: %+v", p)
	}
	g.verified()
}

// A proposal's text keeps its line breaks and double quotes as typed: the
// bot passes the message's text along with its split words.
func TestProposalTextKeepsLinesAndQuotes(t *testing.T) {
	g := newGovScene(t)
	typed := "Meet on Fridays | We meet every \"Friday\".\n\nSay \"no\" if you can't.\n- bring food"
	r := g.request(g.tb, toolbox.Request{Sender: "@o1:s.test", Room: forumRoom, Command: "propose",
		Args: strings.Fields(strings.ReplaceAll(typed, `"`, "")), Text: typed})
	if r.Refused || r.Err != nil {
		t.Fatalf("!propose: %+v", r)
	}
	f, err := g.store.ReadFile(t.Context(), g.proposal("prop_1").WikiPath)
	if err != nil {
		t.Fatal(err)
	}
	if want := "We meet every \"Friday\".\n\nSay \"no\" if you can't.\n- bring food\n"; !strings.HasSuffix(string(f.Content), want) {
		t.Fatalf("the page does not end with the text as typed, %q:\n%s", want, f.Content)
	}
	g.verified()
}

// A constitution change is asked for with `constitution:`; a title that
// merely starts with the word stays a decision's, and the answer says
// which kind was made and how to make the other.
func TestConstitutionNeedsItsMark(t *testing.T) {
	g := newGovScene(t)
	r := g.ok("o1", forumRoom, "!propose Constitution day is a holiday | We rest on the founding day.")
	p := g.proposal("prop_1")
	if p.Kind != ledger.ProposalDecision || p.Title != "Constitution day is a holiday" || p.State != ledger.ProposalOpen {
		t.Fatalf("a title starting with Constitution made %+v", p)
	}
	if !strings.Contains(r.Text, "binding decision: Constitution day is a holiday") || !strings.Contains(r.Text, "start with `constitution:`") {
		t.Fatalf("the answer does not say it is a decision: %s", r.Text)
	}
	r = g.ok("o1", forumRoom, "!propose Constitution: One owner one vote | Every owner votes once.")
	if c := g.proposal("prop_2"); c.Kind != ledger.ProposalConstitution || c.Title != "One owner one vote" || c.State != ledger.ProposalVoting {
		t.Fatalf("constitution: made %+v", c)
	}
	if !strings.Contains(r.Text, "binding constitution change: One owner one vote") {
		t.Fatalf("the answer does not say it is a constitution change: %s", r.Text)
	}
}

// A newcomer who proposes in the very second they joined is told to send
// it again, not that a vote they never saw has opened; a second later the
// usual rules answer (here: too little SK).
func TestANewcomerProposingAtOnceIsToldToWait(t *testing.T) {
	g := newGovScene(t)
	g.mutate("a newcomer this second", func(tx *ledger.Tx) {
		tx.PutOwner(ledger.Owner{Alias: "new", MatrixID: "@new:s.test", License: ledger.LicenseWork, Status: ledger.StatusActive, Joined: tx.Now()})
	})
	g.refused("new", forumRoom, "!propose Meet on Fridays | We meet every Friday.", "send it again in a moment")
	g.clock = g.clock.Add(time.Second)
	g.refused("new", forumRoom, "!propose Meet on Fridays | We meet every Friday.", "Making a proposal takes 50 SK")
}

// !proposals lists the newest first by number, whatever order the rows are
// stored in: prop_11 and prop_10 come before prop_9, prop_1 last.
func TestProposalsNewestFirstByNumber(t *testing.T) {
	g := newGovScene(t)
	g.mutate("eleven proposals, stored out of order", func(tx *ledger.Tx) {
		for _, n := range []int{2, 11, 1, 10, 3, 9, 4, 8, 5, 7, 6} {
			id := fmt.Sprintf("prop_%d", n)
			tx.PutProposal(ledger.Proposal{ID: id, Kind: ledger.ProposalDecision, Scope: ledger.ScopeBinding, Room: ledger.ProposalRoomForum,
				Title: "Decision " + strconv.Itoa(n), Author: "o1", State: ledger.ProposalOpen, Created: tx.Now(), WindowEnds: tx.Now().Add(48 * time.Hour)})
		}
	})
	l := g.ok("o1", forumRoom, "!proposals").Text
	last := -1
	for n := 11; n >= 1; n-- {
		at := strings.Index(l, fmt.Sprintf("`prop_%d`", n))
		if at < 0 || at < last {
			t.Fatalf("prop_%d is missing or out of order (newest first by number):\n%s", n, l)
		}
		last = at
	}
}
