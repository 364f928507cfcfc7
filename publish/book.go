package publish

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// pageRows is how many tasks or owners one page lists: enough that a
// community of 100,000 tasks makes hundreds of files, not thousands, and
// few enough that no page is a burden to open.
const pageRows = 250

// book is the ledger's public facts gathered once, sorted, and laid out
// over the section's pages, so that each page renders from it without
// scanning the ledger again and every link knows the page it points to.
type book struct {
	tx *ledger.Tx

	owners    []ledger.Owner    // by alias
	ownerPage map[string]string // alias → page
	teams     []ledger.Team     // by ID
	teamOf    map[string]ledger.Team
	roles     map[string]ledger.Role
	teamRoles map[string][]ledger.Role // team → its roles, captains first
	holders   map[string][]string      // role → aliases holding it now
	rolesOf   map[string][]string      // alias → roles held now

	objectives []ledger.Objective // by ID
	objOf      map[string]ledger.Objective

	tasks      []ledger.Task // by ID
	groups     []*taskGroup  // by team, then objective
	taskPage   map[string]string
	assessment map[string]ledger.Assessment // task → its current assessment
	doneBy     map[string]int               // alias → tasks awarded as attacker or defender

	money map[string]*money // alias → SC and SK
	total money
}

// money is what the transactions say someone holds.
type money struct{ scAwarded, scPending, sk int }

// taskGroup is a team's tasks serving one objective, over pages.
type taskGroup struct {
	team, objective string
	pages           []taskPage
}

// taskPage is one page of a group.
type taskPage struct {
	path  string
	tasks []ledger.Task
}

func gather(tx *ledger.Tx) *book {
	b := &book{
		tx: tx, ownerPage: map[string]string{}, teamOf: map[string]ledger.Team{}, roles: map[string]ledger.Role{},
		teamRoles: map[string][]ledger.Role{}, holders: map[string][]string{}, rolesOf: map[string][]string{},
		objOf: map[string]ledger.Objective{}, taskPage: map[string]string{}, assessment: map[string]ledger.Assessment{},
		doneBy: map[string]int{}, money: map[string]*money{},
	}
	for o := range tx.Owners() {
		b.owners = append(b.owners, o)
	}
	slices.SortFunc(b.owners, func(x, y ledger.Owner) int { return cmp.Compare(x.Alias, y.Alias) })
	for i, o := range b.owners {
		b.ownerPage[o.Alias] = ownersPagePath(i / pageRows)
	}
	for t := range tx.Teams() {
		b.teams = append(b.teams, t)
		b.teamOf[t.ID] = t
	}
	slices.SortFunc(b.teams, func(x, y ledger.Team) int { return compareIDs(x.ID, y.ID) })
	for r := range tx.Roles() {
		b.roles[r.ID] = r
		b.teamRoles[r.Team] = append(b.teamRoles[r.Team], r)
	}
	for _, rs := range b.teamRoles {
		slices.SortFunc(rs, func(x, y ledger.Role) int {
			return cmp.Or(cmp.Compare(toolbox.RoleRank(x.Type), toolbox.RoleRank(y.Type)), compareIDs(x.ID, y.ID))
		})
	}
	for a := range tx.Assignments() {
		if a.Status != ledger.StatusActive {
			continue
		}
		b.holders[a.Role] = append(b.holders[a.Role], a.Alias)
		b.rolesOf[a.Alias] = append(b.rolesOf[a.Alias], a.Role)
	}
	for _, m := range []map[string][]string{b.holders, b.rolesOf} {
		for k, v := range m {
			slices.SortFunc(v, compareIDs)
			m[k] = slices.Compact(v)
		}
	}
	for o := range tx.Objectives() {
		b.objectives = append(b.objectives, o)
		b.objOf[o.ID] = o
	}
	slices.SortFunc(b.objectives, func(x, y ledger.Objective) int { return compareIDs(x.ID, y.ID) })

	b.gatherTasks()
	b.gatherMoney()
	return b
}

// gatherTasks sorts the tasks into groups by team and objective and lays
// each group out over pages.
func (b *book) gatherTasks() {
	type keyed struct {
		group, id string
		t         ledger.Task
	}
	var all []keyed
	for t := range b.tx.Tasks() {
		all = append(all, keyed{group: idKey(t.Team) + "\x00" + idKey(t.Objective), id: idKey(t.ID), t: t})
		if t.State == ledger.TaskAwarded {
			for _, who := range []string{t.Attacker, t.Defender} {
				if who != "" {
					b.doneBy[who]++
				}
			}
		}
	}
	// Sort keys are made once per task: comparing IDs part by part on
	// every comparison made sorting 100,000 tasks the cost of the publish.
	slices.SortFunc(all, func(x, y keyed) int { return cmp.Or(cmp.Compare(x.group, y.group), cmp.Compare(x.id, y.id)) })
	b.tasks = make([]ledger.Task, len(all))
	for i, k := range all {
		b.tasks[i] = k.t
	}
	var g *taskGroup
	for _, t := range b.tasks {
		if g == nil || g.team != t.Team || g.objective != t.Objective {
			g = &taskGroup{team: t.Team, objective: t.Objective}
			b.groups = append(b.groups, g)
		}
		n := len(g.pages)
		if n == 0 || len(g.pages[n-1].tasks) == pageRows {
			g.pages = append(g.pages, taskPage{path: taskPagePath(t.Team, t.Objective, n)})
			n++
		}
		g.pages[n-1].tasks = append(g.pages[n-1].tasks, t)
		b.taskPage[t.ID] = g.pages[n-1].path
	}
	slices.SortFunc(all, func(x, y keyed) int { return cmp.Compare(x.id, y.id) })
	for i, k := range all {
		b.tasks[i] = k.t
	}

	// A task's current assessment is its newest that was not replaced.
	for a := range b.tx.Assessments() {
		if a.State == ledger.AssessmentSuperseded {
			continue
		}
		if cur, ok := b.assessment[a.Task]; !ok || a.Assessed.After(cur.Assessed) ||
			a.Assessed.Equal(cur.Assessed) && compareIDs(a.ID, cur.ID) > 0 {
			b.assessment[a.Task] = a
		}
	}
}

// gatherMoney sums SC and SK per owner in one pass over the transactions:
// awarded SC, SC pending (no later row settles it), and SK after decay.
func (b *book) gatherMoney() {
	settled := b.tx.Settlements()
	of := func(alias string) *money {
		m := b.money[alias]
		if m == nil {
			m = &money{}
			b.money[alias] = m
		}
		return m
	}
	for t := range b.tx.SCTxs() {
		switch {
		case t.Kind == ledger.SCAwarded:
			of(t.Alias).scAwarded += t.Amount
			b.total.scAwarded += t.Amount
		case t.Kind == ledger.SCPending && settled[t.ID] == "":
			of(t.Alias).scPending += t.Amount
			b.total.scPending += t.Amount
		}
	}
	for t := range b.tx.SKTxs() {
		of(t.Alias).sk += t.Amount
	}
	for _, m := range b.money {
		b.total.sk += max(m.sk, 0)
	}
}

// wallet is an owner's money (zero when they have none).
func (b *book) wallet(alias string) money {
	if m := b.money[alias]; m != nil {
		return *m
	}
	return money{}
}

// compareIDs orders IDs such as 6_1_7_12 by their numbers, so that 6_1_7_2
// comes before 6_1_7_10; parts that are not numbers compare as text.
func compareIDs(a, b string) int {
	for a != "" || b != "" {
		pa, ra, _ := strings.Cut(a, "_")
		pb, rb, _ := strings.Cut(b, "_")
		na, ea := strconv.Atoi(pa)
		nb, eb := strconv.Atoi(pb)
		var c int
		if ea == nil && eb == nil {
			c = cmp.Compare(na, nb)
		} else {
			c = cmp.Compare(pa, pb)
		}
		if c != 0 {
			return c
		}
		a, b = ra, rb
	}
	return 0
}

// idKey is a key that sorts as compareIDs does: each part of the ID, a
// number as its length then its digits, any other part as text.
func idKey(id string) string {
	var b strings.Builder
	b.Grow(len(id) + 8)
	for i, part := range strings.Split(id, "_") {
		if i > 0 {
			b.WriteByte(0x01)
		}
		if n := len(part); n > 0 && n < 40 && strings.Trim(part, "0123456789") == "" {
			b.WriteByte(0x02)
			b.WriteByte(byte('0' + n))
		} else {
			b.WriteByte(0x03)
		}
		b.WriteString(part)
	}
	return b.String()
}
