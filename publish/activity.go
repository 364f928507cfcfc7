package publish

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// activityRows is how many of the newest public audit rows the activity
// page shows.
const activityRows = 200

// What an audit row's target is, for the actions that may be published.
// Every other action is left out: applications and their decisions, room
// set-up, anything new until it is added here on purpose. Only the action,
// its time, its actor's alias and its target are shown — never the command
// as typed, the reply, or the Matrix event ID, which may hold private text.
const (
	targetTask = iota + 1
	targetOwner
	targetRole
	targetObjective
	targetSession
	targetPeriod
)

var publicActions = map[string]struct {
	words  string
	target int
}{
	"task.create":        {"created task", targetTask},
	"task.assign":        {"assigned task", targetTask},
	"task.claim":         {"claimed task", targetTask},
	"task.unclaim":       {"gave back task", targetTask},
	"task.assess":        {"assessed task", targetTask},
	"task.approve":       {"approved task", targetTask},
	"task.object":        {"objected to task", targetTask},
	"sc.award":           {"SC awarded for task", targetTask},
	"work_session.start": {"started work on task", targetSession},
	"work_session.stop":  {"stopped work on task", targetSession},
	"sk.award":           {"awarded SK to", targetOwner},
	"sk.kudos":           {"gave kudos to", targetOwner},
	"sk.decay":           {"SK decay for", targetPeriod},
	"owner.add":          {"welcomed owner", targetOwner},
	"owner.license":      {"changed the license of", targetOwner},
	"owner.deactivate":   {"ended the ownership of", targetOwner},
	"role.create":        {"created role", targetRole},
	"role.update":        {"updated role", targetRole},
	"objective.create":   {"opened objective", targetObjective},
	"objective.update":   {"renamed objective", targetObjective},
	"objective.close":    {"closed objective", targetObjective},
}

var period = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}$`)

// activityPage renders the newest public audit rows, newest first.
func activityPage(b *book) []byte {
	var rows []ledger.Event
	for e := range b.tx.Events() {
		if _, ok := publicActions[e.Action]; ok {
			rows = append(rows, e)
		}
	}
	total := len(rows)
	rows = rows[max(0, len(rows)-activityRows):]
	slices.Reverse(rows)

	var w strings.Builder
	w.WriteString("# Activity\n\n")
	fmt.Fprintf(&w, "The newest %d of %d public changes in the audit trail, newest first. "+
		"Applications, and anything said in private, are not published.\n\n", len(rows), total)
	if len(rows) == 0 {
		w.WriteString("Nothing yet.\n")
		return []byte(w.String())
	}
	w.WriteString("| Seq | When (UTC) | Who | What |\n| --- | --- | --- | --- |\n")
	for _, e := range rows {
		a := publicActions[e.Action]
		fmt.Fprintf(&w, "| %d | %s | %s | %s %s |\n", e.Seq, e.Time.UTC().Format("2006-01-02 15:04"),
			b.actorWords(e.Actor), a.words, b.targetWords(a.target, e.Target))
	}
	return []byte(w.String())
}

// actorWords names who acted: an owner by alias, or Engelbot's own jobs.
// Anything else (a Matrix ID from before an owner had an alias) is not
// shown.
func (b *book) actorWords(actor string) string {
	if actor == toolbox.JobActor {
		return "Engelbot"
	}
	if _, ok := b.ownerPage[actor]; ok {
		return b.ownerLink(activityPath, actor)
	}
	return "—"
}

// targetWords shows what a row was about, only when it is a record the
// site shows anyway.
func (b *book) targetWords(kind int, target string) string {
	switch kind {
	case targetTask:
		if _, ok := b.taskPage[target]; ok {
			return b.taskLink(activityPath, target)
		}
	case targetOwner:
		if _, ok := b.ownerPage[target]; ok {
			return b.ownerLink(activityPath, target)
		}
	case targetRole:
		if r, ok := b.roles[target]; ok {
			return text(r.ID) + " (" + b.teamLink(activityPath, r.Team) + ")"
		}
	case targetObjective:
		if _, ok := b.objOf[target]; ok {
			return "[" + text(target) + "](" + objectivesPath + ")"
		}
	case targetSession:
		if s, ok := b.tx.Session(target); ok {
			if _, ok := b.taskPage[s.Task]; ok {
				return b.taskLink(activityPath, s.Task)
			}
		}
	case targetPeriod:
		if period.MatchString(target) {
			return target
		}
	}
	return "—"
}
