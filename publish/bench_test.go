package publish_test

import (
	"path/filepath"
	"testing"
	"time"

	"smartup0.org/engelbot/bench"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/publish"
)

// generated is the ledger of a grown community from bench's generator
// (Community.Grown), on a local git store, with a year of treasury figures.
func generated(tb testing.TB, owners, tasks int) publish.Input {
	tb.Helper()
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	c := bench.Community{Owners: owners, Tasks: tasks, Mixed: true, Now: now}
	changes := c.Grown()
	_, teams, _, _, _ := c.Tables()

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
