package toolbox

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"smartup0.org/engelbot/ledger"
)

// lookupCommands are the queries about the community: roles, tasks,
// owners, teams.
var lookupCommands = []*Command{cmdOpenRoles, cmdTasks, cmdTask, cmdWhois, cmdTeam}

// maxListLines keeps a list short enough to read in a chat; the rest is
// counted, and the owner is told how to narrow the question.
const maxListLines = 30

var cmdOpenRoles = &Command{
	Name: "open_roles", Aliases: []string{"openroles"}, Tier: TierQuery, Args: "[team]", MaxArgs: 1,
	Summary: "roles recruiting now, and those coming later",
	Help: "Lists the roles whose recruitment is open: their team, their type (team captain, senior or junior), " +
		"the hours a week they ask and the SC they can earn a week. Roles that will recruit later are listed apart, as coming. " +
		"Name a team to see only its roles: by its ID (`3_7_operational_team`), its name (`operational`) or its number (`7`). " +
		"`!apply <role_id> [motivation]` applies for a role.",
	query: queryOpenRoles,
}

func queryOpenRoles(_ *Toolbox, tx *ledger.Tx, c *call) Reply {
	team := ""
	if len(c.Args) == 1 {
		id, err := teamArg(tx, c.Args[0])
		if err != nil {
			return refusal(err)
		}
		team = id
	}
	var open, future []ledger.Role
	for r := range tx.Roles() {
		if r.Status != ledger.StatusActive || (team != "" && r.Team != team) {
			continue
		}
		switch strings.ToLower(r.Recruitment) {
		case "open":
			open = append(open, r)
		case "future":
			future = append(future, r)
		}
	}
	byTeamAndID := func(a, b ledger.Role) int {
		return cmp.Or(compareIDs(a.Team, b.Team), compareIDs(a.ID, b.ID))
	}
	slices.SortFunc(open, byTeamAndID)
	slices.SortFunc(future, byTeamAndID)

	where := ""
	if team != "" {
		where = " in the " + teamWords(tx, team)
	}
	var b strings.Builder
	if len(open) == 0 {
		fmt.Fprintf(&b, "No role%s is recruiting right now.", where)
	} else {
		fmt.Fprintf(&b, "**Roles recruiting now%s**\n\n", where)
		for _, r := range open {
			writeRole(&b, tx, r)
		}
		b.WriteString("\n`!apply <role_id> [motivation]` applies for one of them.")
	}
	if len(future) > 0 {
		b.WriteString("\n\n**Coming later** (not recruiting yet)\n\n")
		for _, r := range future {
			writeRole(&b, tx, r)
		}
	}
	if len(open) == 0 && len(future) == 0 && team != "" {
		b.WriteString(" `!open_roles` without a team shows every team's roles.")
	}
	return Reply{Text: strings.TrimRight(b.String(), "\n")}
}

func writeRole(b *strings.Builder, tx *ledger.Tx, r ledger.Role) {
	fmt.Fprintf(b, "- **%s** (`%s`) — %s, %s", r.Title, r.ID, teamWords(tx, r.Team), roleTypeWords(r.Type))
	if r.Hours > 0 {
		fmt.Fprintf(b, ", %d h a week", r.Hours)
	}
	if r.SCPotential > 0 {
		fmt.Fprintf(b, ", up to %d SC a week", r.SCPotential)
	}
	b.WriteString("\n")
}

func roleTypeWords(t string) string {
	switch t {
	case ledger.RoleCaptain:
		return "team captain"
	case ledger.RoleSenior:
		return "senior (attacker)"
	case ledger.RoleJunior:
		return "junior (defender)"
	}
	return strings.ReplaceAll(t, "_", " ")
}

var cmdTasks = &Command{
	Name: "tasks", Tier: TierQuery, Args: "[team] [state]", MaxArgs: 2,
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
			fmt.Fprintf(&b, "- `%s` %s — %s · %s · %s", t.ID, t.Title, stateWords(t.State), budgetWords(t), peopleWords(t))
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
	Name: "task", Tier: TierQuery, Args: "<task_id>", MinArgs: 1, MaxArgs: 1,
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
	ledger.TaskContested:  "contested — an owner objected, so it goes to a vote",
	ledger.TaskAwarded:    "awarded — the SC are paid",
	ledger.TaskCancelled:  "cancelled",
}

func queryTask(_ *Toolbox, tx *ledger.Tx, c *call) Reply {
	id := c.Args[0]
	if !taskIDPattern.MatchString(id) {
		return refused(fmt.Sprintf("%s is not a task ID. Task IDs look like `6_1_2_3`; `!tasks` lists them.", quoteArg(id)))
	}
	t, ok := tx.Task(id)
	if !ok {
		return refused(fmt.Sprintf("There is no task `%s`. `!tasks all` lists every task, `!my_tasks` yours.", id))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**Task `%s` — %s**\n\n", t.ID, t.Title)
	fmt.Fprintf(&b, "- Team: %s\n", teamWords(tx, t.Team))
	if t.Objective != "" {
		if o, ok := tx.Objective(t.Objective); ok && o.Title != "" {
			fmt.Fprintf(&b, "- Objective: `%s` %s\n", o.ID, o.Title)
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
	fmt.Fprintf(&b, "- State: %s\n", state)
	fmt.Fprintf(&b, "- Attacker: %s · Defender: %s\n", orNobody(t.Attacker), orNobody(t.Defender))
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
			fmt.Fprintf(&b, " — %s", line)
		}
		b.WriteString("\n")
	}
	return Reply{Text: strings.TrimRight(b.String(), "\n")}
}

// taskSessions lists a task's work sessions. start_work numbers them
// <task>_ws1, _ws2, … taking the first free number, and nothing is ever
// erased, so probing the numbers in turn finds them all without reading
// every session in the ledger.
func taskSessions(tx *ledger.Tx, task string) []ledger.Session {
	var out []ledger.Session
	for n := 1; ; n++ {
		s, ok := tx.Session(fmt.Sprintf("%s_ws%d", task, n))
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

var cmdWhois = &Command{
	Name: "whois", Tier: TierQuery, Args: "<alias or @user>", MinArgs: 1, MaxArgs: -1,
	Summary: "public facts about an owner: license, roles, tasks, SC and SK",
	Help: "Shows what the Book of Owners says in public about an owner: their alias, license and status, when they joined, " +
		"the roles they hold, the tasks they are on, their SC (awarded and pending), their SK and the vote weight it gives " +
		"(1 + SK/1000, at most 1.5). Name them by alias (`carol`), by Matrix ID (`@carol:smartup0.org`) or with a mention.",
	query: queryWhois,
}

func queryWhois(_ *Toolbox, tx *ledger.Tx, c *call) Reply {
	o, err := findOwner(tx, strings.Join(c.Args, " "))
	if err != nil {
		return refusal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** — %s license, %s", o.Alias, o.License, o.Status)
	if !o.Joined.IsZero() {
		fmt.Fprintf(&b, ", owner since %s", o.Joined.Format("2006-01-02"))
	}
	b.WriteString("\n\n")

	roles := activeRoles(tx, o.Alias)
	if len(roles) == 0 {
		b.WriteString("- Roles: none\n")
	} else {
		names := make([]string, len(roles))
		for i, r := range roles {
			names[i] = fmt.Sprintf("%s (`%s`, %s)", r.Title, r.ID, teamWords(tx, r.Team))
		}
		fmt.Fprintf(&b, "- Roles: %s\n", strings.Join(names, ", "))
	}
	bal := tx.Balance(o.Alias)
	fmt.Fprintf(&b, "- SC: %d awarded, %d pending\n", bal.SCAwarded, bal.SCPending)
	fmt.Fprintf(&b, "- SK: %d (vote weight %.2f)\n", bal.SK, VoteWeight(bal.SK))

	// Work in progress first: finished tasks only pile up.
	tasks := slices.SortedStableFunc(slices.Values(tx.TasksOf(o.Alias)), func(a, b ledger.Task) int {
		return cmp.Or(cmp.Compare(stateRank(a.State), stateRank(b.State)), compareIDs(a.ID, b.ID))
	})
	if len(tasks) == 0 {
		b.WriteString("- Tasks: none\n")
	} else {
		fmt.Fprintf(&b, "- Tasks (%d):\n", len(tasks))
		for i, t := range tasks {
			if i == maxListLines {
				fmt.Fprintf(&b, "  - …and %d more\n", len(tasks)-i)
				break
			}
			fmt.Fprintf(&b, "  - `%s` %s — %s, as %s\n", t.ID, t.Title, stateWords(t.State), t.PositionOf(o.Alias))
		}
	}
	if s, ok := openSession(tx, o.Alias); ok {
		fmt.Fprintf(&b, "- Working now on `%s` since %s UTC\n", s.Task, s.Started.Format("2006-01-02 15:04"))
	}
	return Reply{Text: strings.TrimRight(b.String(), "\n")}
}

// matrixToPrefix starts a Matrix mention link, as clients write pills.
const matrixToPrefix = "matrix.to/#/"

// findOwner finds an owner by alias, by Matrix ID, or by a mention: the
// Markdown pill [name](https://matrix.to/#/@alias:server), a bare
// matrix.to link, or "alias:" as clients put a mention at the start of a
// line. Identity is the Matrix ID; a display name is never looked up.
func findOwner(tx *ledger.Tx, raw string) (ledger.Owner, error) {
	s := strings.TrimSpace(raw)
	if i := strings.Index(s, matrixToPrefix); i >= 0 {
		s = s[i+len(matrixToPrefix):]
		if j := strings.IndexAny(s, ")>? "); j >= 0 {
			s = s[:j]
		}
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
	}
	s = strings.TrimSuffix(s, ":")
	if strings.HasPrefix(s, "@") && strings.Contains(s, ":") {
		for _, id := range []string{s, strings.ToLower(s)} {
			if o, ok := tx.OwnerByMatrixID(id); ok {
				return o, nil
			}
		}
		return ledger.Owner{}, ledger.Refuse("No owner in the Book of Owners has the Matrix ID %s. `!whois <alias>` finds an owner by their alias.", quoteArg(s))
	}
	alias := strings.TrimPrefix(s, "@")
	if o, ok := tx.Owner(alias); ok && alias != "" {
		return o, nil
	}
	msg := fmt.Sprintf("There is no owner called %s in the Book of Owners.", quoteArg(raw))
	if near := closestAlias(tx, strings.ToLower(alias)); near != "" {
		msg += fmt.Sprintf(" Did you mean `%s`?", near)
	}
	return ledger.Owner{}, ledger.Refuse("%s Owners go by their alias (`!whois carol`) or their Matrix ID (`!whois @carol:server`).", msg)
}

// closestAlias is the alias nearest to a mistyped one, if one is near
// enough to be a typo. It runs on refusals only, so reading the whole Book
// of Owners is affordable.
func closestAlias(tx *ledger.Tx, alias string) string {
	if alias == "" || utf8.RuneCountInString(alias) > 40 {
		return ""
	}
	best, bestD := "", 3
	for o := range tx.Owners() {
		if d := editDistance(alias, o.Alias); d < bestD {
			best, bestD = o.Alias, d
		}
	}
	return best
}

var cmdTeam = &Command{
	Name: "team", Tier: TierQuery, Args: "[team]", MaxArgs: 1,
	Summary: "a team card: captain, members by role, open roles, tasks",
	Help: "Shows a team: its captain, its members by role, the roles it is recruiting for and how many of its tasks are " +
		"in each state. Without a name, the team of this room; elsewhere name one, by ID (`3_7_operational_team`), " +
		"name (`operational`) or number (`7`).",
	query: queryTeam,
}

func queryTeam(_ *Toolbox, tx *ledger.Tx, c *call) Reply {
	var team string
	switch {
	case len(c.Args) == 1:
		id, err := teamArg(tx, c.Args[0])
		if err != nil {
			return refusal(err)
		}
		team = id
	case c.Room.Kind == RoomTeam:
		team = c.Room.Team
	default:
		return refused(fmt.Sprintf("Which team? This is not a team's room, so please name one, for example `!team %s`. The teams are: %s.",
			exampleTeam(tx), teamList(tx, knownTeams(tx))))
	}

	var roles []ledger.Role
	for r := range tx.Roles() {
		if r.Team == team && r.Status == ledger.StatusActive {
			roles = append(roles, r)
		}
	}
	slices.SortFunc(roles, func(a, b ledger.Role) int {
		return cmp.Or(cmp.Compare(roleTypeRank(a.Type), roleTypeRank(b.Type)), compareIDs(a.ID, b.ID))
	})
	holders := make(map[string][]string, len(roles))
	for _, r := range roles {
		holders[r.ID] = nil
	}
	for a := range tx.Assignments() {
		if _, ours := holders[a.Role]; !ours || a.Status != ledger.StatusActive {
			continue
		}
		// An inactive owner keeps their rows, but is no longer a member.
		if o, ok := tx.Owner(a.Alias); ok && o.Status == ledger.StatusActive {
			holders[a.Role] = append(holders[a.Role], o.Alias)
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "**%s** (`%s`)\n\n", capitalize(teamWords(tx, team)), team)
	if t, ok := tx.Team(team); ok && t.Status != "" && t.Status != ledger.StatusActive {
		fmt.Fprintf(&b, "This team is %s.\n\n", t.Status)
	}
	var captains []string
	for _, r := range roles {
		if r.Type == ledger.RoleCaptain {
			captains = append(captains, holders[r.ID]...)
		}
	}
	if len(captains) == 0 {
		b.WriteString("- Captain: none at the moment\n")
	} else {
		fmt.Fprintf(&b, "- Captain: %s\n", strings.Join(captains, ", "))
	}
	var open, future []string
	members := 0
	for _, r := range roles {
		switch strings.ToLower(r.Recruitment) {
		case "open":
			open = append(open, fmt.Sprintf("%s (`%s`)", r.Title, r.ID))
		case "future":
			future = append(future, fmt.Sprintf("%s (`%s`)", r.Title, r.ID))
		}
		if r.Type == ledger.RoleCaptain {
			continue
		}
		if members == 0 {
			b.WriteString("- Members by role:\n")
		}
		members++
		fmt.Fprintf(&b, "  - %s (`%s`): %s\n", r.Title, r.ID, aliasList(holders[r.ID]))
	}
	if members == 0 {
		b.WriteString("- Members: no roles besides the captain's yet\n")
	}
	if len(open) > 0 {
		fmt.Fprintf(&b, "- Recruiting now: %s — `!open_roles %s` has the details\n", strings.Join(open, ", "), teamShort(team))
	}
	if len(future) > 0 {
		fmt.Fprintf(&b, "- Coming later: %s\n", strings.Join(future, ", "))
	}

	counts := make([]int, len(taskStates)+1)
	total := 0
	for t := range tx.Tasks() {
		if t.Team == team {
			counts[stateRank(t.State)]++
			total++
		}
	}
	if total == 0 {
		b.WriteString("- Tasks: none yet")
		return Reply{Text: b.String()}
	}
	var parts []string
	for i, n := range counts {
		if n == 0 {
			continue
		}
		name := "other"
		if i < len(taskStates) {
			name = strings.ReplaceAll(taskStates[i], "_", " ")
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, name))
	}
	fmt.Fprintf(&b, "- Tasks (%d): %s — `!tasks %s all` lists them", total, strings.Join(parts, " · "), teamShort(team))
	return Reply{Text: b.String()}
}

func roleTypeRank(t string) int {
	switch t {
	case ledger.RoleCaptain:
		return 0
	case ledger.RoleSenior:
		return 1
	case ledger.RoleJunior:
		return 2
	}
	return 3
}

// aliasList names a role's holders, shortened for a big team.
func aliasList(aliases []string) string {
	const most = 20
	switch {
	case len(aliases) == 0:
		return "nobody yet"
	case len(aliases) > most:
		return fmt.Sprintf("%s and %d more", strings.Join(aliases[:most], ", "), len(aliases)-most)
	}
	return strings.Join(aliases, ", ")
}

// knownTeams are the teams the ledger knows: those of the teams index, and
// those its roles name (a ledger may have roles before team rows).
func knownTeams(tx *ledger.Tx) []string {
	seen := map[string]bool{}
	var ids []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for t := range tx.Teams() {
		add(t.ID)
	}
	for r := range tx.Roles() {
		add(r.Team)
	}
	slices.SortFunc(ids, compareIDs)
	return ids
}

// teamArg resolves a team named in a command, or says which teams exist.
func teamArg(tx *ledger.Tx, arg string) (string, error) {
	id, candidates := findTeam(tx, arg)
	switch {
	case id != "":
		return id, nil
	case len(candidates) > 1:
		return "", ambiguousTeam(tx, arg, candidates)
	}
	known := knownTeams(tx)
	if len(known) == 0 {
		return "", ledger.Refuse("I know no team called %s: the ledger has no teams yet. An admin adds them, with their roles.", quoteArg(arg))
	}
	return "", ledger.Refuse("I know no team called %s. The teams are: %s.", quoteArg(arg), teamList(tx, known))
}

func ambiguousTeam(tx *ledger.Tx, arg string, candidates []string) error {
	return ledger.Refuse("%s could be more than one team: %s. Please name one of them.", quoteArg(arg), teamList(tx, candidates))
}

// findTeam matches a team by ID, number (7 or 3_7), short name
// (operational, operational_team), full name, or a prefix of the short
// name long enough to be unambiguous. With no single match, candidates
// lists the teams a prefix matched.
func findTeam(tx *ledger.Tx, arg string) (id string, candidates []string) {
	want := strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(arg)))
	if want == "" {
		return "", nil
	}
	known := knownTeams(tx)
	for _, id := range known {
		short := teamShort(id)
		names := []string{strings.ToLower(id), short, short + "_team"}
		if n := teamNumber(id); n != "" {
			names = append(names, n, "3_"+n)
		}
		if t, ok := tx.Team(id); ok && t.Name != "" {
			names = append(names, strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(t.Name)))
		}
		if slices.Contains(names, want) {
			return id, nil
		}
	}
	if utf8.RuneCountInString(want) < 3 {
		return "", nil
	}
	for _, id := range known {
		if strings.HasPrefix(teamShort(id), want) {
			candidates = append(candidates, id)
		}
	}
	if len(candidates) == 1 {
		return candidates[0], nil
	}
	return "", candidates
}

// splitTeamID splits 3_7_operational_team into its number and the rest.
func splitTeamID(id string) (number, rest string, ok bool) {
	parts := strings.SplitN(id, "_", 3)
	if len(parts) != 3 || parts[0] != "3" {
		return "", id, false
	}
	if _, err := strconv.Atoi(parts[1]); err != nil {
		return "", id, false
	}
	return parts[1], parts[2], true
}

// teamNumber is the team's number within layer 3 ("7"), if its ID has one.
func teamNumber(id string) string {
	n, _, _ := splitTeamID(id)
	return n
}

// teamShort is the name an owner types for a team: "operational" for
// 3_7_operational_team.
func teamShort(id string) string {
	_, rest, _ := splitTeamID(id)
	return strings.TrimSuffix(strings.ToLower(rest), "_team")
}

// teamWords is a team in words: its name in the teams index, or one made
// from its ID ("Operational team").
func teamWords(tx *ledger.Tx, id string) string {
	if t, ok := tx.Team(id); ok && t.Name != "" {
		return t.Name
	}
	_, rest, _ := splitTeamID(id)
	if name := strings.ReplaceAll(rest, "_", " "); name != "" {
		if !strings.HasSuffix(name, "team") {
			name += " team"
		}
		return capitalize(name)
	}
	return id
}

// teamList names teams the way an owner can type them.
func teamList(tx *ledger.Tx, ids []string) string {
	if len(ids) == 0 {
		return "none yet"
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = fmt.Sprintf("`%s` (%s)", teamShort(id), teamWords(tx, id))
	}
	return strings.Join(out, ", ")
}

// exampleTeam is a team to show in an example: the first one known.
func exampleTeam(tx *ledger.Tx) string {
	if known := knownTeams(tx); len(known) > 0 {
		return teamShort(known[0])
	}
	return "operational"
}

// compareIDs orders layer IDs (3_7_…, 4_2_7_…, 6_1_7_10) part by part,
// numbers as numbers, so that 6_1_7_2 comes before 6_1_7_10.
func compareIDs(a, b string) int {
	pa, pb := strings.Split(a, "_"), strings.Split(b, "_")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, errA := strconv.Atoi(pa[i])
		nb, errB := strconv.Atoi(pb[i])
		var c int
		if errA == nil && errB == nil {
			c = cmp.Compare(na, nb)
		} else {
			c = strings.Compare(pa[i], pb[i])
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(len(pa), len(pb))
}

// quoteArg echoes what an owner typed, quoted and cut short, so a refusal
// never repeats a whole pasted page.
func quoteArg(s string) string {
	const most = 40
	if utf8.RuneCountInString(s) > most {
		s = string([]rune(s)[:most]) + "…"
	}
	return strconv.Quote(s)
}

// firstLine is the first line of a text, cut to at most n characters.
func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n]) + "…"
	}
	return s
}

// joinWords joins words as a sentence does: "a, b or c".
func joinWords(words []string, and string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " " + and + " " + words[len(words)-1]
}

func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return strings.ToUpper(string(r)) + s[size:]
}
