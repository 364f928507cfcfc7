package ledgertest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// An index fills shards of ShardRows rows in the order rows are written; a
// change to an old row rewrites only the shard it is in; everything reads
// back, in order, after a restart.
func (s suite) testIndexShardsStayBounded(t *testing.T) {
	st := s.newStore(t)
	rec := &recordingStore{Store: st}
	open := func() *ledger.Ledger { return openWith(t, rec, ledger.Options{ShardRows: 3}) }
	l := open()
	var ids []string
	for i := range 7 {
		id := fmt.Sprintf("6_1_1_%d", i+1)
		ids = append(ids, id)
		if _, err := l.Apply(t.Context(), AddTask(fmt.Sprintf("$t%d", i), id)); err != nil {
			t.Fatal(err)
		}
	}
	shard := func(n int) string { return ledger.ShardPath(ledger.TasksIndex, n) }
	for n, want := range map[int][]string{1: ids[0:3], 2: ids[3:6], 3: ids[6:7]} {
		f, err := st.ReadFile(t.Context(), shard(n))
		if err != nil {
			t.Fatalf("%s: %v", shard(n), err)
		}
		rows, err := ledger.DecodeCSV[ledger.Task](shard(n), f.Content)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s holds %v, want %v", shard(n), got, want)
		}
	}

	// The first task changes: its shard is rewritten, no other.
	_, err := l.Apply(t.Context(), ledger.Mutation{
		EventID: "$edit", Actor: "bob", Command: "!edit 6_1_1_1",
		Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
			tk, _ := tx.Task("6_1_1_1")
			tk.State = ledger.TaskClaimed
			tx.PutTask(tk)
			return ledger.Outcome{Action: "task.claim", Target: tk.ID, Reply: "ok"}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	last := rec.commits[len(rec.commits)-1]
	var indexFiles []string
	for _, ch := range last.Changes {
		if strings.HasPrefix(ch.Path, "indexes/") {
			indexFiles = append(indexFiles, ch.Path)
		}
	}
	if !slices.Equal(indexFiles, []string{shard(1)}) {
		t.Errorf("changing the first task wrote %v, want only %s", indexFiles, shard(1))
	}
	ev, _ := l.Current().Applied("$edit")
	if !strings.Contains(";"+ev.Files+";", ";"+ledger.TasksIndex+";") {
		t.Errorf("the audit row lists %q, not the tasks index's folder", ev.Files)
	}
	l.Close()

	l = open()
	defer l.Close()
	var got []string
	for tk := range l.Current().Read().Tasks() {
		got = append(got, tk.ID)
		if tk.ID == "6_1_1_1" && tk.State != ledger.TaskClaimed {
			t.Errorf("6_1_1_1 reads back %s, want %s", tk.State, ledger.TaskClaimed)
		}
	}
	if !slices.Equal(got, ids) {
		t.Errorf("after a restart the tasks read %v, want %v", got, ids)
	}
	if _, err := l.Apply(t.Context(), AddTask("$t8", "6_1_1_8")); err != nil {
		t.Fatal(err)
	}
	if f, err := st.ReadFile(t.Context(), shard(3)); err != nil || strings.Count(string(f.Content), "\n") != 3 {
		t.Errorf("the eighth task did not go into the third shard beside the seventh: %v\n%s", err, f.Content)
	}
	if got := problems(t, st) + historyProblems(t, st); got != "" {
		t.Errorf("verify: %s", got)
	}
}

// A shard removed by hand would drop rows silently: the ledger refuses to
// load, naming the missing shard.
func (s suite) testMissingShardIsRefused(t *testing.T) {
	st := s.newStore(t)
	l := openWith(t, st, ledger.Options{ShardRows: 2})
	for i := range 5 {
		if _, err := l.Apply(t.Context(), AddTask(fmt.Sprintf("$t%d", i), fmt.Sprintf("6_1_1_%d", i+1))); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	second := ledger.ShardPath(ledger.TasksIndex, 2)
	f, err := st.ReadFile(t.Context(), second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Commit(t.Context(), ledger.Commit{Message: "hand edit", Changes: []ledger.Change{{Op: ledger.OpDelete, Path: second, SHA: f.SHA}}}); err != nil {
		t.Fatal(err)
	}
	_, err = ledger.Open(t.Context(), st, ledger.Options{ShardRows: 2})
	if err == nil || !strings.Contains(err.Error(), second+" is missing") {
		t.Fatalf("opening a ledger with a shard removed: %v, want it to name %s", err, second)
	}
}
