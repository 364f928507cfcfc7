package ledgertest

import (
	"fmt"
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
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

func (s suite) verifiedLedger(t *testing.T) ledger.Store {
	t.Helper()
	st := s.newStore(t)
	l := openOn(t, st)
	for i := range 4 {
		if _, err := l.Apply(t.Context(), AddTask(fmt.Sprintf("$v%d", i), fmt.Sprintf("6_1_1_%d", i))); err != nil {
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

func (s suite) testVerifyCatchesAnEditedPastRow(t *testing.T) {
	st := s.verifiedLedger(t)
	shard := shardOf(t, st)
	handEdit(t, st, shard, func(s string) string { return strings.Replace(s, "created 6_1_1_1", "created 6_1_1_9", 1) })
	got := problems(t, st)
	if !strings.Contains(got, shard+" row 2 (seq 2): the row's content does not match its hash") {
		t.Fatalf("the edited row is not reported:\n%s", got)
	}
}

func (s suite) testVerifyCatchesARemovedRow(t *testing.T) {
	st := s.verifiedLedger(t)
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

func (s suite) testVerifyCatchesOrphanAndMissingPages(t *testing.T) {
	st := s.verifiedLedger(t)
	handEdit(t, st, ledger.ShardPath(ledger.TasksIndex, 1), func(s string) string {
		return strings.Replace(s, "pages/tasks/6_1_1_2.md", "pages/tasks/elsewhere.md", 1)
	})
	got := problems(t, st)
	if !strings.Contains(got, "indexes/tasks/0001.csv 6_1_1_2: wiki_path pages/tasks/elsewhere.md does not exist") ||
		!strings.Contains(got, "pages/tasks/6_1_1_2.md: a page that no index row points to") {
		t.Fatalf("the page problems are not reported:\n%s", got)
	}
}

// SC settlements are checked against the pending rows they settle, and
// balances are recomputed from the transactions.
func (s suite) testVerifyRecomputesSC(t *testing.T) {
	st := s.newStore(t)
	l := openOn(t, st)
	apply := func(eventID string, run func(tx *ledger.Tx)) { t.Helper(); applyFunc(t, l, eventID, run) }
	apply("$assess", func(tx *ledger.Tx) {
		tx.AppendSC(ledger.SCTx{Alias: "carol", Task: "6_1_1_1", Kind: ledger.SCPending, Amount: 45, Share: ledger.Attacker})
		tx.AppendSC(ledger.SCTx{Alias: "dave", Task: "6_1_1_1", Kind: ledger.SCPending, Amount: 5, Share: ledger.Defender})
		tx.AppendSK(ledger.SKTx{Alias: "dave", Category: "code_review", Amount: 5})
	})
	apply("$award", func(tx *ledger.Tx) {
		tx.AppendSC(ledger.SCTx{Alias: "carol", Task: "6_1_1_1", Kind: ledger.SCAwarded, Amount: 45, Ref: "sc_1"})
	})
	b := l.Current().Balances()
	if b["carol"] != (ledger.Balance{SCAwarded: 45}) || b["dave"] != (ledger.Balance{SCPending: 5, SK: 5}) {
		t.Fatalf("balances %+v", b)
	}
	if ps := l.Current().Verify(); len(ps) != 0 {
		t.Fatalf("problems in a sound ledger: %v", ps)
	}
	apply("$twice", func(tx *ledger.Tx) {
		tx.AppendSC(ledger.SCTx{Alias: "carol", Task: "6_1_1_1", Kind: ledger.SCAwarded, Amount: 45, Ref: "sc_1"})
		tx.AppendSC(ledger.SCTx{Alias: "dave", Task: "6_1_1_1", Kind: ledger.SCAwarded, Amount: 50, Ref: "sc_2"})
	})
	got := fmt.Sprint(l.Current().Verify())
	if !strings.Contains(got, "(sc_4): settles sc_1, already settled by sc_3") || !strings.Contains(got, "(sc_5): settles sc_2 (5 SC for dave) with 50 SC for dave") {
		t.Fatalf("bad settlements not reported: %s", got)
	}
}

func historyProblems(t *testing.T, st ledger.Store) string {
	t.Helper()
	h, ok := st.(ledger.Historian)
	if !ok {
		t.Fatalf("%T cannot walk its history", st)
	}
	l := openOn(t, st)
	ps, err := l.Current().VerifyHistory(t.Context(), h)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return strings.Join(out, "\n")
}

// Every commit that changed the ledger must carry audit rows for what it
// changed: a hand edit of an index shows up even though the chain is intact.
func (s suite) testVerifyHistoryCatchesAHandEdit(t *testing.T) {
	st := s.verifiedLedger(t)
	if got := historyProblems(t, st); got != "" {
		t.Fatalf("a ledger written only by Engelbot has history problems:\n%s", got)
	}
	handEdit(t, st, ledger.ShardPath(ledger.TasksIndex, 1), func(s string) string { return strings.Replace(s, "task 6_1_1_2", "task 6_1_1_2 (edited)", 1) })
	got := historyProblems(t, st)
	if !strings.Contains(got, `("hand edit"): changed indexes/tasks/0001.csv without an audit row`) {
		t.Fatalf("the hand edit is not reported:\n%s", got)
	}
	if got := problems(t, st); got != "" {
		t.Fatalf("the snapshot checks should not see this edit (the chain is intact), yet report:\n%s", got)
	}
}
