package toolbox

import (
	"fmt"
	"path"
	"strings"
	"time"

	"smartup0.org/engelbot/ledger"
)

// workerCommands are the workers' writes beyond work sessions: applying for
// a role, claiming tasks, kudos.
var workerCommands = []*Command{cmdApply, cmdClaim, cmdUnclaim, cmdKudos}

// The community's numbers for these commands.
const (
	captainMinSK     = 100 // SK needed to apply for a team captain role (domain.md)
	kudosSK          = 2   // SK one kudos gives
	kudosPerGiverDay = 5   // kudos one owner may give per UTC day
	maxMotivation    = 2000
	maxKudosReason   = 500
)

// dailySKCap is how much SK an owner may receive in one UTC day, by license
// (domain.md). An unknown license gets the smallest cap.
func dailySKCap(license string) int {
	switch license {
	case ledger.LicenseWork, ledger.LicenseOrganizational:
		return 100
	case ledger.LicenseWatch:
		return 50
	}
	return 25
}

var cmdApply = &Command{
	// Applying is how an owner without a role gets one, so it cannot be in the
	// workers' tier (which needs a role); the license is checked in the write.
	Name: "apply", Tier: TierQuery, Params: []Param{{Name: "role_id", Kind: KindRole}, {Name: "motivation", Kind: KindText, Optional: true, Rest: true}},
	Summary: "apply for a role that is recruiting; the team's captain decides",
	Help: "Applies for a role that is recruiting now (`!open_roles` lists them), with an optional motivation for the captain; " +
		"it is kept in the ledger but never published. It needs a Work or Organizational license; a team captain role also needs " +
		fmt.Sprintf("%d SK, and a role in the leadership team %d SK (after decay). You can't apply for a role you hold, or twice for the same role while an application is pending. ", captainMinSK, leadershipMinSK) +
		"The team's room hears of it, and the captain answers with `!accept` or `!reject`.",
	write:    applyForRole,
	announce: announceApplication,
}

func applyForRole(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	if !canWork(me) {
		return ledger.Outcome{}, ledger.Refuse("Taking a role needs a Work or Organizational license, and yours is %s. An admin can change it with `!set_license`.", me.License)
	}
	id := c.Args[0] // a role ID's shape, checked with the arguments
	motivation, err := multiLine("The motivation", strings.Join(c.Args[1:], " "), maxMotivation)
	if err != nil {
		return ledger.Outcome{}, err
	}
	role, ok := tx.Role(id)
	if !ok {
		return ledger.Outcome{}, ledger.Refuse("There is no role `%s`. `!open_roles` lists the roles recruiting now.", id)
	}
	if role.Status != ledger.StatusActive || !strings.EqualFold(role.Recruitment, "open") {
		return ledger.Outcome{}, ledger.Refuse("%s (`%s`) is not recruiting now, so it takes no applications. `!open_roles` lists the roles that are.", mdText(role.Title), id)
	}
	for _, a := range tx.AssignmentsOf(me.Alias) {
		if a.Role == id && a.Status == ledger.StatusActive {
			return ledger.Outcome{}, ledger.Refuse("You already hold %s (`%s`).", mdText(role.Title), id)
		}
	}
	for a := range tx.Applications() {
		if a.Alias == me.Alias && a.Role == id && a.State == ledger.ApplicationPending {
			return ledger.Outcome{}, ledger.Refuse("You already applied for %s (`%s`): application %s is waiting for the team captain. One pending application per role.", mdText(role.Title), id, a.ID)
		}
	}
	if role.Type == ledger.RoleCaptain {
		if sk := tx.Balance(me.Alias).SK; sk < captainMinSK {
			return ledger.Outcome{}, ledger.Refuse("Applying for a team captain role takes %d SK, and you have %d. SK comes from reviews, mentoring, kudos and other work for the community; senior and junior roles take no SK.", captainMinSK, sk)
		}
	}
	if err := leadershipRefusal(tx, c.founderID, role, me.Alias, "you"); err != nil {
		return ledger.Outcome{}, err
	}

	appID, err := nextApplicationID(tx)
	if err != nil {
		return ledger.Outcome{}, err
	}
	now := tx.Now()
	app := ledger.Application{
		ID: appID, Role: id, Alias: me.Alias, State: ledger.ApplicationPending,
		Motivation: motivation, Submitted: now,
	}
	app.WikiPath = path.Join(ledger.ApplicationPagesDir, app.ID+".md")
	tx.WritePage(app.WikiPath, applicationPage(role, app))
	tx.PutApplication(app)
	return ledger.Outcome{
		Action: "application.submit", Target: app.ID,
		Reply: fmt.Sprintf("Your application %s for %s (`%s`) in the %s is in. The team's captain will decide.",
			app.ID, mdText(role.Title), id, teamWords(tx, role.Team)),
	}, nil
}

// nextApplicationID is app_<n> for the first n not taken: the count of
// applications plus one, unless rows were numbered otherwise.
func nextApplicationID(tx *ledger.Tx) (string, error) {
	return firstFree(countOf(tx.Applications())+1, newApplicationID, func(id string) bool { _, ok := tx.Application(id); return ok })
}

// applicationPage renders an application's page from its row. Motivations
// are for the captain, so the page is never public.
func applicationPage(r ledger.Role, a ledger.Application) ledger.Page {
	var b strings.Builder
	fmt.Fprintf(&b, "# Application %s\n\n", a.ID)
	fmt.Fprintf(&b, "- Applicant: %s\n", a.Alias)
	fmt.Fprintf(&b, "- Role: %s — %s\n", r.ID, r.Title)
	fmt.Fprintf(&b, "- Submitted: %s\n", a.Submitted.Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "- State: %s\n", a.State)
	if !a.Decided.IsZero() {
		fmt.Fprintf(&b, "- Decided: %s by %s\n", a.Decided.Format("2006-01-02 15:04 UTC"), a.DecidedBy)
	}
	if a.Reason != "" {
		fmt.Fprintf(&b, "- Reason: %s\n", a.Reason)
	}
	if a.Motivation != "" {
		fmt.Fprintf(&b, "\n## Motivation\n\n%s\n", a.Motivation)
	}
	return ledger.Page{
		Front: ledger.Frontmatter{
			Title: "Application " + a.ID + ": " + r.Title, Author: a.Alias, Role: r.ID,
			Date: a.Submitted.Format("2006-01-02"), Parent: r.ID, Team: r.Team, Topic: "application", Public: false,
		},
		Body: b.String(),
	}
}

// announceApplication tells the role's team room of a new application, the
// one the write names as its target.
func announceApplication(tx *ledger.Tx, c *call, res ledger.Result) []Announcement {
	app, ok := tx.Application(res.Target)
	if !ok {
		return nil
	}
	role, ok := tx.Role(app.Role)
	if !ok {
		return nil
	}
	return []Announcement{{
		Team: role.Team,
		Text: fmt.Sprintf("%s applied for %s (%s); the captain can `!accept %s` or `!reject %s`", c.alias, mdText(role.Title), app.ID, app.ID, app.ID),
	}}
}

var cmdClaim = &Command{
	Name: "claim", Tier: TierWorker, Where: WhereWork, Params: []Param{{Name: "task_id", Kind: KindTask}, {Name: "attacker|defender", Kind: KindSlot, Optional: true}},
	Summary: "take the attacker or defender slot of a task in your team",
	Help: "Takes a free slot of a task in a team where you hold an active role: the attacker's if you name none and it is free, " +
		"else the defender's. One owner cannot be both on the same task, and a task waiting for review (or further along) " +
		"cannot be claimed. Attacking an XL task is leading a mission, which takes " + fmt.Sprint(missionLeadMinSK) + " SK (after decay); " +
		"anyone in the team may defend one. `!unclaim <task_id>` gives the slot back.",
	write: claimTask,
}

func claimTask(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	task, err := taskArg(tx, c.Args[0])
	if err != nil {
		return ledger.Outcome{}, err
	}
	want := ""
	if len(c.Args) == 2 {
		want = strings.ToLower(c.Args[1]) // attacker or defender, checked with the arguments
	}
	if !holdsRoleIn(tx, me.Alias, task.Team) {
		return ledger.Outcome{}, ledger.Refuse("`%s` belongs to %s, where you hold no role, so you can't claim it. `!open_roles %s` shows how to join.", task.ID, teamWords(tx, task.Team), task.Team)
	}
	if !claimable(task.State) {
		return ledger.Outcome{}, ledger.Refuse("`%s` is %s, so it can no longer be claimed.", task.ID, stateWords(task.State))
	}
	if pos := task.PositionOf(me.Alias); pos != "" {
		return ledger.Outcome{}, ledger.Refuse("You are already the %s of `%s`; one owner cannot be both attacker and defender.", pos, task.ID)
	}
	switch {
	case want == "" && task.Attacker == "":
		want = ledger.Attacker
	case want == "" && task.Defender == "":
		want = ledger.Defender
	case want == "":
		return ledger.Outcome{}, ledger.Refuse("`%s` is taken: %s is the attacker and %s the defender. `!tasks` lists tasks with a free slot.", task.ID, task.Attacker, task.Defender)
	case want == ledger.Attacker && task.Attacker != "":
		return ledger.Outcome{}, ledger.Refuse("%s is already the attacker of `%s`.%s", task.Attacker, task.ID, otherSlot(task, ledger.Defender))
	case want == ledger.Defender && task.Defender != "":
		return ledger.Outcome{}, ledger.Refuse("%s is already the defender of `%s`.%s", task.Defender, task.ID, otherSlot(task, ledger.Attacker))
	}
	instead := "Claim a smaller task meanwhile."
	if task.Defender == "" {
		instead = fmt.Sprintf("You can defend it: `!claim %s defender`.", task.ID)
	}
	if err := missionLeadRefusal(tx, task, want, me.Alias, "you", instead); err != nil {
		return ledger.Outcome{}, err
	}
	if want == ledger.Attacker {
		task.Attacker = me.Alias
	} else {
		task.Defender = me.Alias
	}
	if task.State == ledger.TaskOpen {
		task.State = ledger.TaskClaimed
	}
	task.Updated = tx.Now()
	tx.PutTask(task)
	return ledger.Outcome{
		Action: "task.claim", Target: task.ID,
		Reply: fmt.Sprintf("You are now the %s of `%s` (%s, %d SC). `!start_work %s` opens a work session.", want, task.ID, mdText(task.Title), task.BudgetSC, task.ID),
	}, nil
}

// otherSlot suggests the task's other slot when it is free.
func otherSlot(t ledger.Task, slot string) string {
	free := t.Attacker == ""
	if slot == ledger.Defender {
		free = t.Defender == ""
	}
	if !free {
		return ""
	}
	return fmt.Sprintf(" The %s slot is free: `!claim %s %s`.", slot, t.ID, slot)
}

// claimable: work on the task has not been handed in yet.
func claimable(state string) bool {
	return state == ledger.TaskOpen || state == ledger.TaskClaimed || state == ledger.TaskInProgress
}

// holdsRoleIn reports whether alias holds an active role in team.
func holdsRoleIn(tx *ledger.Tx, alias, team string) bool {
	for _, r := range activeRoles(tx, alias) {
		if r.Team == team {
			return true
		}
	}
	return false
}

// taskArg is the task an argument names.
func taskArg(tx *ledger.Tx, id string) (ledger.Task, error) {
	task, ok := tx.Task(id) // the ID's shape was checked with the arguments
	if !ok {
		return ledger.Task{}, ledger.Refuse("There is no task `%s`. `!tasks` lists them.", id)
	}
	return task, nil
}

var cmdUnclaim = &Command{
	Name: "unclaim", Tier: TierWorker, Where: WhereWork, Params: []Param{{Name: "task_id", Kind: KindTask}},
	Summary: "give back your slot on a task",
	Help: "Gives back your attacker or defender slot on a task, as long as you have no work session open on it and it is not " +
		"yet waiting for review. When nobody is left on the task it is open again.",
	write: unclaimTask,
}

func unclaimTask(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	task, err := taskArg(tx, c.Args[0])
	if err != nil {
		return ledger.Outcome{}, err
	}
	pos := task.PositionOf(me.Alias)
	if pos == "" {
		return ledger.Outcome{}, ledger.Refuse("You are not on `%s`, so there is nothing to give back. `!my_tasks` lists your tasks.", task.ID)
	}
	if !claimable(task.State) {
		return ledger.Outcome{}, ledger.Refuse("`%s` is %s, so your slot can't be given back any more. The team captain can change who is on it.", task.ID, stateWords(task.State))
	}
	if s, ok := openSession(tx, me.Alias); ok && s.Task == task.ID {
		return ledger.Outcome{}, ledger.Refuse("You have a work session open on `%s`. Close it with `!stop_work <summary>` first.", task.ID)
	}
	if pos == ledger.Attacker {
		task.Attacker = ""
	} else {
		task.Defender = ""
	}
	reply := fmt.Sprintf("You are no longer the %s of `%s`.", pos, task.ID)
	if task.Attacker == "" && task.Defender == "" {
		task.State = ledger.TaskOpen
		reply += " Nobody is on it now, so it is open again."
	}
	task.Updated = tx.Now()
	tx.PutTask(task)
	return ledger.Outcome{Action: "task.unclaim", Target: task.ID, Reply: reply}, nil
}

var cmdKudos = &Command{
	Name: "kudos", Tier: TierWorker, Params: []Param{{Name: "alias", Kind: KindOwner}, {Name: "reason", Kind: KindText, Rest: true}},
	Summary: fmt.Sprintf("thank another owner with %d SK", kudosSK),
	Help: fmt.Sprintf("Gives another active owner %d SK (category `kudos`) with the reason you type. You can give %d kudos a day, "+
		"never to yourself, and nobody receives more SK in one day (UTC) than their license allows: Campaign 25, Watch 50, "+
		"Work and Organizational 100, counting every SK they received that day.", kudosSK, kudosPerGiverDay),
	write: giveKudos,
}

func giveKudos(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	to, err := findOwner(tx, c.Args[0])
	if err != nil {
		return ledger.Outcome{}, err
	}
	if to.Alias == me.Alias {
		return ledger.Outcome{}, ledger.Refuse("Kudos are for others; you can't give them to yourself.")
	}
	if to.Status != ledger.StatusActive {
		return ledger.Outcome{}, ledger.Refuse("%s is not an active owner, so they can't receive kudos.", to.Alias)
	}
	reason, err := oneLine("The reason", strings.Join(c.Args[1:], " "), maxKudosReason)
	if err != nil {
		return ledger.Outcome{}, err
	}
	if reason == "" {
		return ledger.Outcome{}, ledger.Refuse("Kudos need a reason: `!kudos %s <what they did>`.", to.Alias)
	}
	start := utcDay(tx.Now())
	given := 0
	for t := range tx.SKFrom(start) {
		if t.Category == "kudos" && t.By == me.Alias && !t.Time.Before(start) {
			given++
		}
	}
	if given >= kudosPerGiverDay {
		return ledger.Outcome{}, ledger.Refuse("You have given %d kudos today, the most one owner may give in a day. You can give more after midnight UTC.", given)
	}
	if err := checkDailySK(tx, to, kudosSK); err != nil {
		return ledger.Outcome{}, err
	}
	tx.AppendSK(ledger.SKTx{Alias: to.Alias, Category: "kudos", Amount: kudosSK, By: me.Alias, Note: reason})
	return ledger.Outcome{
		Action: "sk.kudos", Target: to.Alias,
		Reply: fmt.Sprintf("You gave %s %d SK of kudos. You can give %d more today.", to.Alias, kudosSK, kudosPerGiverDay-given-1),
	}, nil
}

// utcDay is the start of t's day in UTC: caps count per UTC day.
func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
