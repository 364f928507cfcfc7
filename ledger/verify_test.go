package ledger_test

import (
	"fmt"
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
)

// handEdit changes a file on the branch behind the ledger's back, the way
// someone with write access to the repository could.
func handEdit(t *testing.T, st ledger.Store, path string, edit func(string) string) {
	t.Helper()
	f, err := st.ReadFile(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	after := edit(string(f.Content))
	if after == string(f.Content) {
		t.Fatalf("the edit of %s changed nothing", path)
	}
	if _, err := st.Commit(t.Context(), ledger.Commit{Message: "hand edit", Changes: []ledger.Change{
		{Op: ledger.OpUpdate, Path: path, Content: []byte(after), SHA: f.SHA},
	}}); err != nil {
		t.Fatal(err)
	}
}

func verifiedLedger(t *testing.T) ledger.Store {
	t.Helper()
	st, err := localgit.Open(t.TempDir()+"/l.git", "main")
	if err != nil {
		t.Fatal(err)
	}
	l := openOn(t, st)
	for i := range 4 {
		if _, err := l.Apply(t.Context(), addTask(fmt.Sprintf("$v%d", i), fmt.Sprintf("6_1_1_%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if ps := l.Current().Verify(); len(ps) != 0 {
		t.Fatalf("a ledger written only by Engelbot has problems: %v", ps)
	}
	return st
}

func problems(t *testing.T, st ledger.Store) string {
	t.Helper()
	l := openOn(t, st)
	var out []string
	for _, p := range l.Current().Verify() {
		out = append(out, p.String())
	}
	return strings.Join(out, "\n")
}

func shardOf(t *testing.T, st ledger.Store) string {
	t.Helper()
	tree, err := st.Tree(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	for p := range tree.Files {
		if strings.HasPrefix(p, ledger.EventsDir+"/") {
			return p
		}
	}
	t.Fatal("no master-events shard")
	return ""
}

func TestVerifyCatchesAnEditedPastRow(t *testing.T) {
	st := verifiedLedger(t)
	shard := shardOf(t, st)
	handEdit(t, st, shard, func(s string) string { return strings.Replace(s, "created 6_1_1_1", "created 6_1_1_9", 1) })
	got := problems(t, st)
	if !strings.Contains(got, shard+" row 2 (seq 2): the row's content does not match its hash") {
		t.Fatalf("the edited row is not reported:\n%s", got)
	}
}

func TestVerifyCatchesARemovedRow(t *testing.T) {
	st := verifiedLedger(t)
	shard := shardOf(t, st)
	handEdit(t, st, shard, func(s string) string {
		lines := strings.SplitAfter(s, "\n")
		return strings.Join(append(lines[:2], lines[3:]...), "") // drop the second data row
	})
	got := problems(t, st)
	if !strings.Contains(got, "(seq 3): sequence number 3, expected 2") || !strings.Contains(got, "(seq 3): prev_hash does not match") {
		t.Fatalf("the gap is not reported:\n%s", got)
	}
}

func TestVerifyCatchesOrphanAndMissingPages(t *testing.T) {
	st := verifiedLedger(t)
	handEdit(t, st, ledger.TasksFile, func(s string) string {
		return strings.Replace(s, "pages/tasks/6_1_1_2.md", "pages/tasks/elsewhere.md", 1)
	})
	got := problems(t, st)
	if !strings.Contains(got, "indexes/tasks.csv 6_1_1_2: wiki_path pages/tasks/elsewhere.md does not exist") ||
		!strings.Contains(got, "pages/tasks/6_1_1_2.md: a page that no index row points to") {
		t.Fatalf("the page problems are not reported:\n%s", got)
	}
}
