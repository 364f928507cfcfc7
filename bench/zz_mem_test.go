package bench

import (
	"os"
	"runtime/pprof"
	"fmt"
	"runtime"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
)

func TestZZMem(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	c := Community{Owners: 10000, Tasks: 100000, Mixed: true, Now: now}
	changes := c.Changes()
	var sessions []ledger.Session
	for i := range 200000 {
		tk := TaskID(i % c.Tasks)
		st := now.Add(-time.Duration(i) * time.Minute)
		sessions = append(sessions, ledger.Session{ID: fmt.Sprintf("%s_ws%d", tk, i/c.Tasks+1), Task: tk, Alias: Alias(c.Attacker(i % c.Tasks)), Position: "attacker", State: "closed",
			Started: st, Stopped: st.Add(time.Hour), Minutes: 60, StartEvent: fmt.Sprintf("$ev%dstartaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", i), StopEvent: fmt.Sprintf("$ev%dstopaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", i)})
	}
	changes = append(changes, ledger.IndexChanges(ledger.SessionsIndex, sessions, 1000)...)
	byMonth := map[string][]ledger.SCTx{}
	for i := range 400000 {
		at := now.AddDate(0, -(i % 12), 0)
		m := at.Format("2006-01")
		byMonth[m] = append(byMonth[m], ledger.SCTx{ID: fmt.Sprintf("sc_%d", i+1), Time: at, Alias: Alias(i % c.Owners), Task: TaskID(i % c.Tasks), Kind: ledger.SCAwarded, Amount: 10, Share: "attacker", EventID: fmt.Sprintf("$ev%dscaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", i/2)})
	}
	for m, rows := range byMonth {
		for k := 0; k < len(rows); k += 1000 {
			changes = append(changes, ledger.Change{Op: ledger.OpCreate, Path: fmt.Sprintf("%s/%s-%03d.csv", ledger.SCDir, m, k/1000+1), Content: ledger.EncodeCSV(rows[k:min(k+1000, len(rows))])})
		}
	}
	skm := map[string][]ledger.SKTx{}
	for i := range 100000 {
		at := now.AddDate(0, -(i % 12), 0)
		m := at.Format("2006-01")
		skm[m] = append(skm[m], ledger.SKTx{ID: fmt.Sprintf("sk_%d", i+1), Time: at, Alias: Alias(i % c.Owners), Category: "code_review", Amount: 5, By: Alias(0), EventID: fmt.Sprintf("$ev%dskaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", i)})
	}
	for m, rows := range skm {
		for k := 0; k < len(rows); k += 1000 {
			changes = append(changes, ledger.Change{Op: ledger.OpCreate, Path: fmt.Sprintf("%s/%s-%03d.csv", ledger.SKDir, m, k/1000+1), Content: ledger.EncodeCSV(rows[k:min(k+1000, len(rows))])})
		}
	}
	changes = append(changes, EventShards(c.Tasks/10, 500, 1000, now)...)
	dir := "/tmp/memx/repo"
	if _, err := os.Stat(dir); err == nil {
		changes = nil
	}
	st, err := localgit.Open(dir, "main")
	if err != nil {
		t.Fatal(err)
	}
	if changes != nil {
		if _, err := st.Commit(t.Context(), ledger.Commit{Message: "seed", Changes: changes}); err != nil {
			t.Fatal(err)
		}
	}
	changes, sessions, byMonth, skm = nil, nil, nil, nil
	runtime.GC()
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	start := time.Now()
	l, err := ledger.Open(t.Context(), st, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	runtime.GC()
	var m1 runtime.MemStats
	runtime.ReadMemStats(&m1)
	t.Logf("open %v heap %d MiB (before %d MiB)", took, m1.HeapAlloc>>20, m0.HeapAlloc>>20)
	f, _ := os.Create("/tmp/memx/heap.out")
	pprof.WriteHeapProfile(f)
	f.Close()
	runtime.KeepAlive(l)
}
