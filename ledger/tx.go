package ledger

import (
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"
)

// Tx is the ledger as a mutation sees it: the snapshot plus the changes made
// so far in this commit. Queries get a Tx too (Snapshot.ReadAt) so that rules
// are written once against one view.
type Tx struct {
	snap *Snapshot
	now  time.Time
	overlays
	sc       appendLog[SCTx]
	sk       appendLog[SKTx]
	treasury appendLog[TreasuryTx]
	votes    appendLog[Vote]
	pages    pageSet
	eventID  string // of the mutation running now
	// err is what the running mutation asked for that cannot be written
	// (see WritePage); it fails that mutation once Run returns.
	err error
}

func newTx(s *Snapshot) *Tx {
	tx := &Tx{snap: s, now: time.Now().UTC()}
	for _, ix := range indexes {
		ix.begin(&tx.overlays, &s.tables)
	}
	return tx
}

// Now is the time the mutation runs at; every timestamp it writes uses it.
func (tx *Tx) Now() time.Time { return tx.now }

// Owner returns an owner by alias (aliases are case-insensitive).
func (tx *Tx) Owner(alias string) (Owner, bool) { return tx.owners.get(strings.ToLower(alias)) }

// OwnerByMatrixID returns the owner with this Matrix user ID.
func (tx *Tx) OwnerByMatrixID(mxid string) (Owner, bool) {
	for _, layer := range []map[string]*Owner{tx.owners.cur, tx.owners.done} {
		for _, o := range layer {
			if o.MatrixID == mxid {
				return *o, true
			}
		}
	}
	if alias, ok := tx.snap.byMatrixID[mxid]; ok {
		if o, ok := tx.owners.get(alias); ok && o.MatrixID == mxid {
			return o, true
		}
	}
	return Owner{}, false
}

// Owners lists the Book of Owners in file order.
func (tx *Tx) Owners() iter.Seq[Owner] { return tx.owners.all() }

// Role returns a role by ID.
func (tx *Tx) Role(id string) (Role, bool) { return tx.roles.get(id) }

// Roles lists every role.
func (tx *Tx) Roles() iter.Seq[Role] { return tx.roles.all() }

// Assignment returns a role assignment by ID.
func (tx *Tx) Assignment(id string) (Assignment, bool) { return tx.assignments.get(id) }

// Assignments lists every role assignment, ended ones included.
func (tx *Tx) Assignments() iter.Seq[Assignment] { return tx.assignments.all() }

// Task returns a task by ID.
func (tx *Tx) Task(id string) (Task, bool) { return tx.tasks.get(id) }

// Tasks lists every task.
func (tx *Tx) Tasks() iter.Seq[Task] { return tx.tasks.all() }

// Session returns a work session by ID.
func (tx *Tx) Session(id string) (Session, bool) { return tx.sessions.get(id) }

// Sessions lists every work session.
func (tx *Tx) Sessions() iter.Seq[Session] { return tx.sessions.all() }

// refs is the snapshot's index entry for alias (never nil).
func (tx *Tx) refs(alias string) *ownerRefs {
	if r := tx.snap.refs[alias]; r != nil {
		return r
	}
	return &ownerRefs{}
}

// TasksOf lists the tasks alias is the attacker or defender of.
func (tx *Tx) TasksOf(alias string) []Task {
	return rowsOf(&tx.tasks, tx.refs(alias).tasks, func(t Task) bool { return t.PositionOf(alias) != "" })
}

// AssignmentsOf lists alias's role assignments, ended ones included.
func (tx *Tx) AssignmentsOf(alias string) []Assignment {
	return rowsOf(&tx.assignments, tx.refs(alias).assignments, func(a Assignment) bool { return a.Alias == alias })
}

// OpenSessionsOf lists alias's work sessions that are open, without
// reading the others.
func (tx *Tx) OpenSessionsOf(alias string) []Session {
	return rowsOf(&tx.sessions, tx.refs(alias).open, func(s Session) bool { return s.Alias == alias && s.State == SessionOpen })
}

// SessionExists reports whether a work session with this ID exists,
// without reading it (an old one is held packed).
func (tx *Tx) SessionExists(id string) bool { return tx.sessions.has(id) }

// PutOwner adds or replaces a Book of Owners row.
func (tx *Tx) PutOwner(o Owner) { o.Alias = strings.ToLower(o.Alias); tx.owners.put(o) }

// PutRole adds or replaces a role.
func (tx *Tx) PutRole(r Role) { tx.roles.put(r) }

// PutAssignment adds or replaces a role assignment.
func (tx *Tx) PutAssignment(a Assignment) { tx.assignments.put(a) }

// PutTask adds or replaces a task.
func (tx *Tx) PutTask(t Task) { tx.tasks.put(t) }

// Team returns a team by ID.
func (tx *Tx) Team(id string) (Team, bool) { return tx.teams.get(id) }

// Teams lists every team.
func (tx *Tx) Teams() iter.Seq[Team] { return tx.teams.all() }

// PutTeam adds or replaces a team.
func (tx *Tx) PutTeam(t Team) { tx.teams.put(t) }

// Application returns an application by ID.
func (tx *Tx) Application(id string) (Application, bool) { return tx.applications.get(id) }

// Applications lists every application, decided ones included.
func (tx *Tx) Applications() iter.Seq[Application] { return tx.applications.all() }

// PutApplication adds or replaces an application.
func (tx *Tx) PutApplication(a Application) { tx.applications.put(a) }

// Objective returns an objective by ID.
func (tx *Tx) Objective(id string) (Objective, bool) { return tx.objectives.get(id) }

// Objectives lists every objective.
func (tx *Tx) Objectives() iter.Seq[Objective] { return tx.objectives.all() }

// PutObjective adds or replaces an objective.
func (tx *Tx) PutObjective(o Objective) { tx.objectives.put(o) }

// Assessment returns an assessment by ID.
func (tx *Tx) Assessment(id string) (Assessment, bool) { return tx.assessments.get(id) }

// Assessments lists every assessment, settled ones included.
func (tx *Tx) Assessments() iter.Seq[Assessment] { return tx.assessments.all() }

// PutAssessment adds or replaces an assessment.
func (tx *Tx) PutAssessment(a Assessment) { tx.assessments.put(a) }

// PutSession adds or replaces a work session.
func (tx *Tx) PutSession(s Session) { tx.sessions.put(s) }

// WritePage creates or replaces a markdown page.
func (tx *Tx) WritePage(path string, p Page) {
	data, err := p.render()
	if err != nil {
		tx.fail(fmt.Errorf("page %s: %w", path, err))
		return
	}
	tx.pages.put(path, data)
}

// fail records why the running mutation cannot be written, the first
// reason only.
func (tx *Tx) fail(err error) {
	if tx.err == nil {
		tx.err = err
	}
}

// FileExists reports whether a file is on the branch or written in this commit.
func (tx *Tx) FileExists(path string) bool {
	if tx.pages.has(path) {
		return true
	}
	_, ok := tx.snap.tree.get(path)
	return ok
}

// EventID is the event ID of the mutation running now: the key that makes
// it happen once. Rows that record their cause (transactions) carry it.
func (tx *Tx) EventID() string { return tx.eventID }

// SCTxs lists the SC transactions, those of this commit last.
func (tx *Tx) SCTxs() iter.Seq[SCTx] { return concat(tx.snap.sc.all(), tx.sc.all()) }

// SKTxs lists the SK transactions, those of this commit last.
func (tx *Tx) SKTxs() iter.Seq[SKTx] { return concat(tx.snap.sk.all(), tx.sk.all()) }

// SCFrom yields the SC transactions from the oldest journal file holding a
// row dated t or later, those of this commit last: every row dated t or
// later, and every row written after one (so each settlement of such a
// pending row too). Rules about today read this, not the whole history.
func (tx *Tx) SCFrom(t time.Time) iter.Seq[SCTx] { return concat(tx.snap.sc.from(t), tx.sc.all()) }

// SKFrom is SCFrom for SK transactions.
func (tx *Tx) SKFrom(t time.Time) iter.Seq[SKTx] { return concat(tx.snap.sk.from(t), tx.sk.all()) }

// SKNewestFirst lists the SK transactions from the newest back, those of
// this commit first: a rule that looks for the latest row of a kind stops
// at it instead of reading the whole history.
func (tx *Tx) SKNewestFirst() iter.Seq[SKTx] {
	return concat(backward(slices.Collect(tx.sk.all())), tx.snap.sk.backward())
}

// AppendSC records an SC transaction. Its ID, time and event ID are filled
// in; the ID is returned.
func (tx *Tx) AppendSC(t SCTx) string {
	t.ID = fmt.Sprintf("sc_%d", tx.snap.sc.count()+tx.sc.pending()+1)
	t.Time, t.EventID = tx.now, tx.eventID
	tx.sc.add(t)
	return t.ID
}

// AppendSK records an SK transaction. Its ID, time and event ID are filled
// in; the ID is returned.
func (tx *Tx) AppendSK(t SKTx) string {
	t.ID = fmt.Sprintf("sk_%d", tx.snap.sk.count()+tx.sk.pending()+1)
	t.Time, t.EventID = tx.now, tx.eventID
	tx.sk.add(t)
	return t.ID
}

func concat[R any](a, b iter.Seq[R]) iter.Seq[R] {
	return func(yield func(R) bool) {
		for r := range a {
			if !yield(r) {
				return
			}
		}
		for r := range b {
			if !yield(r) {
				return
			}
		}
	}
}

// check reports what the running mutation changed that cannot be written
// so that it reads back: a page that did not render, a row with a value
// CSV cannot hold. Checking each mutation's own rows keeps one bad
// mutation from failing the others of its group at commit time.
func (tx *Tx) check() error {
	if tx.err != nil {
		return tx.err
	}
	for _, ix := range indexes {
		if err := ix.check(&tx.overlays); err != nil {
			return fmt.Errorf("%s: %w", ix.dir, err)
		}
	}
	if err := tx.sc.check(); err != nil {
		return fmt.Errorf("%s: %w", SCDir, err)
	}
	if err := tx.sk.check(); err != nil {
		return fmt.Errorf("%s: %w", SKDir, err)
	}
	if err := tx.treasury.check(); err != nil {
		return fmt.Errorf("%s: %w", TreasuryDir, err)
	}
	if err := tx.votes.check(); err != nil {
		return fmt.Errorf("%s: %w", VotesDir, err)
	}
	return nil
}

func (tx *Tx) keep() {
	tx.err = nil
	tx.sc.keep()
	tx.sk.keep()
	tx.treasury.keep()
	tx.votes.keep()
	for _, ix := range indexes {
		ix.keep(&tx.overlays)
	}
	tx.pages.keep()
}

func (tx *Tx) drop() {
	tx.err = nil
	tx.sc.drop()
	tx.sk.drop()
	tx.treasury.drop()
	tx.votes.drop()
	for _, ix := range indexes {
		ix.drop(&tx.overlays)
	}
	tx.pages.drop()
}

// pageSet holds the pages a commit writes, in the order first written.
type pageSet struct {
	order     []string
	done, cur map[string][]byte
	curAdded  int
}

func (p *pageSet) has(path string) bool {
	_, a := p.cur[path]
	_, b := p.done[path]
	return a || b
}

func (p *pageSet) put(path string, content []byte) {
	if !p.has(path) {
		p.order = append(p.order, path)
		p.curAdded++
	}
	if p.cur == nil {
		p.cur = make(map[string][]byte)
	}
	p.cur[path] = content
}

func (p *pageSet) keep() {
	if p.done == nil {
		p.done = make(map[string][]byte)
	}
	for k, v := range p.cur {
		p.done[k] = v
	}
	p.cur, p.curAdded = nil, 0
}

func (p *pageSet) drop() {
	p.order = p.order[:len(p.order)-p.curAdded]
	p.cur, p.curAdded = nil, 0
}

// Balance is one owner's SC and SK, those of this commit included: the
// snapshot's running sums plus this commit's own rows, never a scan of
// history.
func (tx *Tx) Balance(alias string) Balance {
	s := tx.sums()
	b, _ := s.owners.get(alias)
	return b
}

// Totals is the community's SC awarded and SC pending, those of this
// commit included.
func (tx *Tx) Totals() Totals {
	s := tx.sums()
	return s.totals
}

// OpenPending lists the pending SC rows no row settles yet, those of this
// commit included, in the order written. It reads the running sums: the
// cost follows how much is pending, not how long the ledger is.
func (tx *Tx) OpenPending() []SCTx {
	s := tx.sums()
	var open []openPending
	s.open.each(func(_ string, p openPending) { open = append(open, p) })
	slices.SortFunc(open, func(a, b openPending) int { return a.seq - b.seq })
	out := make([]SCTx, len(open))
	for i, p := range open {
		out[i] = p.row
	}
	return out
}

// sums are the snapshot's running sums with this commit's rows added; the
// snapshot's own are left as they are.
func (tx *Tx) sums() sums {
	if tx.sc.pending() == 0 && tx.sk.pending() == 0 {
		return tx.snap.sums
	}
	return tx.snap.sums.added(tx.sc.all(), tx.sk.all())
}

// Settlements maps each settled pending SC row to the kind of the row that
// settled it (awarded, contested, cancelled), those of this commit
// included. A pending row not in it is still pending.
func (tx *Tx) Settlements() map[string]string { return settlements(tx.SCTxs()) }
