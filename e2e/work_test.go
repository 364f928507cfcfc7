package e2e

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/chat"
	"smartup0.org/engelbot/demo"
	"smartup0.org/engelbot/ledger"
)

// A worker starts and stops work; each command is exactly one commit on the
// forge carrying the page, the index and the audit row with the event ID.
func TestStartAndStopWork(t *testing.T) {
	e := newEnv(t, 0)
	carol := e.login("carol")

	base := e.head()
	startEvt, reply := e.ask(carol, demo.RoomTeam, "!start_work 6_1_7_1")
	if !strings.Contains(reply.Body, "Work session started on `6_1_7_1`") {
		t.Fatalf("start_work answered %q", reply.Body)
	}
	if reply.MsgType != event.MsgNotice {
		t.Errorf("the answer is a %s, want a notice", reply.MsgType)
	}
	commits := e.commitsSince(base)
	if len(commits) != 1 {
		t.Fatalf("start_work made %d commits, want 1", len(commits))
	}
	files := e.files(commits[0].SHA)
	page := "pages/sessions/6_1_7_1_ws1.md"
	for _, want := range []string{page, ledger.ShardPath(ledger.SessionsIndex, 1), ledger.ShardPath(ledger.TasksIndex, 1)} {
		if !slices.Contains(files, want) {
			t.Errorf("the start_work commit does not touch %s (it touched %v)", want, files)
		}
	}
	if !hasPrefix(files, ledger.EventsDir+"/") {
		t.Errorf("the start_work commit has no master-events row (it touched %v)", files)
	}
	rows := e.auditRows(startEvt)
	if len(rows) != 1 || rows[0].Actor != "carol" || rows[0].Action != "work_session.start" {
		t.Fatalf("audit rows for %s: %+v", startEvt, rows)
	}
	if !strings.Contains(e.readIndex(ledger.SessionsIndex), "6_1_7_1_ws1,6_1_7_1,carol,attacker,open") {
		t.Errorf("work-sessions.csv has no open session for carol:\n%s", e.readIndex(ledger.SessionsIndex))
	}
	if !strings.Contains(e.read(page), "parent: \"6_1_7_1\"") {
		t.Errorf("the session page lacks its frontmatter:\n%s", e.read(page))
	}

	base = e.head()
	stopEvt, reply := e.ask(carol, demo.RoomTeam, `!stop_work "checklist drafted, needs review"`)
	if !strings.Contains(reply.Body, "closed") {
		t.Fatalf("stop_work answered %q", reply.Body)
	}
	commits = e.commitsSince(base)
	if len(commits) != 1 {
		t.Fatalf("stop_work made %d commits, want 1", len(commits))
	}
	files = e.files(commits[0].SHA)
	for _, want := range []string{page, ledger.ShardPath(ledger.SessionsIndex, 1), ledger.ShardPath(ledger.TasksIndex, 1)} {
		if !slices.Contains(files, want) {
			t.Errorf("the stop_work commit does not touch %s (it touched %v)", want, files)
		}
	}
	if rows := e.auditRows(stopEvt); len(rows) != 1 || rows[0].Action != "work_session.stop" {
		t.Fatalf("audit rows for %s: %+v", stopEvt, rows)
	}
	if !strings.Contains(e.read(page), "checklist drafted, needs review") {
		t.Errorf("the session page lacks the summary:\n%s", e.read(page))
	}
	if !strings.Contains(e.readIndex(ledger.TasksIndex), "6_1_7_1,3_7_operational_team,5_1_7,Write the onboarding checklist,M,50,review,") {
		t.Errorf("the task did not go to review:\n%s", e.readIndex(ledger.TasksIndex))
	}

	// A command sent in a thread is answered in that thread.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	root, err := carol.Send(ctx, idOf(e.room(demo.RoomTeam)), "a thread about my tasks")
	if err != nil {
		t.Fatal(err)
	}
	inThread, err := carol.SendInThread(ctx, idOf(e.room(demo.RoomTeam)), root, "!my_tasks")
	if err != nil {
		t.Fatal(err)
	}
	r, err := carol.Await(ctx, inThread)
	if err != nil {
		t.Fatal(err)
	}
	if r.Thread != root {
		t.Errorf("the answer is in thread %q, want %q", r.Thread, root)
	}
	if !strings.Contains(r.Body, "waiting for review") {
		t.Errorf("my_tasks does not show the task in review: %q", r.Body)
	}
}

// Refusals answer why and write nothing.
func TestRefusalsWriteNothing(t *testing.T) {
	e := newEnv(t, 0)
	base := e.head()
	for _, tc := range []struct{ who, cmd, want string }{
		{"mallory", "!start_work 6_1_7_1", "not in the Book of Owners"},
		{"erin", "!start_work 6_1_7_1", "license (watch) does not include work"},
		{"dave", "!start_work 6_1_7_3", "not assigned to `6_1_7_3`"},
		{"dave", "!start_work 6_9_9_9", "no task `6_9_9_9`"},
		{"dave", "!start_work ../../etc/passwd", "not a task ID"},
		{"dave", "!stop_work", "no work session open"},
		{"dave", "!start_work", "Usage: `!start_work <task_id>`"},
		{"dave", `!stop_work "unclosed`, "quote"},
	} {
		c := e.login(tc.who)
		_, reply := e.ask(c, demo.RoomTeam, tc.cmd)
		if !strings.Contains(reply.Body, tc.want) {
			t.Errorf("%s %q answered %q, want it to say %q", tc.who, tc.cmd, reply.Body, tc.want)
		}
	}
	// Opening a second session is refused after the first one landed.
	dave := e.login("dave")
	if _, r := e.ask(dave, demo.RoomTeam, "!start_work 6_1_7_2"); !strings.Contains(r.Body, "started") {
		t.Fatalf("dave could not start work: %q", r.Body)
	}
	afterStart := e.head()
	if _, r := e.ask(dave, demo.RoomTeam, "!start_work 6_1_7_1"); !strings.Contains(r.Body, "already have a work session open") {
		t.Errorf("a second open session was not refused: %q", r.Body)
	}
	if got := len(e.commitsSince(base)); got != 1 {
		t.Errorf("%d commits after the refusals and one start_work, want 1", got)
	}
	if e.head() != afterStart {
		t.Errorf("the refused second session wrote to the ledger")
	}
}

// Ten workers starting work at the same moment each get their answer and
// their session; none is lost or doubled.
func TestTenWorkersAtOnce(t *testing.T) {
	const n = 10
	e := newEnv(t, n)
	clients := make([]string, n)
	logged := make([]*chat.Client, n)
	for i := range clients {
		clients[i] = demoWorker(i + 1)
		logged[i] = e.login(clients[i])
	}
	base := e.head()

	var wg sync.WaitGroup
	start := make(chan struct{})
	events := make([]string, n)
	replies := make([]string, n)
	for i, c := range logged {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
			defer cancel()
			<-start
			evt, err := c.Send(ctx, idOf(e.room(demo.RoomTeam)), "!start_work "+e.taskOf(i+1))
			if err != nil {
				t.Error(err)
				return
			}
			events[i] = string(evt)
			r, err := c.Await(ctx, evt)
			if err != nil {
				t.Error(err)
				return
			}
			replies[i] = r.Body
		}()
	}
	close(start)
	wg.Wait()
	if t.Failed() {
		return
	}
	sessions := e.readIndex(ledger.SessionsIndex)
	for i := range clients {
		if !strings.Contains(replies[i], "Work session started on `"+e.taskOf(i+1)+"`") {
			t.Errorf("%s got %q", clients[i], replies[i])
		}
		if rows := e.auditRows(events[i]); len(rows) != 1 {
			t.Errorf("%s's command has %d audit rows, want 1", clients[i], len(rows))
		}
		if !strings.Contains(sessions, e.taskOf(i+1)+"_ws1,"+e.taskOf(i+1)+","+clients[i]+",attacker,open") {
			t.Errorf("%s's session is not in work-sessions.csv", clients[i])
		}
	}
	commits := e.commitsSince(base)
	if len(commits) < 1 || len(commits) > n {
		t.Errorf("%d commits for %d commands", len(commits), n)
	}
	t.Logf("%d commands landed in %d commits", n, len(commits))
}

// A command sent while the bot is down is answered once when it is back,
// and nothing answered before is answered again.
func TestRestartAnswersOnce(t *testing.T) {
	e := newEnv(t, 0)
	carol := e.login("carol")
	before, _ := e.ask(carol, demo.RoomTeam, "!my_tasks")

	e.stopBot()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	whileDown, err := carol.Send(ctx, idOf(e.room(demo.RoomTeam)), "!start_work 6_1_7_1")
	if err != nil {
		t.Fatal(err)
	}
	// An invite that arrives while the bot is away is accepted when it is back.
	dm, err := carol.Matrix().CreateRoom(ctx, &mautrix.ReqCreateRoom{
		Preset: "trusted_private_chat", IsDirect: true, Invite: []id.UserID{id.UserID(e.world.Bot.UserID)},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.startBot()
	r, err := carol.Await(ctx, whileDown)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Body, "Work session started") {
		t.Fatalf("the command sent while down was answered %q", r.Body)
	}
	// A later command's answer is the point by which any repeat would have come.
	_, _ = e.ask(carol, demo.RoomTeam, "!wallet")
	if n := len(carol.Replies(whileDown)); n != 1 {
		t.Errorf("the command sent while down has %d answers, want 1", n)
	}
	if n := len(carol.Replies(idOf2(before))); n != 1 {
		t.Errorf("the command before the restart has %d answers, want 1", n)
	}
	if rows := e.auditRows(string(whileDown)); len(rows) != 1 {
		t.Errorf("the command sent while down has %d audit rows, want 1", len(rows))
	}
	inDM, err := carol.Send(ctx, dm.RoomID, "!my_tasks")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := carol.Await(ctx, inDM); err != nil || !strings.Contains(r.Body, "You are working on `6_1_7_1`") {
		t.Errorf("the direct chat opened while the bot was away: %q %v", r.Body, err)
	}
}

// An application is answered in the room it was made in and announced in
// the role's team room.
func TestApplicationIsAnnounced(t *testing.T) {
	e := newEnv(t, 0)
	dave := e.login("dave")
	bob := e.login("bob")
	_, reply := e.ask(dave, demo.RoomForum, `!apply 4_2_7_operations_lead "I ran the calendar for a year"`)
	if !strings.Contains(reply.Body, "app_1") {
		t.Fatalf("apply refused: %q", reply.Body)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	n, err := bob.AwaitNotice(ctx, idOf(e.room(demo.RoomTeam)), "dave applied for")
	if err != nil {
		t.Fatal(err)
	}
	if n.Sender != id.UserID(e.world.Bot.UserID) || !strings.Contains(n.Body, "!accept") {
		t.Errorf("announcement %+v", n)
	}
}
