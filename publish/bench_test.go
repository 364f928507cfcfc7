package publish_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"smartup0.org/engelbot/bench"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/publish"
)

// generated is a ledger of a grown community from bench's generator, with
// objectives, SC transactions for its awarded tasks spread over a year, and
// an audit trail, on a local git store.
func generated(tb testing.TB, owners, tasks int) publish.Input {
	tb.Helper()
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	c := bench.Community{Owners: owners, Tasks: tasks, Mixed: true, Now: now}
	changes := c.Changes()
	_, teams, _, _, ts := c.Tables()

	// The objectives the generated tasks serve, one per team.
	objectives := []ledger.Objective{{ID: "5_1", Title: "Grow", Status: ledger.ObjectiveOpen}}
	seen := map[string]bool{}
	for _, t := range ts {
		if !seen[t.Objective] {
			seen[t.Objective] = true
			objectives = append(objectives, ledger.Objective{ID: t.Objective, Parent: "5_1", Team: t.Team,
				Title: "Objective of " + t.Team, Status: ledger.ObjectiveOpen})
		}
	}
	changes = append(changes, ledger.Change{Op: ledger.OpCreate, Path: ledger.ObjectivesFile, Content: ledger.EncodeCSV(objectives)})

	// Every awarded task pays its budget, 90/10, in one of the last twelve
	// months: a pending row and the awarded row that settles it.
	byMonth := map[string][]ledger.SCTx{}
	n := 0
	for i, t := range ts {
		if t.State != ledger.TaskAwarded {
			continue
		}
		at := now.AddDate(0, -(i % 12), 0).Add(-time.Duration(i%500) * time.Minute)
		month := at.Format("2006-01")
		for _, share := range []struct {
			who, as string
			amount  int
		}{{t.Attacker, ledger.Attacker, t.BudgetSC - t.BudgetSC/10}, {t.Defender, ledger.Defender, t.BudgetSC / 10}} {
			n++
			pending := fmt.Sprintf("sc_%d", n)
			byMonth[month] = append(byMonth[month], ledger.SCTx{ID: pending, Time: at, Alias: share.who, Task: t.ID, Kind: ledger.SCPending, Amount: share.amount, Share: share.as})
			n++
			byMonth[month] = append(byMonth[month], ledger.SCTx{ID: fmt.Sprintf("sc_%d", n), Time: at, Alias: share.who, Task: t.ID, Kind: ledger.SCAwarded, Amount: share.amount, Share: share.as, Ref: pending})
		}
	}
	months := make([]string, 0, len(byMonth))
	for m := range byMonth {
		months = append(months, m)
	}
	slices.Sort(months)
	for _, m := range months {
		changes = append(changes, ledger.Change{Op: ledger.OpCreate, Path: ledger.SCDir + "/" + m + "-001.csv", Content: ledger.EncodeCSV(byMonth[m])})
	}
	changes = append(changes, bench.EventShards(tasks/10, 500, 1000, now)...)

	st, err := localgit.Open(filepath.Join(tb.TempDir(), "ledger.git"), "main")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	if _, err := st.Commit(tb.Context(), ledger.Commit{Message: "generated", Changes: changes}); err != nil {
		tb.Fatal(err)
	}
	l, err := ledger.Open(tb.Context(), st, ledger.Options{Clock: func() time.Time { return now }})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(l.Close)
	snap := l.Current()
	var hist []publish.TreasuryPoint
	for k := range 12 {
		hist = append(hist, publish.TreasuryPoint{Time: now.AddDate(0, k-12, 0), BalanceCents: int64(100000 * (k + 1) * len(teams)), SCOutstanding: 20000 * k})
	}
	return publish.Input{
		Ledger: snap.ReadAt(now), Commit: snap.Head(), Now: now,
		Treasury: publish.Treasury{BalanceCents: hist[11].BalanceCents, SCOutstanding: hist[11].SCOutstanding, Multiple: 3, Within: true, History: hist},
	}
}

// BenchmarkRender renders the bench ledger (10,000 owners, 100,000 tasks;
// with -short 1,000 and 10,000) and reports its files and bytes.
func BenchmarkRender(b *testing.B) {
	owners, tasks := 10000, 100000
	if testing.Short() {
		owners, tasks = 1000, 10000
	}
	in := generated(b, owners, tasks)
	var site publish.Site
	b.ResetTimer()
	for b.Loop() {
		var err error
		if site, err = publish.Render(in); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	total, largest := 0, 0
	for _, d := range site.Files {
		total += len(d)
		largest = max(largest, len(d))
	}
	b.ReportMetric(float64(len(site.Files)), "files")
	b.ReportMetric(float64(total), "site-bytes")
	b.ReportMetric(float64(largest), "largest-file-bytes")
}
