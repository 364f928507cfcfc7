package bench

import (
	"fmt"
	"strconv"
	"time"
)

// The thresholds the targets are judged by, where the issue words them
// loosely: "tens of MB" and "about a second".
const (
	maxRSS      = 100 << 20
	maxLoadTime = 2 * time.Second
)

// Section 7's targets (issue 13): what a command costs on the large ledger
// against the small one, and what holding the large one costs.
const (
	flatMaxWriteRatio = 1.2
	flatMaxBytesRatio = 1.5
	flatMaxQuery      = time.Millisecond
	flatMaxLoad       = 3 * time.Second
	flatMaxRSS        = 150 << 20
	flatMaxBurstRatio = 3
)

// Target is one target of the project's issue next to what was measured.
type Target struct {
	Section  int
	Name     string
	Want     string
	Measured string
	Met      bool
}

// Targets judges every section the report holds against its targets.
func (r *Report) Targets() []Target {
	var ts []Target
	add := func(section int, name, want, measured string, met bool) {
		ts = append(ts, Target{Section: section, Name: name, Want: want, Measured: measured, Met: met})
	}
	if p := r.PerCommand; p != nil {
		rt := ratio(p.Writes.P50(), p.Bare.P50())
		add(1, "forge commits per write command", "1", commitSpread(p.Commits), p.OneCommitEach())
		add(1, "write command vs one bare commit, p50", "≤ 1.20×",
			fmt.Sprintf("%.2f× (%s vs %s)", rt, ms(p.Writes.P50()), ms(p.Bare.P50())), rt > 0 && rt <= 1.2)
	}
	if q := r.Query; q != nil {
		size := fmt.Sprintf("%s owners / %s tasks", thousands(q.Owners), thousands(q.Tasks))
		add(2, "!my_tasks p95 at "+size, "< 1 ms", ms(q.MyTasks.P95()), q.MyTasks.P95() < time.Millisecond)
		add(2, "!wallet p95 at "+size, "< 1 ms", ms(q.Wallet.P95()), q.Wallet.P95() < time.Millisecond)
	}
	if b := r.Burst; b != nil && b.Original != nil {
		orig, label, speedup := b.Compare()
		measured := fmt.Sprintf("%.0f× (%s vs %s, measured: %d of %d done)", speedup, secs(b.Engelbot.Wall), secs(orig), b.Original.Completed, b.N)
		if label != "measured" {
			measured = fmt.Sprintf("≥ %.0f× (%s vs > %s: LOWER BOUND, deadline hit with %d of %d done)", speedup, secs(b.Engelbot.Wall), secs(orig), b.Original.Completed, b.N)
		}
		add(3, fmt.Sprintf("burst of %d: Engelbot vs original pattern with backoff, wall time", b.N), "≥ 100× faster", measured, speedup >= 100)
		add(3, fmt.Sprintf("burst of %d: Engelbot commits", b.N), "≤ 5", strconv.Itoa(b.Engelbot.Commits), b.Engelbot.Commits <= 5)
	}
	if s := r.Burst; s != nil && s.OneSender != nil {
		o := s.OneSender
		rt := ratio(o.Wall, o.Bare.P50())
		add(3, fmt.Sprintf("%d writes from one sender: last answer vs one bare commit", o.N), "≤ 3×",
			fmt.Sprintf("%.1f× (%s vs %s, %d commits)", rt, secs(o.Wall), ms(o.Bare.P50()), o.Commits), rt > 0 && rt <= 3 && o.InOrder)
	}
	if h := r.History; h != nil {
		rt := ratio(h.Writes[1].P50(), h.Writes[0].P50())
		add(4, fmt.Sprintf("write p50 at %s vs %s master-events rows", thousands(h.Rows[1]), thousands(h.Rows[0])), "≤ 1.20×",
			fmt.Sprintf("%.2f× (%s vs %s)", rt, ms(h.Writes[1].P50()), ms(h.Writes[0].P50())), rt > 0 && rt <= 1.2)
	}
	for _, l := range r.Loads {
		if !l.Large {
			continue
		}
		size := fmt.Sprintf("%s owners / %s tasks from %s", thousands(l.Owners), thousands(l.Tasks), l.From)
		add(5, "resident memory, "+size, "tens of MB (< 100 MiB)", mib(l.RSS), l.RSS < maxRSS)
		add(5, "load time, "+size, "about a second (≤ 2 s)", secs(l.Took), l.Took <= maxLoadTime)
	}
	if fl := r.Flat; fl != nil {
		ts = append(ts, fl.targets()...)
	}
	return ts
}

// targets judges section 7.
func (fl *Flat) targets() []Target {
	var ts []Target
	add := func(name, want, measured string, met bool) {
		ts = append(ts, Target{Section: 7, Name: name, Want: want, Measured: measured, Met: met})
	}
	sizes := fmt.Sprintf("%s vs %s tasks", thousands(fl.Shapes[flatLarge].Tasks), thousands(fl.Shapes[flatSmall].Tasks))
	w := fl.Writes
	rt := ratio(w[flatLarge].P50(), w[flatSmall].P50())
	add("write p50, "+sizes, fmt.Sprintf("≤ %.2f×", flatMaxWriteRatio),
		fmt.Sprintf("%.2f× (%s vs %s)", rt, ms(w[flatLarge].P50()), ms(w[flatSmall].P50())), rt > 0 && rt <= flatMaxWriteRatio)
	small, large := fl.UploadedP50(flatSmall), fl.UploadedP50(flatLarge)
	br := fratio(float64(large), float64(small))
	add("bytes uploaded per write, median, "+sizes, fmt.Sprintf("≤ %.1f×", flatMaxBytesRatio),
		fmt.Sprintf("%.2f× (%s vs %s)", br, kib(int(large)), kib(int(small))), br > 0 && br <= flatMaxBytesRatio)
	q := fl.Queries[flatLarge]
	for _, c := range []struct {
		name string
		d    Durations
	}{{"!wallet", q.Wallet}, {"!whois <alias>", q.Whois}, {"!my_tasks", q.MyTasks}} {
		add(c.name+" p95 at "+thousands(fl.Shapes[flatLarge].Tasks)+" tasks", "< 1 ms", ms(c.d.P95()), len(c.d) > 0 && c.d.P95() < flatMaxQuery)
	}
	if l := fl.Loads[flatLarge]; l != nil {
		add("load time from Gitea, large ledger", "≤ 3 s", secs(l.Took), l.Took <= flatMaxLoad)
		add("resident memory holding the large ledger", "< 150 MiB", mib(l.RSS), l.RSS < flatMaxRSS)
	}
	for _, b := range fl.Bursts {
		rt := ratio(b.Wall, fl.Bare.P50())
		add("burst on the large ledger: "+b.Name+", vs one bare commit", fmt.Sprintf("≤ %.0f×", float64(flatMaxBurstRatio)),
			fmt.Sprintf("%.2f× (%s vs %s)", rt, ms(b.Wall), ms(fl.Bare.P50())), rt > 0 && rt <= flatMaxBurstRatio)
	}
	return ts
}

// Compare returns the original pattern's wall time as the report compares
// it, what kind of figure that is ("measured" when all its commands
// finished, "lower bound" when the deadline stopped it: the original takes
// longer than that), and the speed-up of Engelbot over it.
func (b *Burst) Compare() (original time.Duration, label string, speedup float64) {
	o := b.Original
	label = "measured"
	if o.Capped {
		label = "lower bound"
	}
	return o.Wall, label, ratio(o.Wall, b.Engelbot.Wall)
}
