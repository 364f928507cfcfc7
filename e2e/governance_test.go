package e2e

// Governance on the real servers: a proposal made in the general forum,
// objected to, voted on by owners whose votes weigh what their SK gave them,
// thirty of them at the same moment, and decided and announced by the
// scheduled job once the week is over.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"smartup0.org/engelbot/chat"
	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/demo"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/servers"
)

// voters is how many owners vote at the same moment.
const voters = 30

// burstIn has every worker send one command to roomKey at once and
// returns when all are sent.
func (e *env) burstIn(roomKey string, workers []*chat.Client, text func(i int) string) []sent {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.t.Context(), time.Minute)
	defer cancel()
	cmds := make([]sent, len(workers))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start // all at once, as far as the homeserver lets them
			evt, err := c.Send(ctx, idOf(e.room(roomKey)), text(i))
			if err != nil {
				e.t.Error(err)
			}
			cmds[i] = sent{by: c, name: demoWorker(i + 1), text: text(i), evt: evt}
		}()
	}
	close(start)
	wg.Wait()
	if e.t.Failed() {
		e.t.FailNow()
	}
	return cmds
}

func TestProposalObjectedVotedAndAnnounced(t *testing.T) {
	// The bot's clock: now, until the test moves it past the vote's end.
	var later atomic.Int64
	e := newEnvWith(t, envOptions{
		extraWorkers: voters,
		clock:        func() time.Time { return time.Now().Add(time.Duration(later.Load())) },
		configure:    func(_ *servers.Gitea, cfg *config.Config) { cfg.Jobs.Interval = time.Second },
	})
	forum, team := idOf(e.room(demo.RoomForum)), idOf(e.room(demo.RoomTeam))
	bob, carol, dave := e.login("bob"), e.login("carol"), e.login("dave")

	// carol earns the 50 SK a proposal takes, dave 15 SK: his vote will
	// weigh 1.015.
	e.write(bob, team, "!award_sk carol conflict_resolution mediated the roster dispute")
	if _, r := e.askIn(carol, forum, "!propose Meet on Fridays | The community meets every Friday at noon."); !strings.Contains(r.Body, "takes 50 SK, and you have 25") {
		t.Fatalf("a proposal with 25 SK answered %q", r.Body)
	}
	e.write(bob, team, "!award_sk carol conflict_resolution settled the rota")
	e.write(bob, team, "!award_sk dave documentation wrote the onboarding guide")
	_, r := e.write(carol, forum, "!propose Meet on Fridays | The community meets every Friday at noon.")
	if !strings.Contains(r.Body, "prop_1") || !strings.Contains(r.Body, "unless someone objects") {
		t.Fatalf("!propose answered %q", r.Body)
	}
	if _, r := e.write(dave, forum, "!object prop_1 Fridays are short days"); !strings.Contains(r.Body, "goes to a vote") {
		t.Fatalf("!object answered %q", r.Body)
	}

	// Thirty owners vote at the same moment: each is counted once.
	cmds := e.burstIn(demo.RoomForum, workers(e, voters), func(int) string { return "!vote prop_1 yes" })
	e.awaitAnswers(cmds)
	e.answeredOnce(cmds)
	e.appliedOnce(cmds, "Your vote on")
	e.write(dave, forum, "!vote prop_1 no")
	votes := journalRows[ledger.Vote](e, ledger.VotesDir)
	byAlias := map[string]ledger.Vote{}
	for _, v := range votes {
		if _, twice := byAlias[v.Alias]; twice {
			t.Errorf("%s has two vote rows", v.Alias)
		}
		byAlias[v.Alias] = v
	}
	if len(votes) != voters+1 {
		t.Errorf("%d vote rows, want %d", len(votes), voters+1)
	}
	for i := 1; i <= voters; i++ {
		if v := byAlias[demoWorker(i)]; v.Choice != ledger.VoteYes || v.Weight != 1000 {
			t.Errorf("%s's vote reads %+v, want yes weighing 1.000", demoWorker(i), v)
		}
	}
	if v := byAlias["dave"]; v.Choice != ledger.VoteNo || v.SK != 15 || v.Weight != 1015 {
		t.Errorf("dave's vote reads %+v, want no with 15 SK weighing 1.015", v)
	}

	// While the vote runs, the rooms see only how many have voted.
	if _, r := e.askIn(carol, forum, "!proposal prop_1"); !strings.Contains(r.Body, fmt.Sprintf("Votes cast: %d", voters+1)) || strings.Contains(r.Body, "By weight") {
		t.Errorf("!proposal during the vote answered %q", r.Body)
	}

	// The week passes: the scheduled job decides it and the forum hears.
	later.Store(int64(7*24*time.Hour + time.Hour))
	a := e.awaitAnnouncement(carol, forum, "(binding decision: Meet on Fridays) passed", "")
	if !strings.Contains(a.Body, "yes 30.000 (30), no 1.015 (1)") {
		t.Errorf("the result's announcement: %q", a.Body)
	}
	var p ledger.Proposal
	for _, row := range rows[ledger.Proposal](e, ledger.ProposalsIndex) {
		if row.ID == "prop_1" {
			p = row
		}
	}
	if p.State != ledger.ProposalPassed || p.Yes != voters || p.No != 1 || p.YesWeight != 30000 || p.NoWeight != 1015 {
		t.Errorf("the proposal's row after the vote: %+v", p)
	}
	if got := e.auditRows("job:proposal:prop_1"); len(got) != 1 || got[0].Actor != "engelbot" {
		t.Errorf("the result's audit rows: %+v", got)
	}
	if _, r := e.askIn(carol, forum, "!proposal prop_1"); !strings.Contains(r.Body, "By head count: yes 30, no 1, abstain 0") {
		t.Errorf("!proposal after the vote answered %q", r.Body)
	}
	// The books the votes wrote hold up to `engelbot verify`.
	e.verifyClean()
}
