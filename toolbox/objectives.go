package toolbox

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// Objectives are the goals tasks serve: the organisation's (5_<n>), set by
// the admins, and each team's part in one of them (5_<n>_<team number>),
// set by the team's captain. A new task serves its team's newest open
// objective, so a team needs one before `!create_task` works.
//
// Who may change an objective follows who owns it: a team objective is its
// captain's (in the team's room) and the founder's; an organisation
// objective is the admins' when created (in a direct chat) and the
// founder's to change or close, since captain-tier commands let only the
// founder act outside a team room.

// ObjectivePagesDir holds the objectives' pages, by objective ID.
const ObjectivePagesDir = "pages/objectives"

const maxObjectiveTitle = 200

var cmdCreateObjective = &Command{
	Name: "create_objective", Tier: TierAdmin, Params: []Param{{Name: "title", Kind: KindText, Rest: true}},
	Summary: "open an organisation objective (5_<n>) that the teams' objectives serve",
	Help: "Opens the organisation's next objective, numbered `5_1`, `5_2`… in order. Teams take part in it with " +
		"`!team_objective <objective_id> <title>`, sent by their captain in the team's room; tasks serve those. " +
		"Example: `!create_objective Open the SmartupOS workplace`.",
	write: createObjective,
}

var cmdTeamObjective = &Command{
	Name: "team_objective", Tier: TierCaptain, Params: []Param{{Name: "objective_id", Kind: KindObjective}, {Name: "title", Kind: KindText, Rest: true}},
	Summary: "open this team's objective under an organisation objective; new tasks serve it",
	Help: "Opens this team's part in an open organisation objective (`!objectives` lists them). Its ID is the organisation " +
		"objective's with the team's number after it: the operational team's (3_7) objective under `5_1` is `5_1_7`, and its " +
		"tasks are `6_1_7_1`, `6_1_7_2`… A team has one objective under each organisation objective. New tasks serve the team's " +
		"newest open objective. Send it in the team's room. Example: `!team_objective 5_1 Run the workplace day to day`.",
	write: createTeamObjective,
}

var cmdUpdateObjective = &Command{
	Name: "update_objective", Tier: TierCaptain, Params: []Param{{Name: "objective_id", Kind: KindObjective}, {Name: "title", Kind: KindText, Rest: true}},
	Summary: "give an open objective a new title",
	Help: "Changes the title of an open objective; its ID, its tasks and its place in the tree stay. A team objective is changed " +
		"by the team's captain in the team's room, an organisation objective by the founder.",
	write: updateObjective,
}

var cmdCloseObjective = &Command{
	Name: "close_objective", Tier: TierCaptain, Params: []Param{{Name: "objective_id", Kind: KindObjective}, {Name: "achieved|dropped", Kind: KindWord}},
	Summary: "close an objective as achieved or dropped",
	Help: "Closes an open objective: `achieved` when it was reached, `dropped` when the community gave it up. Its row and page stay, " +
		"with the new status. New tasks then serve the team's next open objective; tasks already made keep running. An organisation " +
		"objective closes only once no team objective under it is open. A team objective is closed by the team's captain in the " +
		"team's room, an organisation objective by the founder.",
	write: closeObjective,
}

func objectiveTitle(args []string, usage string) (string, error) {
	title, err := oneLine("The objective's title", strings.Join(args, " "), maxObjectiveTitle)
	if err == nil && title == "" {
		err = ledger.Refuse("An objective needs a title: `%s`.", usage)
	}
	return title, err
}

func createObjective(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	title, err := objectiveTitle(c.Args, c.cmd.Usage())
	if err != nil {
		return ledger.Outcome{}, err
	}
	n := 0
	for o := range tx.Objectives() {
		if o.Team == "" && orgObjectivePattern.MatchString(o.ID) {
			var k int
			if _, err := fmt.Sscanf(strings.TrimPrefix(o.ID, "5_"), "%d", &k); err == nil && k > n {
				n = k
			}
		}
	}
	id, err := firstFree(n+1, newOrgObjectiveID, func(id string) bool { _, taken := tx.Objective(id); return taken })
	if err != nil {
		return ledger.Outcome{}, err
	}
	o := ledger.Objective{ID: id, Title: title, Status: ledger.ObjectiveOpen, WikiPath: path.Join(ObjectivePagesDir, id+".md")}
	writeObjective(tx, o, me.Alias)
	return ledger.Outcome{
		Action: "objective.create", Target: id,
		Reply: fmt.Sprintf("Objective `%s` is open: %s. Captains add their team's part with `!team_objective %s <title>` in their team's room.", id, mdText(title), id),
	}, nil
}

func createTeamObjective(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	if c.Room.Kind != RoomTeam {
		return ledger.Outcome{}, ledger.Refuse("A team objective belongs to a team: send `!team_objective` in the team's room, so I know which team it is for.")
	}
	team := c.Room.Team
	parent, ok := tx.Objective(c.Args[0])
	switch {
	case !ok:
		return ledger.Outcome{}, ledger.Refuse("There is no objective `%s`. %s", c.Args[0], openObjectivesHint(tx))
	case parent.Team != "":
		return ledger.Outcome{}, ledger.Refuse("`%s` is the %s's objective; a team objective serves one of the organisation's (`5_<n>`). %s", parent.ID, teamWords(tx, parent.Team), openObjectivesHint(tx))
	case parent.Status != ledger.ObjectiveOpen:
		return ledger.Outcome{}, ledger.Refuse("Objective `%s` is %s, so no team objective can be added to it. %s", parent.ID, parent.Status, openObjectivesHint(tx))
	}
	title, err := objectiveTitle(c.Args[1:], c.cmd.Usage())
	if err != nil {
		return ledger.Outcome{}, err
	}
	number, _, numbered := splitTeamID(team)
	if !numbered {
		return ledger.Outcome{}, ledger.Refuse("%s has no team number in its ID (`%s`), so I can't number an objective for it.", teamWords(tx, team), team)
	}
	id, err := newTeamObjectiveID(parent.ID, number)
	if err != nil {
		return ledger.Outcome{}, err
	}
	if o, ok := tx.Objective(id); ok {
		return ledger.Outcome{}, ledger.Refuse("The %s already has its objective under `%s`: `%s`, %s (%s). `!update_objective %s <title>` renames it; "+
			"for a new goal, an admin opens a new organisation objective.", teamWords(tx, team), parent.ID, o.ID, mdText(o.Title), o.Status, o.ID)
	}
	o := ledger.Objective{ID: id, Parent: parent.ID, Team: team, Title: title, Status: ledger.ObjectiveOpen, WikiPath: path.Join(ObjectivePagesDir, id+".md")}
	writeObjective(tx, o, me.Alias)
	return ledger.Outcome{
		Action: "objective.create", Target: id,
		Reply: fmt.Sprintf("Objective `%s` is open for the %s: %s (serving `%s`, %s). New tasks of the team serve it.", id, teamWords(tx, team), mdText(title), parent.ID, mdText(parent.Title)),
	}, nil
}

// changeableObjective finds an open objective the sender may change.
func changeableObjective(tx *ledger.Tx, c *call) (ledger.Objective, error) {
	o, ok := tx.Objective(c.Args[0])
	switch {
	case !ok:
		return o, ledger.Refuse("There is no objective `%s`. %s", c.Args[0], openObjectivesHint(tx))
	case o.Status != ledger.ObjectiveOpen:
		return o, ledger.Refuse("Objective `%s` is %s already; a closed objective stays as it was.", o.ID, o.Status)
	case c.founder:
		return o, nil
	case o.Team == "":
		return o, ledger.Refuse("`%s` is an organisation objective; the founder changes those.", o.ID)
	case o.Team != c.Room.Team:
		return o, ledger.Refuse("`%s` is the %s's objective; its captain changes it, in its room.", o.ID, teamWords(tx, o.Team))
	}
	return o, nil
}

func updateObjective(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	o, err := changeableObjective(tx, c)
	if err != nil {
		return ledger.Outcome{}, err
	}
	title, err := objectiveTitle(c.Args[1:], c.cmd.Usage())
	if err != nil {
		return ledger.Outcome{}, err
	}
	if title == o.Title {
		return ledger.Outcome{}, ledger.Refuse("Objective `%s` is called that already; nothing was written.", o.ID)
	}
	old := o.Title
	o.Title = title
	writeObjective(tx, o, me.Alias)
	return ledger.Outcome{
		Action: "objective.update", Target: o.ID,
		Reply: fmt.Sprintf("Objective `%s` is now called: %s (was: %s).", o.ID, mdText(title), mdText(old)),
	}, nil
}

func closeObjective(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	o, err := changeableObjective(tx, c)
	if err != nil {
		return ledger.Outcome{}, err
	}
	status := strings.ToLower(c.Args[1])
	if status != ledger.ObjectiveAchieved && status != ledger.ObjectiveDropped {
		return ledger.Outcome{}, ledger.Refuse("%s is not how an objective closes: say `achieved` or `dropped`.", quoteArg(c.Args[1]))
	}
	if o.Team == "" {
		var open []string
		for t := range tx.Objectives() {
			if t.Parent == o.ID && t.Status == ledger.ObjectiveOpen {
				open = append(open, "`"+t.ID+"`")
			}
		}
		if len(open) > 0 {
			slices.Sort(open)
			return ledger.Outcome{}, ledger.Refuse("Objective `%s` still has open team objectives: %s. Their captains close them first.", o.ID, strings.Join(open, ", "))
		}
	}
	running := 0
	for t := range tx.Tasks() {
		if t.Objective == o.ID && !taskFinished(t.State) {
			running++
		}
	}
	o.Status = status
	writeObjective(tx, o, me.Alias)
	reply := fmt.Sprintf("Objective `%s` (%s) is closed as %s.", o.ID, mdText(o.Title), status)
	if running > 0 {
		reply += fmt.Sprintf(" Its %d unfinished task(s) keep running.", running)
	}
	return ledger.Outcome{Action: "objective.close", Target: o.ID, Reply: reply}, nil
}

// taskFinished: the task's work and pay are settled.
func taskFinished(state string) bool {
	return state == ledger.TaskAwarded || state == ledger.TaskCancelled
}

// writeObjective stores an objective's row and renders its page again from
// it, so the two never disagree.
func writeObjective(tx *ledger.Tx, o ledger.Objective, author string) {
	if o.WikiPath == "" {
		o.WikiPath = path.Join(ObjectivePagesDir, o.ID+".md")
	}
	if strings.HasPrefix(o.WikiPath, ObjectivePagesDir+"/") {
		tx.WritePage(o.WikiPath, objectivePage(tx, o, author))
	}
	tx.PutObjective(o)
}

func objectivePage(tx *ledger.Tx, o ledger.Objective, author string) ledger.Page {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", o.Title)
	fmt.Fprintf(&b, "- Objective: %s\n", o.ID)
	if o.Parent != "" {
		fmt.Fprintf(&b, "- Serves: %s\n", o.Parent)
	}
	if o.Team != "" {
		fmt.Fprintf(&b, "- Team: %s (%s)\n", teamWords(tx, o.Team), o.Team)
	} else {
		b.WriteString("- Level: the organisation\n")
	}
	fmt.Fprintf(&b, "- Status: %s\n", o.Status)
	return ledger.Page{
		Front: ledger.Frontmatter{Title: o.Title, Author: author, Date: tx.Now().Format("2006-01-02"), Parent: o.Parent, Team: o.Team, Topic: "objective", Public: true},
		Body:  b.String(),
	}
}

// openObjectivesHint names the open organisation objectives, or says there
// are none.
func openObjectivesHint(tx *ledger.Tx) string {
	var open []ledger.Objective
	for o := range tx.Objectives() {
		if o.Team == "" && o.Status == ledger.ObjectiveOpen {
			open = append(open, o)
		}
	}
	if len(open) == 0 {
		return "The organisation has no open objective yet; an admin opens one with `!create_objective <title>`."
	}
	slices.SortFunc(open, func(a, b ledger.Objective) int { return cmp.Or(compareIDs(a.ID, b.ID)) })
	parts := make([]string, len(open))
	for i, o := range open {
		parts[i] = fmt.Sprintf("`%s` (%s)", o.ID, mdText(o.Title))
	}
	return "Open organisation objectives: " + strings.Join(parts, ", ") + "."
}
