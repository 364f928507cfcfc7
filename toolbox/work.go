package toolbox

import (
	"fmt"
	"path"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// maxSummary bounds free text written to the ledger.
const maxSummary = 2000

var cmdStartWork = &Command{
	Name: "start_work", Aliases: []string{"startwork"}, Tier: TierWorker, Where: WhereWork, Params: []Param{{Name: "task_id", Kind: KindTask}},
	Summary: "open a work session on a task you are assigned to",
	Help: "Opens a work session on a task where you are the attacker or the defender. You can have one session open at a time; " +
		"`!stop_work <summary>` closes it and sends the task to review.",
	write: startWork,
}

func startWork(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	id := c.Args[0] // a task ID's shape, checked with the arguments
	task, ok := tx.Task(id)
	if !ok {
		return ledger.Outcome{}, ledger.Refuse("There is no task `%s`. `!my_tasks` lists yours.", id)
	}
	position := task.PositionOf(me.Alias)
	if position == "" {
		return ledger.Outcome{}, ledger.Refuse("You are not assigned to `%s`, so you can't work on it. Only its attacker and defender can; ask the team captain to `!assign` you.", id)
	}
	if task.State != ledger.TaskClaimed && task.State != ledger.TaskInProgress {
		return ledger.Outcome{}, ledger.Refuse("`%s` is %s, so no work can start on it now.", id, stateWords(task.State))
	}
	if s, ok := openSession(tx, me.Alias); ok {
		return ledger.Outcome{}, ledger.Refuse("You already have a work session open on `%s`. Close it with `!stop_work <summary>` first: one session at a time.", s.Task)
	}

	now := tx.Now()
	// The next free session number on this task.
	sid, err := firstFree(1, func(n int) (string, error) { return newSessionID(id, n) }, tx.SessionExists)
	if err != nil {
		return ledger.Outcome{}, err
	}
	page := path.Join(ledger.SessionPagesDir, sid+".md")
	s := ledger.Session{
		ID: sid, Task: id, Alias: me.Alias, Position: position, State: ledger.SessionOpen,
		Started: now, StartEvent: c.EventID, WikiPath: page,
	}
	tx.WritePage(page, sessionPage(task, s))
	tx.PutSession(s)
	task.State = ledger.TaskInProgress
	task.Updated = now
	tx.PutTask(task)
	return ledger.Outcome{
		Action: "work_session.start", Target: sid,
		Reply: fmt.Sprintf("Work session started on `%s` (%s) as %s at %s UTC. `!stop_work <summary>` when you are done.",
			id, mdText(task.Title), position, now.Format("15:04")),
	}, nil
}

var cmdStopWork = &Command{
	Name: "stop_work", Aliases: []string{"stopwork"}, Tier: TierWorker, Where: WhereWork, Params: []Param{{Name: "summary", Kind: KindText, Optional: true, Rest: true}},
	Summary: "close your work session; the task goes to review",
	Help:    "Closes the work session you have open, records how long it took and your summary, and sends the task to review by the team captain.",
	write:   stopWork,
}

func stopWork(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	summary, err := multiLine("The summary", strings.Join(c.Args, " "), maxSummary)
	if err != nil {
		return ledger.Outcome{}, err
	}
	s, ok := openSession(tx, me.Alias)
	if !ok {
		return ledger.Outcome{}, ledger.Refuse("You have no work session open. `!start_work <task_id>` opens one.")
	}
	task, ok := tx.Task(s.Task)
	if !ok {
		return ledger.Outcome{}, fmt.Errorf("session %s names task %s, which is not in the ledger", s.ID, s.Task)
	}
	now := tx.Now()
	s.State = ledger.SessionClosed
	s.Stopped = now
	s.Minutes = int(now.Sub(s.Started).Minutes())
	s.Summary = summary
	s.StopEvent = c.EventID
	tx.WritePage(s.WikiPath, sessionPage(task, s))
	tx.PutSession(s)
	task.State = ledger.TaskReview
	task.Updated = now
	tx.PutTask(task)
	return ledger.Outcome{
		Action: "work_session.stop", Target: s.ID,
		Reply: fmt.Sprintf("Work session on `%s` closed after %s. The task is now waiting for review by the team captain.",
			s.Task, duration(s.Minutes)),
	}, nil
}

// openSession is the work session an owner has open, if any.
func openSession(tx *ledger.Tx, alias string) (ledger.Session, bool) {
	if open := tx.OpenSessionsOf(alias); len(open) > 0 {
		return open[0], true
	}
	return ledger.Session{}, false
}

// sessionPage renders a session's page from its row, so the page and the
// index can never disagree.
func sessionPage(t ledger.Task, s ledger.Session) ledger.Page {
	var b strings.Builder
	fmt.Fprintf(&b, "# Work session %s\n\n", s.ID)
	fmt.Fprintf(&b, "- Task: %s — %s\n", t.ID, t.Title)
	fmt.Fprintf(&b, "- Worker: %s (%s)\n", s.Alias, s.Position)
	fmt.Fprintf(&b, "- Started: %s\n", s.Started.Format("2006-01-02 15:04 UTC"))
	if s.State == ledger.SessionClosed {
		fmt.Fprintf(&b, "- Stopped: %s (%s)\n", s.Stopped.Format("2006-01-02 15:04 UTC"), duration(s.Minutes))
		if s.Summary != "" {
			fmt.Fprintf(&b, "\n## Summary\n\n%s\n", s.Summary)
		}
	}
	return ledger.Page{
		Front: ledger.Frontmatter{
			Title: "Work session " + s.ID, Author: s.Alias, Role: s.Position,
			Date: s.Started.Format("2006-01-02"), Parent: t.ID, Team: t.Team, Topic: "work_session", Public: true,
		},
		Body: b.String(),
	}
}

func duration(minutes int) string {
	if minutes < 60 {
		return fmt.Sprintf("%d min", minutes)
	}
	return fmt.Sprintf("%d h %02d min", minutes/60, minutes%60)
}
