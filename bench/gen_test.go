package bench

import (
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
)

// TestGeneratedLedgerLoads checks that what the benchmarks generate is a
// ledger the ledger package accepts: every index parses, and the
// master-events shards carry an unbroken hash chain.
func TestGeneratedLedgerLoads(t *testing.T) {
	c := Community{Owners: 30, Tasks: 300, Mixed: true, Now: time.Now()}
	const rows, shardRows = 2500, 1000
	snap := openSeeded(t, append(c.Changes(), EventShards(rows, 900, shardRows, time.Now())...)).Current()
	if n := snap.EventCount(); n != rows {
		t.Errorf("the ledger loaded %d audit rows, want %d", n, rows)
	}
	for _, p := range snap.Verify() {
		t.Errorf("verify: %s", p)
	}
	tx := snap.Read()
	tasks, owners := 0, 0
	for task := range tx.Tasks() {
		tasks++
		if task.Attacker == "" || task.Attacker == task.Defender {
			t.Errorf("task %s: attacker %q, defender %q", task.ID, task.Attacker, task.Defender)
		}
	}
	for range tx.Owners() {
		owners++
	}
	if tasks != c.Tasks || owners != c.Owners {
		t.Errorf("loaded %d owners and %d tasks, want %d and %d", owners, tasks, c.Owners, c.Tasks)
	}
}

// TestEventShardsLayout checks the shard sizes section 4 relies on: the
// newest shard holds the rows asked for, the others at most shardRows.
func TestEventShardsLayout(t *testing.T) {
	for _, tc := range []struct {
		rows, newest int
		want         []int
	}{
		{1000, 900, []int{100, 900}},
		{100000, 900, append(append([]int{100}, repeat(1000, 99)...), 900)},
		{500, 900, []int{500}},
		{1900, 900, []int{1000, 900}},
	} {
		shards := EventShards(tc.rows, tc.newest, 1000, time.Now())
		var got []int
		for _, s := range shards {
			rows, err := ledger.DecodeCSV[ledger.Event](s.Path, s.Content)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, len(rows))
		}
		if len(got) != len(tc.want) {
			t.Errorf("%d rows: %d shards, want %d", tc.rows, len(got), len(tc.want))
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%d rows: shard %d holds %d rows, want %d", tc.rows, i+1, got[i], tc.want[i])
			}
		}
	}
}

func repeat(v, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// openSeeded commits changes, as the bench seeds a ledger, into a local git
// store of the test's own and opens the ledger on it.
func openSeeded(t *testing.T, changes []ledger.Change) *ledger.Ledger {
	t.Helper()
	store, err := localgit.Open(t.TempDir(), branch)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Commit(t.Context(), ledger.Commit{Message: "seed", Changes: changes}); err != nil {
		t.Fatal(err)
	}
	l, err := ledger.Open(t.Context(), store, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}
