package e2e

// The bot under faults, on a real Dendrite and a real Gitea: commands
// sent while it was away, its session ended by the homeserver, stopped
// and killed in the middle of a burst. Every command is answered exactly
// once and applied exactly once.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/chat"
	"smartup0.org/engelbot/demo"
)

// sent is a command a test sent and the client that sent it.
type sent struct {
	by   *chat.Client
	name string
	text string
	evt  id.EventID
}

// awaitAnswers waits until every command has an answer, then has each
// sender send one more and waits for its answer too: any second answer to
// an earlier command would have come by then, since the bot answers a
// sender's commands in order.
func (e *env) awaitAnswers(cmds []sent) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.t.Context(), 3*time.Minute)
	defer cancel()
	for _, c := range cmds {
		if _, err := c.by.Await(ctx, c.evt); err != nil {
			e.t.Fatalf("%s's %q: %v", c.name, c.text, err)
		}
	}
	asked := map[*chat.Client]bool{}
	for _, c := range cmds {
		if !asked[c.by] {
			asked[c.by] = true
			e.askIn(c.by, idOf(e.room(demo.RoomTeam)), "!wallet")
		}
	}
}

// answerOrder is the order in which who's notices in room first answered
// the commands sent.
func answerOrder(who *chat.Client, room id.RoomID, sent []id.EventID) []id.EventID {
	var got []id.EventID
	for _, n := range who.Notices(room) {
		if slices.Contains(sent, n.ReplyTo) && !slices.Contains(got, n.ReplyTo) {
			got = append(got, n.ReplyTo)
		}
	}
	return got
}

// answeredOnce fails the test for every command with other than one answer.
func (e *env) answeredOnce(cmds []sent) {
	e.t.Helper()
	for _, c := range cmds {
		if got := c.by.Replies(c.evt); len(got) != 1 {
			bodies := make([]string, len(got))
			for i, r := range got {
				bodies[i] = r.Body
			}
			e.t.Errorf("%s's %q has %d answers, want 1: %q", c.name, c.text, len(got), bodies)
		}
	}
}

// More commands arrive while the bot is away than one sync returns: the
// bot fetches the ones the sync left out and answers every one, once, and
// each sender's in the order sent.
func TestCommandsBeyondOneSyncAreAnswered(t *testing.T) {
	e := newEnvWith(t, envOptions{timelineLimit: 3})
	carol, dave := e.login("carol"), e.login("dave")
	e.ask(carol, demo.RoomTeam, "!my_tasks") // the bot has synced this room

	e.stopBot()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	room := idOf(e.room(demo.RoomTeam))
	var cmds []sent
	for i, text := range []string{
		"!wallet", "!my_tasks", "!task 6_1_7_1", "!start_work 6_1_7_1", "!tasks",
		"!whois dave", "!stop_work \"checklist drafted\"", "!wallet", "!team", "!my_tasks",
	} {
		who, name := carol, "carol"
		if i%3 == 2 {
			who, name = dave, "dave"
		}
		evt, err := who.Send(ctx, room, text)
		if err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, sent{by: who, name: name, text: text, evt: evt})
	}
	e.startBot()
	e.awaitAnswers(cmds)
	e.answeredOnce(cmds)
	// carol's answers came in the order she sent her commands.
	var want []id.EventID
	for _, c := range cmds {
		if c.name == "carol" {
			want = append(want, c.evt)
		}
	}
	if got := answerOrder(carol, room, want); !slices.Equal(got, want) {
		t.Errorf("carol's commands were answered in the order %v, want %v", got, want)
	}
	for _, c := range cmds {
		if strings.HasPrefix(c.text, "!start_work") || strings.HasPrefix(c.text, "!stop_work") {
			if rows := e.auditRows(string(c.evt)); len(rows) != 1 {
				t.Errorf("%q has %d audit rows, want 1", c.text, len(rows))
			}
		}
	}
}

// When the homeserver ends the bot's session (an admin signs out all its
// sessions), the bot logs in again with its password, on the same device,
// and the next command is answered.
func TestBotLogsInAgainWhenItsSessionEnds(t *testing.T) {
	e := newEnv(t, 0)
	carol := e.login("carol")
	e.ask(carol, demo.RoomTeam, "!wallet")

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	admin := e.botSession(ctx)
	if _, err := admin.LogoutAll(ctx); err != nil {
		t.Fatal(err)
	}
	_, r := e.ask(carol, demo.RoomTeam, "!my_tasks")
	if !strings.Contains(r.Body, "6_1_7_1") {
		t.Errorf("after the session ended, !my_tasks was answered %q", r.Body)
	}
	devices, err := e.botSession(ctx).GetDevicesInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range devices.Devices {
		ids = append(ids, string(d.DeviceID))
	}
	if !slices.Contains(ids, e.cfg.Bot.DeviceID) {
		t.Errorf("the bot's devices are %v; it did not log in again on its device %s", ids, e.cfg.Bot.DeviceID)
	}
}

// botSession logs in as the bot's account on a device of its own, as an
// admin holding the account's password would.
func (e *env) botSession(ctx context.Context) *mautrix.Client {
	e.t.Helper()
	mx, err := mautrix.NewClient(e.world.Homeserver, id.UserID(e.world.Bot.UserID), "")
	if err != nil {
		e.t.Fatal(err)
	}
	localpart, _, _ := strings.Cut(strings.TrimPrefix(e.world.Bot.UserID, "@"), ":")
	if _, err := mx.Login(ctx, &mautrix.ReqLogin{
		Type: mautrix.AuthTypePassword, Identifier: mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: localpart},
		Password: e.world.Bot.Password, StoreCredentials: true,
	}); err != nil {
		e.t.Fatal(err)
	}
	return mx
}

// burst has every worker send one command at once and returns when all
// are sent; text makes worker i's command.
func (e *env) burst(workers []*chat.Client, text func(i int) string) []sent {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.t.Context(), time.Minute)
	defer cancel()
	cmds := make([]sent, len(workers))
	var wg sync.WaitGroup
	for i, c := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			evt, err := c.Send(ctx, idOf(e.room(demo.RoomTeam)), text(i))
			if err != nil {
				e.t.Error(err)
			}
			cmds[i] = sent{by: c, name: demoWorker(i + 1), text: text(i), evt: evt}
		}()
	}
	wg.Wait()
	if e.t.Failed() {
		e.t.FailNow()
	}
	return cmds
}

// awaitAnswered returns once n of the commands have an answer.
func (e *env) awaitAnswered(cmds []sent, n int) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.t.Context(), 2*time.Minute)
	defer cancel()
	got := make(chan struct{}, len(cmds))
	for _, c := range cmds {
		go func() {
			if _, err := c.by.Await(ctx, c.evt); err == nil {
				got <- struct{}{}
			}
		}()
	}
	for range n {
		select {
		case <-got:
		case <-ctx.Done():
			e.t.Fatalf("fewer than %d commands of the burst were answered", n)
		}
	}
}

// answeredBefore counts the commands answered so far.
func answeredBefore(cmds []sent) int {
	n := 0
	for _, c := range cmds {
		if len(c.by.Replies(c.evt)) > 0 {
			n++
		}
	}
	return n
}

func workers(e *env, n int) []*chat.Client {
	out := make([]*chat.Client, n)
	for i := range out {
		out[i] = e.login(demoWorker(i + 1))
	}
	return out
}

const burstSize = 20

// Stopped with SIGTERM in the middle of a burst of writes, the bot lets
// what is running finish, leaves the rest recorded, and exits with 0; the
// next start answers the rest. Every command is applied and answered
// exactly once.
func TestStopMidBurstLosesNothing(t *testing.T) {
	e := newEnvWith(t, envOptions{extraWorkers: burstSize, process: true})
	ws := workers(e, burstSize)
	cmds := e.burst(ws, func(i int) string { return "!start_work " + e.taskOf(i+1) })
	e.awaitAnswered(cmds, 1)
	if code := e.signal(syscall.SIGTERM); code != 0 {
		t.Errorf("engelbot exited with %d after SIGTERM, want 0", code)
	}
	before := answeredBefore(cmds)
	e.startProcess()
	e.awaitAnswers(cmds)
	t.Logf("%d of %d commands were answered before the stop, the rest after the restart", before, len(cmds))
	e.answeredOnce(cmds)
	e.appliedOnce(cmds, "Work session started")
}

// Killed with SIGKILL in the middle of bursts, the bot applies and answers
// every command exactly once after its restart — none gets a second answer.
func TestKillMidBurstAnswersOnce(t *testing.T) {
	e := newEnvWith(t, envOptions{extraWorkers: burstSize, process: true})
	ws := workers(e, burstSize)
	// Each round kills the bot at another point of the burst: after the
	// first answer, a quarter, half of them.
	rounds := []struct {
		text     func(i int) string
		reply    string
		write    bool
		killWhen int
	}{
		{func(i int) string { return "!start_work " + e.taskOf(i+1) }, "Work session started", true, 1},
		{func(i int) string { return fmt.Sprintf("!stop_work \"round two, worker %d\"", i+1) }, "closed", true, burstSize / 4},
		{func(i int) string { return "!my_tasks" }, "6_2_7_", false, burstSize / 2},
	}
	var all []sent
	for r, round := range rounds {
		cmds := e.burst(ws, round.text)
		e.awaitAnswered(cmds, round.killWhen)
		e.signal(syscall.SIGKILL)
		before := answeredBefore(cmds)
		e.startProcess()
		e.awaitAnswers(cmds)
		t.Logf("round %d: %d of %d commands were answered before the kill", r+1, before, len(cmds))
		e.answeredOnce(cmds)
		if round.write {
			e.appliedOnce(cmds, round.reply)
		}
		all = append(all, cmds...)
	}
	e.answeredOnce(all)
}

// appliedOnce checks every write has one audit row and an answer saying
// it was done.
func (e *env) appliedOnce(cmds []sent, reply string) {
	e.t.Helper()
	for _, c := range cmds {
		if rows := e.auditRows(string(c.evt)); len(rows) != 1 {
			e.t.Errorf("%s's %q has %d audit rows, want 1", c.name, c.text, len(rows))
		}
		if got := c.by.Replies(c.evt); len(got) > 0 && !strings.Contains(got[0].Body, reply) {
			e.t.Errorf("%s's %q was answered %q", c.name, c.text, got[0].Body)
		}
	}
}
