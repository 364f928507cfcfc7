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
			fmt.Sprintf("%.1f× (%s vs %s, %d commits)", rt, secs(o.Wall), ms(o.Bare.P50()), o.Commits), rt > 0 && rt <= 3 && o.Answered == o.N && o.InOrder)
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
