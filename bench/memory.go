package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"smartup0.org/engelbot/forgejo"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/servers"
)

// childEnv marks a process as a child that loads one ledger and reports
// its memory: its value is the JSON of a childSpec.
const childEnv = "ENGELBOT_BENCH_LOAD_CHILD"

// childSpec says which store a child loads the ledger from.
type childSpec struct {
	Local string     `json:"local,omitempty"` // a local git repository
	Forge *forgeSpec `json:"forge,omitempty"` // or a branch on the forge
}

// forgeSpec is a ledger branch on the forge.
type forgeSpec struct {
	URL, Owner, Repo, Branch, Token string
}

// Load is what a child measured: a process holding just one loaded ledger.
type Load struct {
	From      string        `json:"from"`       // where the ledger was loaded from, and what it is
	Took      time.Duration `json:"took"`       // ledger.Open
	RSSBefore int64         `json:"rss_before"` // VmRSS before opening, bytes
	RSS       int64         `json:"rss"`        // VmRSS with the ledger loaded, after a GC
	PeakRSS   int64         `json:"peak_rss"`   // VmHWM: the most the process ever held
	// RSSFreed is VmRSS once debug.FreeOSMemory has returned the heap's
	// free pages: what the process needs to hold the ledger, without the
	// garbage of loading it that the runtime has not yet handed back.
	RSSFreed  int64         `json:"rss_freed"`
	HeapInuse uint64        `json:"heap_inuse"` // Go heap spans in use, after a GC
	HeapAlloc uint64        `json:"heap_alloc"` // live Go heap objects, after a GC
	Sys       uint64        `json:"sys"`        // everything the Go runtime got from the OS
	Owners    int           `json:"owners"`     // rows the loaded ledger holds
	Tasks     int           `json:"tasks"`
	Events    int           `json:"events"`   // master-events rows
	Sessions  int           `json:"sessions"` // work sessions
	SC        int           `json:"sc"`       // SC transactions
	SK        int           `json:"sk"`       // SK transactions
	Large     bool          `json:"-"`        // the large ledger the targets are about
	GOGC      string        `json:"gogc"`     // the environment's GOGC, "" for the default (100)
	Elapsed   time.Duration `json:"elapsed"`  // the child's whole life as the parent saw it
}

// IsChild reports whether this process was started to load a ledger and
// report its memory. A main program (or TestMain) that is a child must call
// ChildMain and exit with its status instead of doing anything else.
func IsChild() bool { return os.Getenv(childEnv) != "" }

// ChildMain loads the ledger the environment names, prints a Load as JSON
// on standard output and returns the exit status.
func ChildMain() int {
	if err := child(context.Background(), os.Getenv(childEnv)); err != nil {
		fmt.Fprintln(os.Stderr, "bench child:", err)
		return 1
	}
	return 0
}

func child(ctx context.Context, specJSON string) error {
	var spec childSpec
	if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
		return fmt.Errorf("reading the child's spec: %w", err)
	}
	before, err := procStatus()
	if err != nil {
		return err
	}
	var (
		store ledger.Store
		from  string
	)
	start := time.Now()
	switch {
	case spec.Local != "":
		s, err := localgit.Open(spec.Local, branch)
		if err != nil {
			return err
		}
		defer s.Close()
		store, from = s, "local git"
	case spec.Forge != nil:
		f := spec.Forge
		c, err := forgejo.New(forgejo.Config{URL: f.URL, Owner: f.Owner, Repo: f.Repo, Branch: f.Branch, Token: f.Token})
		if err != nil {
			return err
		}
		store, from = c, "Gitea"
	default:
		return errors.New("the child's spec names no store")
	}
	l, err := ledger.Open(ctx, store, ledger.Options{})
	if err != nil {
		return err
	}
	defer l.Close()
	took := time.Since(start)

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	after, err := procStatus()
	if err != nil {
		return err
	}
	res := Load{
		From: from, Took: took, RSSBefore: before["VmRSS"], RSS: after["VmRSS"], PeakRSS: after["VmHWM"],
		HeapInuse: ms.HeapInuse, HeapAlloc: ms.HeapAlloc, Sys: ms.Sys, GOGC: os.Getenv("GOGC"),
	}
	debug.FreeOSMemory()
	freed, err := procStatus()
	if err != nil {
		return err
	}
	res.RSSFreed = freed["VmRSS"]
	// Counted after the measurement, so that counting costs nothing above.
	n := countRows(l.Current())
	res.Owners, res.Tasks, res.Sessions, res.SC, res.SK, res.Events = n[0], n[1], n[2], n[3], n[4], n[5]
	return json.NewEncoder(os.Stdout).Encode(res)
}

// procStatus reads the kB figures of /proc/self/status, in bytes.
func procStatus() (map[string]int64, error) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil, fmt.Errorf("reading /proc/self/status: %w", err)
	}
	out := map[string]int64{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		fields := strings.Fields(val)
		if !ok || len(fields) != 2 || fields[1] != "kB" {
			continue
		}
		if n, err := strconv.ParseInt(fields[0], 10, 64); err == nil {
			out[key] = n << 10
		}
	}
	for _, k := range []string{"VmRSS", "VmHWM"} {
		if _, ok := out[k]; !ok {
			return nil, fmt.Errorf("/proc/self/status has no %s", k)
		}
	}
	return out, nil
}

// loadCase is one ledger section 5 loads in a child process.
type loadCase struct {
	from string
	spec childSpec
	want *Community // the community it must hold; nil for a ledger shown for comparison
}

// forgeLedger names a ledger branch on the forge g for a child.
func forgeLedger(g *servers.Gitea, repo string) childSpec {
	return childSpec{Forge: &forgeSpec{URL: g.URL, Owner: org, Repo: repo, Branch: branch, Token: g.Token}}
}

// runLoads measures each case in a child process of its own.
func runLoads(ctx context.Context, opts Options, cases []loadCase) ([]*Load, error) {
	var loads []*Load
	for _, lc := range cases {
		opts.progress("section 5: loading the ledger from %s in a child process", lc.from)
		load, err := measureLoad(ctx, lc.spec)
		if err != nil {
			return nil, err
		}
		if c := lc.want; c != nil && (load.Owners != c.Owners || load.Tasks != c.Tasks) {
			return nil, fmt.Errorf("the child loaded %d owners and %d tasks from %s, not %d and %d", load.Owners, load.Tasks, lc.from, c.Owners, c.Tasks)
		}
		load.From, load.Large = lc.from, lc.want != nil
		loads = append(loads, load)
	}
	return loads, nil
}

// measureLoad runs this program again as a child that loads the ledger
// spec names and reports what it holds.
func measureLoad(ctx context.Context, spec childSpec) (*Load, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this program to run it again: %w", err)
	}
	js, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), childEnv+"="+string(js))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("the loading child failed: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var l Load
	if err := json.Unmarshal(stdout.Bytes(), &l); err != nil {
		return nil, fmt.Errorf("the loading child's answer %q: %w", stdout.String(), err)
	}
	l.Elapsed = time.Since(start)
	return &l, nil
}
