package toolbox

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// captainCommands are the team captains' writes, and !object for everyone.
var captainCommands = []*Command{cmdCreateTask, cmdAssign, cmdAssess, cmdApprove, cmdObject, cmdAwardSK, cmdAccept, cmdReject,
	cmdTeamObjective, cmdUpdateObjective, cmdCloseObjective}

const (
	maxTitle       = 200
	maxDescription = 4000
)

// captainScope refuses a captain's command about something of another
// team: a captain acts in their own team's room, on their own team's
// tasks and roles. The founder acts everywhere.
func captainScope(tx *ledger.Tx, c *call, team, what string) error {
	if c.founder || (c.Room.Kind == RoomTeam && c.Room.Team == team) {
		return nil
	}
	return ledger.Refuse("%s belongs to the %s; its captain decides on it, in the team's room.", what, teamWords(tx, team))
}

var cmdCreateTask = &Command{
	Name: "create_task", Aliases: []string{"createtask"}, Tier: TierCaptain, Params: []Param{{Name: "S|M|L|XL", Kind: KindSize}, {Name: "title", Kind: KindText, Rest: true, Shown: "<title> [| description]"}},
	Summary: "create a task in this team; its budget comes from its size",
	Help: "Creates an open task in this room's team, under the team's newest open objective. The size sets the SC budget: " +
		"S (1–2 h) 25, M (3–4 h) 50, L (5–8 h) 100, XL (1–2 days) 200. Everything after the size is the title; " +
		"text after a `|` is the description. The team's room hears of it, and its workers can `!claim` it.",
	write:    createTask,
	announce: announceTask,
}

func createTask(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	if c.Room.Kind != RoomTeam {
		return ledger.Outcome{}, ledger.Refuse("A task belongs to a team: send `!create_task` in the team's room, so I know which team it is for.")
	}
	team := c.Room.Team
	size, budget, _ := sizeArg(c.Args[0]) // its shape was checked with the arguments
	title, desc, _ := strings.Cut(strings.Join(c.Args[1:], " "), "|")
	title, err := oneLine("The task title", title, maxTitle)
	if err != nil {
		return ledger.Outcome{}, err
	}
	if title == "" {
		return ledger.Outcome{}, ledger.Refuse("The task needs a title: `!create_task %s <title> [| description]`.", size)
	}
	desc, err = multiLine("The description", desc, maxDescription)
	if err != nil {
		return ledger.Outcome{}, err
	}
	obj, ok := teamObjective(tx, team)
	if !ok {
		return ledger.Outcome{}, ledger.Refuse("The %s has no open objective, and every task serves one. The captain opens one with `!team_objective <objective_id> <title>`; %s", teamWords(tx, team), openObjectivesHint(tx))
	}
	taskID, err := nextTaskID(tx, obj.ID)
	if err != nil {
		return ledger.Outcome{}, err
	}
	now := tx.Now()
	task := ledger.Task{
		ID: taskID, Team: team, Objective: obj.ID, Title: title, Size: size, BudgetSC: budget,
		State: ledger.TaskOpen, CreatedBy: me.Alias, Created: now, Updated: now,
	}
	task.WikiPath = path.Join(ledger.TaskPagesDir, task.ID+".md")
	tx.WritePage(task.WikiPath, taskPage(tx, task, desc))
	tx.PutTask(task)
	return ledger.Outcome{
		Action: "task.create", Target: task.ID,
		Reply: fmt.Sprintf("Task `%s` created: %s (%s, %d SC), for objective %s. Workers of the team can `!claim %s`, or you can `!assign %s <alias>`.",
			task.ID, mdText(task.Title), size, budget, obj.ID, task.ID, task.ID),
	}, nil
}

// teamObjective is the objective a new task of team serves: the team's
// newest open objective.
func teamObjective(tx *ledger.Tx, team string) (ledger.Objective, bool) {
	var best ledger.Objective
	found := false
	for o := range tx.Objectives() {
		if o.Team == team && o.Status == ledger.ObjectiveOpen && (!found || compareIDs(o.ID, best.ID) > 0) {
			best, found = o, true
		}
	}
	return best, found
}

// nextTaskID numbers a new task of objective 5_X_Y as 6_X_Y_<n>, one past
// the highest n used.
func nextTaskID(tx *ledger.Tx, objective string) (string, error) {
	prefix := "6" + strings.TrimPrefix(objective, "5") + "_"
	n := 0
	for t := range tx.Tasks() {
		if rest, ok := strings.CutPrefix(t.ID, prefix); ok {
			if k, err := strconv.Atoi(rest); err == nil && k > n {
				n = k
			}
		}
	}
	return newTaskID(objective, n+1)
}

// announceTask tells the team room, and the workplace, of a new task.
func announceTask(tx *ledger.Tx, _ *call, res ledger.Result) []Announcement {
	t, ok := tx.Task(res.Target)
	if !ok {
		return nil
	}
	return inWorkplace(tx, Announcement{
		Team: t.Team,
		Text: fmt.Sprintf("New task `%s`: %s (%s, %d SC), created by %s. `!claim %s` to take it.", t.ID, mdText(t.Title), t.Size, t.BudgetSC, t.CreatedBy, t.ID),
	})
}

var cmdAssign = &Command{
	Name: "assign", Tier: TierCaptain, Params: []Param{{Name: "task_id", Kind: KindTask}, {Name: "alias", Kind: KindOwner}, {Name: "attacker|defender", Kind: KindSlot, Optional: true}},
	Summary: "put an owner on a task of this team, as attacker or defender",
	Help: "Puts a worker of the team on a task as its attacker or defender: the slot you name, or the first free one. " +
		"If someone else holds that slot they are taken off it, unless they have a work session open on the task. " +
		"Tasks waiting for review or further along can't be reassigned. The attacker of an XL task leads a mission and needs " +
		fmt.Sprint(missionLeadMinSK) + " SK (after decay).",
	write: assignTask,
}

func assignTask(tx *ledger.Tx, _ ledger.Owner, c *call) (ledger.Outcome, error) {
	task, err := taskArg(tx, c.Args[0])
	if err != nil {
		return ledger.Outcome{}, err
	}
	if err := captainScope(tx, c, task.Team, fmt.Sprintf("`%s`", task.ID)); err != nil {
		return ledger.Outcome{}, err
	}
	who, err := findOwner(tx, c.Args[1])
	if err != nil {
		return ledger.Outcome{}, err
	}
	slot := ""
	if len(c.Args) == 3 {
		slot = strings.ToLower(c.Args[2]) // attacker or defender, checked with the arguments
	}
	switch {
	case who.Status != ledger.StatusActive:
		return ledger.Outcome{}, ledger.Refuse("%s is not an active owner, so they can't be put on a task.", who.Alias)
	case !canWork(who):
		return ledger.Outcome{}, ledger.Refuse("%s has a %s license, which does not include work. An admin can change it with `!set_license`.", who.Alias, who.License)
	case !holdsRoleIn(tx, who.Alias, task.Team):
		return ledger.Outcome{}, ledger.Refuse("%s holds no role in the %s, so they can't work on its tasks. They can `!apply` for one of its `!open_roles`.", who.Alias, teamWords(tx, task.Team))
	case !claimable(task.State):
		return ledger.Outcome{}, ledger.Refuse("`%s` is %s, so who is on it can't change any more.", task.ID, stateWords(task.State))
	}
	current := task.PositionOf(who.Alias)
	if slot == "" {
		switch {
		case current != "":
			return ledger.Outcome{}, ledger.Refuse("%s is already the %s of `%s`.", who.Alias, current, task.ID)
		case task.Attacker == "":
			slot = ledger.Attacker
		case task.Defender == "":
			slot = ledger.Defender
		default:
			return ledger.Outcome{}, ledger.Refuse("`%s` has both slots taken (%s attacks, %s defends). Name the slot to replace someone: `!assign %s %s attacker`.",
				task.ID, task.Attacker, task.Defender, task.ID, who.Alias)
		}
	}
	if current == slot {
		return ledger.Outcome{}, ledger.Refuse("%s is already the %s of `%s`.", who.Alias, slot, task.ID)
	}
	if current != "" {
		return ledger.Outcome{}, ledger.Refuse("%s is the %s of `%s`; one owner can't be both attacker and defender.", who.Alias, current, task.ID)
	}
	if err := missionLeadRefusal(tx, task, slot, who.Alias, who.Alias,
		fmt.Sprintf("Put them on it as defender (`!assign %s %s defender`), or someone with %d SK as attacker.", task.ID, who.Alias, missionLeadMinSK)); err != nil {
		return ledger.Outcome{}, err
	}
	replaced := task.Attacker
	if slot == ledger.Defender {
		replaced = task.Defender
	}
	if replaced != "" {
		if s, ok := openSession(tx, replaced); ok && s.Task == task.ID {
			return ledger.Outcome{}, ledger.Refuse("%s has a work session open on `%s`; they need to `!stop_work` before someone else takes their slot.", replaced, task.ID)
		}
	}
	if slot == ledger.Attacker {
		task.Attacker = who.Alias
	} else {
		task.Defender = who.Alias
	}
	if task.State == ledger.TaskOpen {
		task.State = ledger.TaskClaimed
	}
	task.Updated = tx.Now()
	tx.PutTask(task)
	reply := fmt.Sprintf("%s is now the %s of `%s` (%s).", who.Alias, slot, task.ID, mdText(task.Title))
	if replaced != "" {
		reply += fmt.Sprintf(" %s is no longer on it.", replaced)
	}
	return ledger.Outcome{Action: "task.assign", Target: task.ID, Reply: reply}, nil
}
