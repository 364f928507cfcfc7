package bench

import (
	"fmt"
	"io"
	"slices"
)

func (r *Report) printFlat(w io.Writer) {
	fl := r.Flat
	fmt.Fprintf(w, "7. Cost flat in history: two ledgers of one shape on Gitea, the large one with 100× the rows of the small\n")
	t := table(w)
	fmt.Fprintf(t, "   ledger\towners\ttasks\tsessions\tSC rows\tSK rows\taudit rows\tfiles\tseeded\tseeding\tledger.Open\topen requests\t\n")
	for k, p := range fl.Shapes {
		fmt.Fprintf(t, "   %s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%.1f MB\t%s\t%s\t%d\t\n", flatNames[k], thousands(p.Owners), thousands(p.Tasks),
			thousands(p.Sessions), thousands(p.SC), thousands(p.SK), thousands(p.Events), fl.Files[k], float64(fl.Bytes[k])/1e6,
			secs(fl.Seed[k]), secs(fl.Open[k]), fl.OpenReqs[k].Total)
	}
	t.Flush()
	fmt.Fprintf(w, "   (seeded in one commit each through the forge's contents API; ledger.Open here is this process's, on the\n")
	fmt.Fprintf(w, "   forge: it reads the tree, then the files it lacks in one fetch of git's protocol, by blob SHA)\n")

	s, l := flatSmall, flatLarge
	t = table(w)
	fmt.Fprintf(t, "   \tsmall\tlarge\tlarge/small\t\n")
	row := func(name, small, large string, rt float64) {
		fmt.Fprintf(t, "   %s\t%s\t%s\t%.2f×\t\n", name, small, large, rt)
	}
	wr := fl.Writes
	row(fmt.Sprintf("write p50 (%d each)", len(wr[l])), ms(wr[s].P50()), ms(wr[l].P50()), ratio(wr[l].P50(), wr[s].P50()))
	row("write p95", ms(wr[s].P95()), ms(wr[l].P95()), ratio(wr[l].P95(), wr[s].P95()))
	us, ul := fl.UploadedP50(s), fl.UploadedP50(l)
	row("bytes uploaded per write, median", kib(int(us)), kib(int(ul)), fratio(float64(ul), float64(us)))
	fmt.Fprintf(t, "   commits per write\t%s\t%s\t\t\n", commitSpread(fl.Commits[s]), commitSpread(fl.Commits[l]))
	q := fl.Queries
	for _, c := range []struct {
		name         string
		small, large Durations
	}{{"!wallet", q[s].Wallet, q[l].Wallet}, {"!whois <alias>", q[s].Whois, q[l].Whois}, {"!my_tasks", q[s].MyTasks, q[l].MyTasks}} {
		row(fmt.Sprintf("%s p95 (%d each)", c.name, len(c.large)), ms(c.small.P95()), ms(c.large.P95()), ratio(c.large.P95(), c.small.P95()))
	}
	if ls, ll := fl.Loads[s], fl.Loads[l]; ls != nil && ll != nil {
		row("ledger.Open from Gitea, child process", secs(ls.Took), secs(ll.Took), ratio(ll.Took, ls.Took))
		row("ledger.Open from local git (no network)", secs(q[s].Open), secs(q[l].Open), ratio(q[l].Open, q[s].Open))
		row("VmRSS of the child, ledger loaded", mib(ls.RSS), mib(ll.RSS), fratio(float64(ll.RSS), float64(ls.RSS)))
		row("VmHWM of the child (its peak)", mib(ls.PeakRSS), mib(ll.PeakRSS), fratio(float64(ll.PeakRSS), float64(ls.PeakRSS)))
		row("Go heap live in the child", mib(int64(ls.HeapAlloc)), mib(int64(ll.HeapAlloc)), fratio(float64(ll.HeapAlloc), float64(ls.HeapAlloc)))
	}
	t.Flush()
	fmt.Fprintf(w, "   requests of the first !start_work: small %s; large %s\n", fl.Requests[s], fl.Requests[l])
	fmt.Fprintf(w, "   bare commit (Client.Commit of 1 new file, own repository), between the write pairs: %s\n", fl.Bare)

	t = table(w)
	fmt.Fprintf(t, "   burst on the large ledger\twall time\tcommits\tcommands per commit\trequests\tuploaded\tfirst answer\tanswers p50\twall / bare commit p50\t\n")
	for _, b := range fl.Bursts {
		fmt.Fprintf(t, "   %s\t%s\t%d\t%v\t%d\t%s\t%s\t%s\t%.2f×\t\n", b.Name, ms(b.Wall), b.Commits, b.Groups, b.Requests.Total,
			kib(int(b.Requests.Bytes)), ms(slices.Min(b.Latencies)), ms(b.Latencies.P50()), ratio(b.Wall, fl.Bare.P50()))
	}
	t.Flush()
	if b := r.Burst; b != nil {
		fmt.Fprintf(w, "   for comparison, section 3's burst of %d on a ledger of %d owners and %d tasks: %s in %d commits %v\n",
			b.N, b.N, b.N, ms(b.Engelbot.Wall), b.Engelbot.Commits, b.Engelbot.Groups)
	}
	fmt.Fprintf(w, "   (rows generated with the ledger's types; sessions have no pages. Each write pair is !start_work and\n")
	fmt.Fprintf(w, "   !stop_work by a worker on their own claimed task, alternating between the ledgers; bytes are the request\n")
	fmt.Fprintf(w, "   bodies sent to the forge. Queries: toolbox.Run on each ledger held in a local git store, freshness\n")
	fmt.Fprintf(w, "   check from disk included, for random owners. Loads: a child process as in section 5, after the writes.)\n\n")
}

// fratio is a/b, or 0 when b is zero.
func fratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
