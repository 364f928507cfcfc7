package toolbox

import (
	"fmt"
	"slices"
	"strings"

	"smartup0.org/engelbot/ledger"
)

var cmdTasks = &Command{
	Name: "tasks", Tier: TierQuery, Params: []Param{{Name: "team", Kind: KindWord, Optional: true}, {Name: "state", Kind: KindWord, Optional: true}},
	Summary: "task lists, by team and state",
	Help: "Lists tasks with their state, size, budget and who is on them. By default: the open, claimed and in-progress tasks " +
		"of this room's team, or of every team outside a team room. Name a team (`operational`, `7` or `3_7_operational_team`) " +
		"and/or a state (open, claimed, in_progress, review, assessed, approved, contested, awarded, cancelled, or `all`), " +
		"in either order. `!task <task_id>` shows one task in detail.",
	query: queryTasks,
}

// taskStates are the task states in the order a task moves through them,
// which is also the order lists show them in.
var taskStates = []string{
	ledger.TaskOpen, ledger.TaskClaimed, ledger.TaskInProgress, ledger.TaskReview, ledger.TaskAssessed,
	ledger.TaskApproved, ledger.TaskContested, ledger.TaskAwarded, ledger.TaskCancelled,
}

// stateRank is a state's place in taskStates; a state the ledger does not
// define sorts last.
func stateRank(state string) int {
	if i := slices.Index(taskStates, state); i >= 0 {
		return i
	}
	return len(taskStates)
}

func queryTasks(_ *Toolbox, tx *ledger.Tx, c *call) Reply {
	team, states, err := tasksFilter(tx, c)
	if err != nil {
		return refusal(err)
	}
	// One pass, bucketed by state: no sort of a possibly huge list, and
	// only the lines that will be shown are kept.
	buckets := make([][]ledger.Task, len(taskStates)+1)
	total := 0
	for t := range tx.Tasks() {
		if (team != "" && t.Team != team) || (states != nil && !states[t.State]) {
			continue
		}
		total++
		if i := stateRank(t.State); len(buckets[i]) < maxListLines {
			buckets[i] = append(buckets[i], t)
		}
	}

	whose := "every team"
	if team != "" {
		whose = "the " + teamWords(tx, team)
	}
	which := "in any state"
	if states != nil {
		which = joinWords(stateList(states), "or")
	}
	if total == 0 {
		all := "`!tasks all`"
		if team != "" {
			all = fmt.Sprintf("`!tasks %s all`", teamShort(team))
		}
		if states == nil && team == "" {
			return Reply{Text: "There are no tasks yet. A team captain creates them with `!create_task`."}
		}
		if states == nil {
			return Reply{Text: fmt.Sprintf("%s has no tasks yet. Its captain creates them with `!create_task`.", capitalize(whose))}
		}
		return Reply{Text: fmt.Sprintf("No task of %s is %s. %s lists them in every state.", whose, which, all)}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "**Tasks of %s** — %s (%d)\n\n", whose, which, total)
	shown := 0
	for _, bucket := range buckets {
		for _, t := range bucket {
			if shown == maxListLines {
				break
			}
			shown++
			fmt.Fprintf(&b, "- `%s` %s — %s · %s · %s", t.ID, mdText(t.Title), stateWords(t.State), budgetWords(t), peopleWords(t))
			if team == "" {
				fmt.Fprintf(&b, " · %s", teamWords(tx, t.Team))
			}
			b.WriteString("\n")
		}
	}
	if total > shown {
		fmt.Fprintf(&b, "\n…and %d more — narrow it with a team or state.\n", total-shown)
	}
	b.WriteString("\n`!task <task_id>` shows one in detail.")
	return Reply{Text: b.String()}
}

// tasksFilter reads !tasks' arguments, in either order. A nil states means
// every state.
func tasksFilter(tx *ledger.Tx, c *call) (team string, states map[string]bool, err error) {
	all := false
	teamArgGiven := ""
	for _, arg := range c.Args {
		s := strings.ReplaceAll(strings.ToLower(arg), "-", "_")
		switch {
		case s == "all":
			all = true
		case slices.Contains(taskStates, s):
			if states == nil {
				states = map[string]bool{}
			}
			states[s] = true
		default:
			if teamArgGiven != "" {
				return "", nil, ledger.Refuse("`!tasks` takes one team at a time, and %s and %s are both teams. Ask for one, then the other.", quoteArg(teamArgGiven), quoteArg(arg))
			}
			id, candidates := findTeam(tx, arg)
			if id == "" {
				if len(candidates) > 1 {
					return "", nil, ambiguousTeam(tx, arg, candidates)
				}
				return "", nil, ledger.Refuse("%s is neither a team nor a task state. Teams: %s. States: %s, or `all`.",
					quoteArg(arg), teamList(tx, knownTeams(tx)), strings.Join(taskStates, ", "))
			}
			team, teamArgGiven = id, arg
		}
	}
	if teamArgGiven == "" && c.Room.Kind == RoomTeam {
		team = c.Room.Team
	}
	switch {
	case all:
		states = nil
	case states == nil:
		states = map[string]bool{ledger.TaskOpen: true, ledger.TaskClaimed: true, ledger.TaskInProgress: true}
	}
	return team, states, nil
}

// stateList is a set of states in their natural order, in words.
func stateList(states map[string]bool) []string {
	var out []string
	for _, s := range taskStates {
		if states[s] {
			out = append(out, strings.ReplaceAll(s, "_", " "))
		}
	}
	return out
}

var cmdTask = &Command{
	Name: "task", Tier: TierQuery, Params: []Param{{Name: "task_id", Kind: KindTask}},
	Summary: "one task in detail, with its work sessions",
	Help: "Shows a task: its title, team and objective, size and SC budget, where it stands, its attacker and defender, " +
		"who created it and when, and every work session on it (who, when, how long, and the first line of the summary).",
	query: queryTask,
}

// sizeWords are the task sizes and the effort each stands for.
var sizeWords = map[string]string{
	"S": "small (1–2 h)", "M": "medium (3–4 h)", "L": "large (5–8 h)", "XL": "complex (1–2 days)",
}

// stateMeaning says what a task's state means for the people on it.
var stateMeaning = map[string]string{
	ledger.TaskOpen:       "open — nobody is on it yet",
	ledger.TaskClaimed:    "claimed — someone is on it, no work session yet",
	ledger.TaskInProgress: "in progress — work sessions have started",
	ledger.TaskReview:     "waiting for review — the work stopped, the team captain assesses it next",
	ledger.TaskAssessed:   "assessed — scored, SC pending, waiting for the captain's approval",
	ledger.TaskApproved:   "approved — the 48 h lazy-consensus window is running; any owner may object",
	ledger.TaskContested:  "contested — an owner objected to its SC, which the general forum votes on (on a task contested before such votes: its captain can assess it again)",
	ledger.TaskAwarded:    "awarded — the SC are paid",
	ledger.TaskCancelled:  "cancelled",
}

func queryTask(_ *Toolbox, tx *ledger.Tx, c *call) Reply {
	id := c.Args[0] // a task ID's shape, checked with the arguments
	t, ok := tx.Task(id)
	if !ok {
		return refused(fmt.Sprintf("There is no task `%s`. `!tasks all` lists every task, `!my_tasks` yours.", id))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**Task `%s` — %s**\n\n", t.ID, mdText(t.Title))
	fmt.Fprintf(&b, "- Team: %s\n", teamWords(tx, t.Team))
	if t.Objective != "" {
		if o, ok := tx.Objective(t.Objective); ok && o.Title != "" {
			fmt.Fprintf(&b, "- Objective: `%s` %s\n", o.ID, mdText(o.Title))
		} else {
			fmt.Fprintf(&b, "- Objective: `%s`\n", t.Objective)
		}
	}
	size := sizeWords[t.Size]
	if size == "" {
		size = t.Size
	}
	fmt.Fprintf(&b, "- Size: %s, budget %d SC\n", size, t.BudgetSC)
	state := stateMeaning[t.State]
	if state == "" {
		state = stateWords(t.State)
	}
	a, assessed := latestAssessment(tx, t.ID)
	if upheld, ok := upheldWords(tx, a); assessed && ok && t.State == ledger.TaskApproved {
		// The vote decided it: no window runs, and !object is refused.
		state = "approved — " + upheld
	}
	fmt.Fprintf(&b, "- State: %s\n", state)
	fmt.Fprintf(&b, "- Attacker: %s · Defender: %s\n", orNobody(t.Attacker), orNobody(t.Defender))
	if assessed {
		fmt.Fprintf(&b, "- %s\n", assessmentWords(tx, t, a))
	}
	if created := createdWords(t); created != "" {
		fmt.Fprintf(&b, "- %s\n", created)
	}

	sessions := taskSessions(tx, t.ID)
	if len(sessions) == 0 {
		b.WriteString("\nNo work sessions yet.")
		if t.State == ledger.TaskClaimed || t.State == ledger.TaskInProgress {
			fmt.Fprintf(&b, " Its attacker or defender opens one with `!start_work %s`.", t.ID)
		}
		return Reply{Text: b.String()}
	}
	fmt.Fprintf(&b, "\n**Work sessions** (%d)\n\n", len(sessions))
	for i, s := range sessions {
		if i == maxListLines {
			fmt.Fprintf(&b, "- …and %d more\n", len(sessions)-i)
			break
		}
		fmt.Fprintf(&b, "- %s (%s): ", s.Alias, s.Position)
		if s.State == ledger.SessionOpen {
			fmt.Fprintf(&b, "open since %s UTC\n", s.Started.Format("2006-01-02 15:04"))
			continue
		}
		fmt.Fprintf(&b, "%s UTC, %s, closed", s.Started.Format("2006-01-02 15:04"), duration(s.Minutes))
		if line := firstLine(s.Summary, 120); line != "" {
			fmt.Fprintf(&b, " — %s", mdText(line))
		}
		b.WriteString("\n")
	}
	return Reply{Text: strings.TrimRight(b.String(), "\n")}
}

// latestAssessment is the task's newest assessment that was not replaced.
func latestAssessment(tx *ledger.Tx, task string) (ledger.Assessment, bool) {
	var best ledger.Assessment
	found := false
	for a := range tx.Assessments() {
		if a.Task == task && a.State != ledger.AssessmentSuperseded && (!found || compareIDs(a.ID, best.ID) > 0) {
			best, found = a, true
		}
	}
	return best, found
}

// assessmentWords is an assessment in one line: the scores, the SC, and
// where the lazy consensus stands.
func assessmentWords(tx *ledger.Tx, t ledger.Task, a ledger.Assessment) string {
	s := fmt.Sprintf("Assessed by %s: effort %d, learning %d, collaboration %d → %d SC (%s %d",
		a.AssessedBy, a.Effort, a.Learning, a.Collaboration, a.PayoutSC, orNobody(t.Attacker), a.AttackerSC)
	if a.DefenderSC > 0 {
		s += fmt.Sprintf(", %s %d", t.Defender, a.DefenderSC)
	}
	s += ")"
	switch a.State {
	case ledger.AssessmentAssessed:
		s += "; pending until the captain approves it"
	case ledger.AssessmentApproved:
		if upheld, ok := upheldWords(tx, a); ok {
			s += fmt.Sprintf("; approved by %s, contested by %s and %s", a.ApprovedBy, a.ObjectedBy, upheld)
			break
		}
		s += fmt.Sprintf("; approved by %s, objections until %s UTC (`!object %s <reason>`)", a.ApprovedBy, a.WindowEnds.Format("2006-01-02 15:04"), t.ID)
	case ledger.AssessmentDisputed:
		s += fmt.Sprintf("; contested by %s: %s — the general forum votes on it", a.ObjectedBy, mdText(firstLine(a.Objection, 120)))
	case ledger.AssessmentContested:
		s += fmt.Sprintf("; contested by %s: %s — not awarded", a.ObjectedBy, mdText(firstLine(a.Objection, 120)))
	case ledger.AssessmentAwarded:
		s += fmt.Sprintf("; awarded on %s", a.Settled.Format("2006-01-02"))
	}
	return s
}

// taskSessions lists a task's work sessions. start_work numbers them
// <task>_ws1, _ws2, … taking the first free number, and nothing is ever
// erased, so probing the numbers in turn finds them all without reading
// every session in the ledger.
func taskSessions(tx *ledger.Tx, task string) []ledger.Session {
	var out []ledger.Session
	for n := 1; ; n++ {
		id, err := newSessionID(task, n)
		if err != nil {
			return out
		}
		s, ok := tx.Session(id)
		if !ok {
			return out
		}
		out = append(out, s)
	}
}

func createdWords(t ledger.Task) string {
	var parts []string
	switch {
	case t.CreatedBy != "" && !t.Created.IsZero():
		parts = append(parts, fmt.Sprintf("Created by %s on %s", t.CreatedBy, t.Created.Format("2006-01-02")))
	case t.CreatedBy != "":
		parts = append(parts, "Created by "+t.CreatedBy)
	case !t.Created.IsZero():
		parts = append(parts, "Created on "+t.Created.Format("2006-01-02"))
	}
	if !t.Updated.IsZero() && !t.Updated.Equal(t.Created) {
		parts = append(parts, "last changed "+t.Updated.Format("2006-01-02 15:04")+" UTC")
	}
	return capitalize(strings.Join(parts, ", "))
}

func budgetWords(t ledger.Task) string {
	if t.Size == "" {
		return fmt.Sprintf("%d SC", t.BudgetSC)
	}
	return fmt.Sprintf("%s, %d SC", t.Size, t.BudgetSC)
}

func peopleWords(t ledger.Task) string {
	switch {
	case t.Attacker == "" && t.Defender == "":
		return "nobody on it yet"
	case t.Defender == "":
		return "attacker " + t.Attacker + ", no defender yet"
	case t.Attacker == "":
		return "defender " + t.Defender + ", no attacker yet"
	}
	return "attacker " + t.Attacker + ", defender " + t.Defender
}

func orNobody(alias string) string {
	if alias == "" {
		return "nobody yet"
	}
	return alias
}
