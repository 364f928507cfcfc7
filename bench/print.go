package bench

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"smartup0.org/engelbot/ledger"
)

// Print writes the report: a header, each section measured, and the
// targets with PASS or MISS.
func (r *Report) Print(w io.Writer) {
	r.printHeader(w)
	for _, section := range []struct {
		present bool
		print   func(io.Writer)
	}{
		{r.PerCommand != nil, r.printPerCommand},
		{r.Query != nil && r.PerCommand != nil, r.printQuery},
		{r.Burst != nil && r.Burst.Original != nil, r.printBurst},
		{r.History != nil && r.Large != nil, r.printHistory},
		{len(r.Loads) > 0, r.printMemory},
		{r.Publish != nil, r.printPublish},
		{r.Flat != nil, r.printFlat},
	} {
		if section.present {
			section.print(w)
		}
	}
	r.printTargets(w)
}

func (r *Report) printHeader(w io.Writer) {
	o := r.Options
	fmt.Fprintf(w, "Engelbot benchmark report\n")
	fmt.Fprintf(w, "  started   %s\n", r.Started.UTC().Format("2006-01-02 15:04:05 UTC"))
	fmt.Fprintf(w, "  host      %s\n", hostLine())
	fmt.Fprintf(w, "  forge     %s on 127.0.0.1, started for this run (SQLite; each commit runs git processes)\n", r.Forge)
	fmt.Fprintf(w, "  sizes     %d write pairs; %s owners / %s tasks for queries and memory, %d queries each;\n",
		o.Samples, thousands(o.QueryOwners), thousands(o.QueryTasks), o.QuerySamples)
	fmt.Fprintf(w, "            burst of %d (original pattern with backoff, safety cap %s), %d writes from one sender;\n",
		o.Burst, o.OriginalDeadline, o.OneSender)
	fmt.Fprintf(w, "            history %s and %s rows, %d pairs each\n", thousands(o.HistorySmall), thousands(o.HistoryLarge), o.HistorySamples)
	fmt.Fprintf(w, "            cost flat in history: %s and %s tasks (with their sessions, SC, SK and audit rows), %d pairs each\n",
		thousands(o.FlatSmall.Tasks), thousands(o.FlatLarge.Tasks), o.FlatSamples)
	fmt.Fprintf(w, "  order     sections 1, 2, 4, 5, 6, 7, then 3, whose original pattern loads the forge most\n")
	fmt.Fprintf(w, "  p50/p95 are nearest-rank percentiles of the samples; every ratio divides two figures of this run.\n\n")
}

func (r *Report) printPerCommand(w io.Writer) {
	p := r.PerCommand
	fmt.Fprintf(w, "1. One write command alone (toolbox.Run → ledger → forgejo client → Gitea)\n")
	t := table(w)
	fmt.Fprintf(t, "   forge requests, first !start_work\t%s\n", p.Requests)
	fmt.Fprintf(t, "   forge requests, first !stop_work\t%s\n", p.StopReqs)
	fmt.Fprintf(t, "   forge requests, each of %d writes\t%d to %d\n", len(p.Commits), p.MinRequests, p.MaxRequests)
	fmt.Fprintf(t, "   forge commits per write command\t%s (branch commit count before and after each)\n", commitSpread(p.Commits))
	fmt.Fprintf(t, "   bare commit (Client.Commit, 1 new file)\t%s\n", p.Bare)
	fmt.Fprintf(t, "   write command, end to end\t%s\n", p.Writes)
	fmt.Fprintf(t, "   write / bare commit\t%.2f× at p50, %.2f× at p95\n", ratio(p.Writes.P50(), p.Bare.P50()), ratio(p.Writes.P95(), p.Bare.P95()))
	fmt.Fprintf(t, "   !my_tasks on this forge-backed ledger\t%s; forge requests: %s\n", p.ForgeQuery, p.ForgeQueryRequests)
	t.Flush()
	fmt.Fprintf(w, "   (bare commits go to a repository of their own, alternating with the writes, so that neither moves\n")
	fmt.Fprintf(w, "   the other's branch; a write creates or updates a page, two indexes and a master-events shard)\n\n")
}

// commitSpread says how many commits the commands made, e.g. "1 for each of 20 commands".
func commitSpread(commits []int) string {
	counts := map[int]int{}
	for _, n := range commits {
		counts[n]++
	}
	if len(counts) == 1 {
		for n := range counts {
			return fmt.Sprintf("%d for each of %d commands", n, len(commits))
		}
	}
	var parts []string
	for n, k := range counts {
		parts = append(parts, fmt.Sprintf("%d commits ×%d commands", n, k))
	}
	return strings.Join(parts, ", ")
}

func (r *Report) printQuery(w io.Writer) {
	q, p := r.Query, r.PerCommand
	fmt.Fprintf(w, "2. Query and write latency\n")
	fmt.Fprintf(w, "   ledger of %s owners and %s tasks (%.1f MB of CSV) in a local git store (ledger/localgit),\n",
		thousands(q.Owners), thousands(q.Tasks), float64(q.Bytes)/1e6)
	fmt.Fprintf(w, "   loaded by ledger.Open in %s; random owners ask, each query timed around toolbox.Run\n", secs(q.Open))
	t := table(w)
	fmt.Fprintf(t, "   freshness check alone (localgit Store.Head)\t%s\n", q.Head)
	fmt.Fprintf(t, "   !my_tasks, toolbox.Run (freshness check included)\t%s\n", q.MyTasks)
	fmt.Fprintf(t, "   !wallet, toolbox.Run (freshness check included)\t%s\n", q.Wallet)
	fmt.Fprintf(t, "   write command end to end on Gitea (section 1)\t%s\n", p.Writes)
	t.Flush()
	fmt.Fprintln(w)
}

func (r *Report) printBurst(w io.Writer) {
	b := r.Burst
	e, o := b.Engelbot, b.Original
	fmt.Fprintf(w, "3. Burst: %d owners send !start_work on their own task at the same moment, on the same forge\n", b.N)
	t := table(w)
	fmt.Fprintf(t, "   \twall time\tdone\tcommits\trequests\tretries, all\tretries, most by one command\n")
	fmt.Fprintf(t, "   Engelbot (group commit)\t%s\t%d/%d\t%d\t%d\t(inside the writer)\t\n", secs(e.Wall), b.N, b.N, e.Commits, e.Requests.Total)
	wall := secs(o.Wall)
	if o.Capped {
		wall = "> " + wall + " (deadline hit)"
	}
	fmt.Fprintf(t, "   original pattern, with backoff\t%s\t%d/%d\t%d\t%d\t%d\t%d\n", wall, o.Completed, o.N, o.Commits, o.Requests.Total, o.Retries, o.MaxRetries())
	t.Flush()
	fmt.Fprintf(w, "   Engelbot: commands per commit %v; answers p50 %s, p95 %s after the release;\n", e.Groups, ms(e.Latencies.P50()), ms(e.Latencies.P95()))
	fmt.Fprintf(w, "   requests %s\n", e.Requests)
	fmt.Fprintf(w, "   original: requests %s;\n", o.Requests)
	fmt.Fprintf(w, "   answers %s; each single-file write took %s;\n", o.Requests.StatusString(), o.Attempts)
	fmt.Fprintf(w, "   retries per command %s; time paused per command %s\n", retrySpread(o.PerCmd), o.Paused)
	fmt.Fprintf(w, "   (original pattern, per command: GET the index, POST the page, PUT the index with its SHA, GET and PUT\n")
	fmt.Fprintf(w, "   master-events.csv with its SHA. A write that loses a race (422/409/403 cannot lock ref/500) waits, as the\n")
	fmt.Fprintf(w, "   original's \"exponential backoff\" did, then re-reads and retries: the n-th retry of a write waits a random\n")
	fmt.Fprintf(w, "   time in [d/2, d], d = %s·2^(n−1) capped at %s (equal jitter, seeded per command so runs draw the same\n",
		o.Backoff.Base, o.Backoff.Cap)
	fmt.Fprintf(w, "   pauses). Its commits are counted when every write sent has been answered.)\n")
	orig, label, speedup := b.Compare()
	if label == "measured" {
		fmt.Fprintf(w, "   speed-up: %.0f×, MEASURED (original %s for all %d commands, vs Engelbot %s)\n", speedup, secs(orig), o.N, secs(e.Wall))
	} else {
		fmt.Fprintf(w, "   At its %s deadline the original pattern stopped sending; once the writes in flight were answered\n", o.Deadline)
		fmt.Fprintf(w, "   (%s in all), %d of %d commands were done and %d of their %d single-file writes had landed.\n",
			secs(o.Wall), o.Completed, o.N, o.Writes, 3*o.N)
		fmt.Fprintf(w, "   speed-up: at least %.0f×, a LOWER BOUND (the original takes more than %s; Engelbot %s)\n", speedup, secs(orig), secs(e.Wall))
	}
	if s := b.OneSender; s != nil {
		printOneSender(w, s)
	}
	fmt.Fprintln(w)
}

// printOneSender is section 3's sub-section: one sender's writes in quick
// succession, beside one bare commit.
func printOneSender(w io.Writer, s *OneSender) {
	order := "in the order sent"
	if !s.InOrder {
		order = "NOT in the order sent"
	}
	fmt.Fprintf(w, "   One sender: an admin sends %d !add_owner in quick succession, through the bot's sender lane\n", s.N)
	fmt.Fprintf(w, "   last answer %s after the first send, %.1f× one bare commit (p50 %s); %d commits %v;\n",
		secs(s.Wall), ratio(s.Wall, s.Bare.P50()), ms(s.Bare.P50()), s.Commits, s.Groups)
	fmt.Fprintf(w, "   %d/%d answered, %s; the first answer %s after the first send, answers p50 %s, p95 %s\n",
		len(s.Answers), s.N, order, ms(s.Answers[0]), ms(s.Answers.P50()), ms(s.Answers.P95()))
}

// retrySpread summarises retries per command: median, most and total.
func retrySpread(perCmd []int) string {
	if len(perCmd) == 0 {
		return "none"
	}
	s := slices.Clone(perCmd)
	slices.Sort(s)
	total := 0
	for _, n := range s {
		total += n
	}
	return fmt.Sprintf("n=%d p50 %d max %d total %d", len(s), s[(len(s)-1)/2], s[len(s)-1], total)
}

func (r *Report) printHistory(w io.Writer) {
	h, lw := r.History, r.Large
	fmt.Fprintf(w, "4. Write latency against the size of the audit trail (ledger on Gitea)\n")
	t := table(w)
	fmt.Fprintf(t, "   master-events rows\tshards\tseeding\tledger.Open\topen requests\twrites\tp50\tp95\tmost requests/write\n")
	for k := range h.Rows {
		fmt.Fprintf(t, "   %s\t%d\t%s\t%s\t%d\t%d\t%s\t%s\t%d\n", thousands(h.Rows[k]), h.Shards[k], secs(h.Seed[k]),
			secs(h.Open[k]), h.OpenReqs[k].Total, len(h.Writes[k]), ms(h.Writes[k].P50()), ms(h.Writes[k].P95()), h.MaxReqs[k])
	}
	t.Flush()
	fmt.Fprintf(w, "   (rows seeded through the store as shards of ≤ 1,000 rows with a valid hash chain, the newest holding\n")
	fmt.Fprintf(w, "   %d rows at both sizes; the writes alternate between the two ledgers)\n", min(newestShardRows, h.Rows[0]))
	fmt.Fprintf(w, "   p50 at %s rows / p50 at %s rows: %.2f×\n", thousands(h.Rows[1]), thousands(h.Rows[0]), ratio(h.Writes[1].P50(), h.Writes[0].P50()))
	fmt.Fprintf(w, "   For comparison, without a target: !start_work on the ledger of %s owners and %s tasks on the forge\n",
		thousands(lw.Owners), thousands(lw.Tasks))
	fmt.Fprintf(w, "   (ledger.Open %s): %s, %.1f× the p50 at %s rows above;\n",
		secs(lw.Open), lw.Writes, ratio(lw.Writes.P50(), h.Writes[0].P50()), thousands(h.Rows[0]))
	fmt.Fprintf(w, "   requests %s.\n", lw.Requests)
	fmt.Fprintf(w, "   (Its tasks index is %.1f MB in %s shards; a write re-uploads only the shards it changes: section 7.)\n\n",
		float64(lw.TasksBytes)/1e6, thousands((lw.Tasks+ledger.DefaultShardRows-1)/ledger.DefaultShardRows))
}

func (r *Report) printMemory(w io.Writer) {
	fmt.Fprintf(w, "5. Memory and load time, each ledger loaded by a child process that holds just that ledger\n")
	t := table(w)
	fmt.Fprintf(t, "   loaded from\towners\ttasks\taudit rows\tledger.Open\tVmRSS before\tVmRSS loaded\tVmHWM\tGo heap in use\tGo heap live\tVmRSS freed\n")
	for _, l := range r.Loads {
		fmt.Fprintf(t, "   %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l.From, thousands(l.Owners), thousands(l.Tasks), thousands(l.Events),
			secs(l.Took), mib(l.RSSBefore), mib(l.RSS), mib(l.PeakRSS), mib(int64(l.HeapInuse)), mib(int64(l.HeapAlloc)), mib(l.RSSFreed))
	}
	t.Flush()
	gogc := "default GOGC"
	if r.Loads[0].GOGC != "" {
		gogc = "GOGC=" + r.Loads[0].GOGC
	}
	fmt.Fprintf(w, "   (after ledger.Open and one runtime.GC, from /proc/self/status and runtime.MemStats; %s. VmHWM is the\n", gogc)
	fmt.Fprintf(w, "   peak; \"VmRSS freed\" is VmRSS once the child has also called debug.FreeOSMemory itself. The target is\n")
	fmt.Fprintf(w, "   judged on \"VmRSS loaded\". The last row, for comparison and without a target, is section 4's ledger:\n")
	fmt.Fprintf(w, "   its audit trail is held in memory too.)\n\n")
}

func (r *Report) printTargets(w io.Writer) {
	fmt.Fprintf(w, "Targets (the run took %s; load average %.2f at the start, %.2f at the end",
		r.Took.Round(time.Second), r.LoadAvg[0], r.LoadAvg[1])
	if cpus := float64(runtime.NumCPU()); r.LoadAvg[0] > cpus {
		fmt.Fprintf(w, ";\n   at the start it exceeded the %d CPUs (other work, or the forge's own start-up): forge figures may be inflated", runtime.NumCPU())
	}
	fmt.Fprintf(w, ";\n   the figure at the end includes section 3's original pattern, which sends its writes all at once)\n")
	t := table(w)
	fmt.Fprintf(t, "   §\ttarget\twant\tmeasured\t\n")
	met := 0
	targets := r.Targets()
	for _, tg := range targets {
		verdict := "MISS"
		if tg.Met {
			verdict = "PASS"
			met++
		}
		fmt.Fprintf(t, "   %d\t%s\t%s\t%s\t%s\n", tg.Section, tg.Name, tg.Want, tg.Measured, verdict)
	}
	t.Flush()
	fmt.Fprintf(w, "   %d of %d targets met\n", met, len(targets))
}

func table(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) }

// thousands writes n with comma separators: 100000 → "100,000".
func thousands(n int) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// mib formats bytes in MiB.
func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func (r *Report) printPublish(w io.Writer) {
	fmt.Fprintf(w, "6. Publishing the public site (render, read the site repository, plan, one commit) to a site repository on the forge\n")
	for _, c := range r.Publish.Cases {
		fmt.Fprintf(w, "   %s: render alone %s; the section has %s files, %s\n", c.Name, c.Render, thousands(c.Files), mib(int64(c.SiteBytes)))
		t := table(w)
		fmt.Fprintf(t, "     publish\ttook\tcommits\tcreated\tupdated\tdeleted\tbytes committed\tforge requests\n")
		for _, s := range c.Steps {
			fmt.Fprintf(t, "     %s\t%s\t%d\t%d\t%d\t%d\t%s\t%d\n", s.Name, secs(s.Took), s.Commits, s.Created, s.Updated, s.Deleted, kib(s.Bytes), s.Requests)
		}
		t.Flush()
	}
	fmt.Fprintf(w, "   (each site repository starts with a hand-written mkdocs.yml and home page; bytes committed are the\n")
	fmt.Fprintf(w, "   contents of the files created or updated, before the API's base64)\n\n")
}

func kib(b int) string { return fmt.Sprintf("%.1f KiB", float64(b)/1024) }
