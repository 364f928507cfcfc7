package ledgertest

import (
	"errors"
	"fmt"
	"iter"
	"path"
	"reflect"
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// A ledger written by the code before index shards (testdata/old-layout.bundle,
// replayed commit by commit) is refused by Open, read and verified with
// ReadOldLayout but not written, migrated in one audited commit that moves
// every row unchanged and in order, and written as usual after that; a second
// migration writes nothing. Run with small shards, so that most indexes
// split, and with the default, so that each is one file.
func (s suite) testMigrateAnOldLedger(t *testing.T) {
	for _, rows := range []int{3, 0} {
		t.Run(fmt.Sprintf("ShardRows=%d", rows), func(t *testing.T) { s.migrateAnOldLedger(t, rows) })
	}
}

func (s suite) migrateAnOldLedger(t *testing.T, shardRows int) {
	st := s.newStore(t)
	head := ReplayOldLayout(t, st)
	opts := ledger.Options{ShardRows: shardRows}
	limit := shardRows
	if limit == 0 {
		limit = ledger.DefaultShardRows
	}

	// The bot of this version does not start on it, and says what to run.
	if l, err := ledger.Open(t.Context(), st, opts); err == nil {
		l.Close()
		t.Fatal("Open accepted a ledger of the old layout")
	} else if !errors.Is(err, ledger.ErrOldLayout) || !strings.Contains(err.Error(), "engelbot migrate") {
		t.Fatalf("Open on the old layout: %v, want ErrOldLayout naming engelbot migrate", err)
	}

	// Read as it is, it is sound, and it takes no write.
	oldOpts := opts
	oldOpts.ReadOldLayout = true
	old := openWith(t, st, oldOpts)
	if got := old.Current().OldLayout(); len(got) != 10 {
		t.Fatalf("the old layout's index files: %v, want the 10 of the bundle", got)
	}
	verifyClean(t, old, "the old layout")
	if _, err := old.Apply(t.Context(), AddTask("$after-old", "6_9_9_1")); !errors.Is(err, ledger.ErrOldLayout) {
		t.Fatalf("a write on the old layout: %v, want ErrOldLayout", err)
	}
	if h := headOf(t, st); h != head {
		t.Fatalf("a refused write on the old layout moved the branch from %s to %s", head, h)
	}
	before := records(old.Current())
	sameAsFiles(t, st, before)
	treeBefore := treeAt(t, st, "")

	// One commit, its audit row chained to the old trail.
	m, err := ledger.Migrate(t.Context(), st, opts)
	if err != nil {
		t.Fatal(err)
	}
	if m.Already || m.Commit == "" || len(m.Files) != 10 || m.Event.Action != ledger.MigrateAction {
		t.Fatalf("the migration: %+v", m)
	}
	migrated := headOf(t, st)
	if migrated != m.Commit || parentOf(t, st, migrated) != head {
		t.Fatalf("the migration's commit %s is not the one commit on top of %s (head %s)", m.Commit, head, migrated)
	}
	checkMigrationChanges(t, treeBefore, treeAt(t, st, ""), m)

	l := openWith(t, st, opts)
	if got := l.Current().OldLayout(); len(got) != 0 {
		t.Fatalf("after the migration the ledger is still in the old layout: %v", got)
	}
	v := verifyClean(t, l, "the migrated ledger")
	if !v.History || v.Commits < 50 {
		t.Fatalf("the history check covered %d commits (history %v), want every replayed commit and the migration's", v.Commits, v.History)
	}
	after := records(l.Current())
	events := after["events"]
	if last := events[len(events)-1].(ledger.Event); last.Hash != m.Event.Hash || last.Seq != m.Event.Seq || last.PrevHash != before["events"][len(before["events"])-1].(ledger.Event).Hash {
		t.Fatalf("the trail's last row %+v is not the migration's %+v, chained to the row before", last, m.Event)
	}
	after["events"] = events[:len(events)-1]
	sameRecords(t, before, after)
	indexRows := 0
	for _, name := range []string{"owners", "teams", "roles", "assignments", "applications", "objectives", "tasks", "sessions", "assessments", "proposals"} {
		indexRows += len(before[name])
	}
	if m.Rows != indexRows {
		t.Errorf("the migration says it moved %d rows; the indexes hold %d", m.Rows, indexRows)
	}
	checkShardSizes(t, treeAt(t, st, ""), st, limit)

	// Again: nothing to do, nothing written.
	again, err := ledger.Migrate(t.Context(), st, opts)
	if err != nil || !again.Already || again.Commit != "" {
		t.Fatalf("a second migration: %+v %v", again, err)
	}
	if h := headOf(t, st); h != migrated {
		t.Fatalf("a second migration moved the branch from %s to %s", migrated, h)
	}

	// A write lands, in one shard of the index it changes: a changed row in
	// the shard it lives in, a new row in the last shard.
	first := firstTask(t, l)
	s.writesOneShard(t, l, st, "$after-change", func(tx *ledger.Tx) (ledger.Outcome, error) {
		task, _ := tx.Task(first)
		task.Title += " (moved to the new building)"
		tx.PutTask(task)
		return ledger.Outcome{Action: "task.update", Target: first, Reply: "ok"}, nil
	}, ledger.ShardPath(ledger.TasksIndex, 1))
	s.writesOneShard(t, l, st, "$after-add", AddTask("$after-add", "6_9_9_2").Run,
		ledger.ShardPath(ledger.TasksIndex, (len(before["tasks"])+limit)/limit))
	verifyClean(t, l, "the migrated ledger after two writes")
}

// writesOneShard applies a mutation and checks that, of the indexes, it
// changed exactly the shard want.
func (s suite) writesOneShard(t *testing.T, l *ledger.Ledger, st ledger.Store, eventID string, run func(*ledger.Tx) (ledger.Outcome, error), want string) {
	t.Helper()
	before := treeAt(t, st, "")
	res, err := l.Apply(t.Context(), ledger.Mutation{EventID: eventID, Actor: "bob", Command: "!" + eventID, Run: run})
	if err != nil || res.Refused {
		t.Fatalf("a write after the migration: %+v %v", res, err)
	}
	var touched []string
	for p := range changedPaths(before, treeAt(t, st, "")) {
		if strings.HasPrefix(p, "indexes/") {
			touched = append(touched, p)
		}
	}
	if len(touched) != 1 || touched[0] != want {
		t.Fatalf("the write %s changed the index files %v, want only %s", eventID, touched, want)
	}
}

func firstTask(t *testing.T, l *ledger.Ledger) string {
	t.Helper()
	for task := range l.Current().Read().Tasks() {
		return task.ID
	}
	t.Fatal("the migrated ledger has no task")
	return ""
}

// checkMigrationChanges: the migration's commit deletes the old index
// files, creates shards in their folders, and adds its row to one
// master-events shard; every other file is as it was.
func checkMigrationChanges(t *testing.T, before, after map[string]string, m ledger.Migration) {
	t.Helper()
	deleted := map[string]bool{}
	for _, f := range m.Files {
		deleted[f] = true
	}
	events, created := 0, 0
	for p := range changedPaths(before, after) {
		_, was := before[p]
		_, is := after[p]
		switch {
		case was && !is && deleted[p]:
		case !was && is && strings.HasPrefix(p, "indexes/") && deleted[path.Dir(p)+".csv"]:
			created++
		case is && path.Dir(p) == ledger.EventsDir:
			events++
		default:
			t.Errorf("the migration changed %s (before %v, after %v), which is none of its business", p, was, is)
		}
	}
	for f := range deleted {
		if _, still := after[f]; still {
			t.Errorf("the migration left the old index file %s", f)
		}
	}
	if events != 1 || created != m.Shards || created == 0 {
		t.Errorf("the migration wrote %d master-events shards (want 1) and %d index shards (it says %d)", events, created, m.Shards)
	}
}

// checkShardSizes: no index shard holds more than limit rows.
func checkShardSizes(t *testing.T, tree map[string]string, st ledger.Store, limit int) {
	t.Helper()
	for p := range tree {
		if !strings.HasPrefix(p, "indexes/") {
			continue
		}
		f, err := st.ReadFile(t.Context(), p)
		if err != nil {
			t.Fatal(err)
		}
		if rows := strings.Count(strings.TrimSuffix(string(f.Content), "\n"), "\n"); rows > limit || rows == 0 {
			t.Errorf("%s holds %d rows, want 1 to %d", p, rows, limit)
		}
	}
}

func verifyClean(t *testing.T, l *ledger.Ledger, what string) ledger.Verification {
	t.Helper()
	v, err := l.VerifyAll(t.Context())
	if err != nil {
		t.Fatalf("verifying %s: %v", what, err)
	}
	if len(v.Problems) > 0 {
		t.Fatalf("%s has problems: %v", what, v.Problems)
	}
	return v
}

// records is every row the ledger holds, table by table, in its order.
func records(s *ledger.Snapshot) map[string][]any {
	tx := s.Read()
	return map[string][]any{
		"owners":       collect(tx.Owners()),
		"teams":        collect(tx.Teams()),
		"roles":        collect(tx.Roles()),
		"assignments":  collect(tx.Assignments()),
		"applications": collect(tx.Applications()),
		"objectives":   collect(tx.Objectives()),
		"tasks":        collect(tx.Tasks()),
		"sessions":     collect(tx.Sessions()),
		"assessments":  collect(tx.Assessments()),
		"proposals":    collect(tx.Proposals()),
		"votes":        collect(tx.Votes()),
		"sc":           collect(tx.SCTxs()),
		"sk":           collect(tx.SKTxs()),
		"treasury":     collect(tx.TreasuryTxs()),
		"events":       collect(tx.Events()),
	}
}

func collect[R any](seq iter.Seq[R]) []any {
	var out []any
	for r := range seq {
		out = append(out, r)
	}
	return out
}

// sameAsFiles checks the old layout's read against the index files as
// the old code wrote them, decoded on their own: rows dropped or reordered
// by the reading of the old layout would pass for kept by the migration.
func sameAsFiles(t *testing.T, st ledger.Store, read map[string][]any) {
	t.Helper()
	files := map[string]func([]byte) ([]any, error){
		"owners":       decodeAll[ledger.Owner],
		"teams":        decodeAll[ledger.Team],
		"roles":        decodeAll[ledger.Role],
		"assignments":  decodeAll[ledger.Assignment],
		"applications": decodeAll[ledger.Application],
		"objectives":   decodeAll[ledger.Objective],
		"tasks":        decodeAll[ledger.Task],
		"sessions":     decodeAll[ledger.Session],
		"assessments":  decodeAll[ledger.Assessment],
		"proposals":    decodeAll[ledger.Proposal],
	}
	dirs := map[string]string{
		"owners": ledger.OwnersIndex, "teams": ledger.TeamsIndex, "roles": ledger.RolesIndex,
		"assignments": ledger.AssignmentsIndex, "applications": ledger.ApplicationsIndex,
		"objectives": ledger.ObjectivesIndex, "tasks": ledger.TasksIndex, "sessions": ledger.SessionsIndex,
		"assessments": ledger.AssessmentsIndex, "proposals": ledger.ProposalsIndex,
	}
	want := map[string][]any{}
	for name, decode := range files {
		f, err := st.ReadFile(t.Context(), dirs[name]+".csv")
		if err != nil {
			t.Fatal(err)
		}
		if want[name], err = decode(f.Content); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string][]any{}
	for name := range files {
		got[name] = read[name]
	}
	sameRecords(t, want, got)
}

func decodeAll[R any](data []byte) ([]any, error) {
	rows, err := ledger.DecodeCSV[R]("", data)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(rows))
	for i, r := range rows {
		out[i] = r
	}
	return out, nil
}

// sameRecords compares two reads of the ledger row by row. Every table
// of the fixture has rows, so an empty read cannot pass for a kept one.
func sameRecords(t *testing.T, want, got map[string][]any) {
	t.Helper()
	for name, rows := range want {
		if len(rows) == 0 {
			t.Errorf("the old ledger's %s has no rows: the fixture should fill every table", name)
		}
		if len(got[name]) != len(rows) {
			t.Errorf("%s: %d rows after the migration, %d before", name, len(got[name]), len(rows))
			continue
		}
		for i := range rows {
			if !reflect.DeepEqual(rows[i], got[name][i]) {
				t.Errorf("%s row %d: %+v after the migration, %+v before", name, i+1, got[name][i], rows[i])
			}
		}
	}
}

func treeAt(t *testing.T, st ledger.Store, commit string) map[string]string {
	t.Helper()
	tree, err := st.Tree(t.Context(), commit)
	if err != nil {
		t.Fatal(err)
	}
	return tree.Files
}

// changedPaths is every path added, removed or changed between two trees.
func changedPaths(before, after map[string]string) map[string]bool {
	out := map[string]bool{}
	for p, sha := range before {
		if after[p] != sha {
			out[p] = true
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			out[p] = true
		}
	}
	return out
}

func headOf(t *testing.T, st ledger.Store) string {
	t.Helper()
	h, err := st.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// parentOf is the first parent of commit, from the store's history.
func parentOf(t *testing.T, st ledger.Store, commit string) string {
	t.Helper()
	h, ok := st.(ledger.Historian)
	if !ok {
		t.Skip("the store cannot walk its history")
	}
	parent := ""
	if err := h.History(t.Context(), func(c ledger.CommitInfo) bool {
		if c.ID == commit {
			parent = c.Parent
			return false
		}
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return parent
}
