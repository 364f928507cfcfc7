package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"smartup0.org/engelbot/servers"
)

// The repositories of a run, besides section 4's (see historyRepo).
const (
	repoPerCommand = "per-command"
	repoBare       = "bare-commit"
	repoLarge      = "large-ledger"
	repoBurst      = "burst-engelbot"
	repoOriginal   = "burst-original"
	// section 3's writes from one sender, and its bare commits
	repoOneSender     = "one-sender"
	repoOneSenderBare = "one-sender-bare"
)

// Report is everything one run measured.
type Report struct {
	Options Options
	Started time.Time
	Took    time.Duration
	Forge   string // the forge's name and version
	// LoadAvg is the machine's 1-minute load average at the start and at
	// the end: other work on the machine slows the forge down.
	LoadAvg    [2]float64
	PerCommand *PerCommand
	Query      *Query
	Burst      *Burst
	History    *History
	Large      *LargeWrites
	Loads      []*Load // section 5
	Publish    *Publish
	Flat       *Flat // section 7
}

// Run measures every section on the forge g and returns the report, to be
// printed with Print. On an error the report holds the sections measured
// before it. g must be a forge of its own: Run creates repositories in an
// organisation named "bench" and leaves them there.
//
// Section 3 runs last: when its deadline stops the original pattern, the
// forge goes on with the writes already sent, which would slow down any
// measurement after it.
func Run(ctx context.Context, g *servers.Gitea, opts Options) (*Report, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	f := newForge(g)
	rep := &Report{Options: opts, Started: time.Now(), Forge: forgeVersion(ctx, f)}
	rep.LoadAvg[0] = loadAverage()
	defer func() {
		rep.Took = time.Since(rep.Started)
		rep.LoadAvg[1] = loadAverage()
	}()

	opts.progress("creating the repositories")
	if err := f.createRepos(ctx, repoPerCommand, repoBare, historyRepo(opts.HistorySmall), historyRepo(opts.HistoryLarge),
		repoLarge, repoBurst, repoOriginal, repoOneSender, repoOneSenderBare, flatRepo(flatSmall), flatRepo(flatLarge), repoFlatBare); err != nil {
		return rep, err
	}

	var err error
	opts.progress("section 1: write commands one at a time, beside bare commits")
	if rep.PerCommand, err = runPerCommand(ctx, f, opts); err != nil {
		return rep, fmt.Errorf("section 1: %w", err)
	}

	tmp, err := os.MkdirTemp("", "engelbot-bench-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(tmp)
	big := Community{Owners: opts.QueryOwners, Tasks: opts.QueryTasks, Mixed: true, Now: time.Now()}
	opts.progress("section 2: generating %d owners and %d tasks into a local git store", big.Owners, big.Tasks)
	bl, err := writeBigLedger(ctx, filepath.Join(tmp, "ledger.git"), big)
	if err != nil {
		return rep, fmt.Errorf("section 2: %w", err)
	}
	opts.progress("section 2: timing queries")
	if rep.Query, err = runQuery(ctx, bl, big, opts.QuerySamples); err != nil {
		return rep, fmt.Errorf("section 2: %w", err)
	}

	if rep.History, err = runHistory(ctx, f, opts); err != nil {
		return rep, fmt.Errorf("section 4: %w", err)
	}
	opts.progress("section 4: committing the large ledger to the forge, and writing on it")
	bigRepo, err := f.newRepo(ctx, repoLarge, bl.changes)
	if err != nil {
		return rep, fmt.Errorf("section 4: %w", err)
	}
	if rep.Large, err = runLargeWrites(ctx, bigRepo, big, bl.tasksBytes, opts.LargeWrites); err != nil {
		return rep, fmt.Errorf("section 4: %w", err)
	}

	if rep.Loads, err = runLoads(ctx, opts, []loadCase{
		{from: "Gitea", spec: forgeLedger(g, bigRepo.name), want: &big},
		{from: "local git", spec: childSpec{Local: bl.path}, want: &big},
		{from: fmt.Sprintf("Gitea, section 4's %s rows", thousands(rep.History.Rows[1])), spec: forgeLedger(g, rep.History.Repos[1])},
	}); err != nil {
		return rep, fmt.Errorf("section 5: %w", err)
	}

	if rep.Publish, err = runPublish(ctx, f, tmp, opts); err != nil {
		return rep, fmt.Errorf("section 6: %w", err)
	}

	if rep.Flat, err = runFlat(ctx, f, tmp, opts); err != nil {
		return rep, fmt.Errorf("section 7: %w", err)
	}

	rep.Burst = &Burst{N: opts.Burst}
	opts.progress("section 3: burst of %d through Engelbot", opts.Burst)
	eb, err := runEngelbotBurst(ctx, f, opts.Burst)
	if err != nil {
		return rep, fmt.Errorf("section 3: %w", err)
	}
	rep.Burst.Engelbot = *eb
	opts.progress("section 3: %d writes from one sender", opts.OneSender)
	if rep.Burst.OneSender, err = runOneSender(ctx, f, opts.OneSender); err != nil {
		return rep, fmt.Errorf("section 3: %w", err)
	}
	opts.progress("section 3: burst of %d in the original pattern (at most %s)", opts.Burst, opts.OriginalDeadline)
	if rep.Burst.Original, err = runOriginalBurst(ctx, f, opts.Burst, opts.OriginalDeadline); err != nil {
		return rep, fmt.Errorf("section 3: %w", err)
	}
	return rep, nil
}

// forgeVersion asks the forge what it is, for the header.
func forgeVersion(ctx context.Context, f *forge) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.g.URL+"/api/v1/version", nil)
	if err != nil {
		return "Gitea (version unknown)"
	}
	resp, err := f.plain.Do(req)
	if err != nil {
		return "Gitea (version unknown)"
	}
	defer resp.Body.Close()
	var v struct {
		Version string `json:"version"`
	}
	if json.NewDecoder(resp.Body).Decode(&v) != nil || v.Version == "" {
		return "Gitea (version unknown)"
	}
	return "Gitea " + v.Version
}

// loadAverage is the 1-minute load average, or -1 when it cannot be read.
func loadAverage() float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	var l float64
	if _, err := fmt.Sscan(string(data), &l); err != nil {
		return -1
	}
	return l
}

// hostLine names the machine the run measured on.
func hostLine() string {
	return fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
}
