package bench

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"smartup0.org/engelbot/servers"
)

// TestMain lets the test binary serve as the child that section 5 starts.
func TestMain(m *testing.M) {
	if IsChild() {
		os.Exit(ChildMain())
	}
	servers.RequireForTests("bench", servers.NeedGitea)
	os.Exit(m.Run())
}

// TestReportTiny runs every section at a tiny size on a real forge, so that
// `make test` proves the report machinery still measures what it claims.
func TestReportTiny(t *testing.T) {
	g := servers.GiteaForTest(t)
	opts := TinyOptions()
	opts.Progress = testWriter{t}
	rep, err := Run(t.Context(), g, opts)
	var out bytes.Buffer
	if rep != nil {
		rep.Print(&out)
		t.Logf("report:\n%s", out.String())
	}
	if err != nil {
		t.Fatal(err)
	}

	pc := rep.PerCommand
	if !pc.OneCommitEach() || len(pc.Commits) != 2*opts.Samples {
		t.Errorf("section 1: commits per write command %v, want 1 for each of %d", pc.Commits, 2*opts.Samples)
	}
	if n := pc.Requests.Kinds["POST contents"]; n != 1 {
		t.Errorf("section 1: !start_work sent %d multi-file commits (%s), want 1", n, pc.Requests)
	}
	if len(pc.Bare) != 2*opts.Samples || pc.Bare.P50() <= 0 {
		t.Errorf("section 1: bare commit samples %v", pc.Bare)
	}
	if q := rep.Query; len(q.MyTasks) != opts.QuerySamples || len(q.Wallet) != opts.QuerySamples {
		t.Errorf("section 2: %d and %d query samples, want %d each", len(q.MyTasks), len(q.Wallet), opts.QuerySamples)
	}
	b := rep.Burst
	if b.Engelbot.Commits < 1 || b.Engelbot.Commits > opts.Burst {
		t.Errorf("section 3: Engelbot's burst of %d made %d commits", opts.Burst, b.Engelbot.Commits)
	}
	// One sender's writes share commits, and every one is answered, in order.
	if s := b.OneSender; s.N != opts.OneSender || !s.InOrder || s.Commits < 1 || s.Commits >= opts.OneSender || len(s.Bare) == 0 {
		t.Errorf("section 3: one sender's %d writes: %d sent (answered in order: %v) in %d commits %v, %d bare commits; want all, in order, in fewer commits than writes",
			opts.OneSender, s.N, s.InOrder, s.Commits, s.Groups, len(s.Bare))
	}
	// With backoff the original pattern finishes: every command completes
	// well inside the tiny deadline, so its time is measured.
	o := b.Original
	if o.Capped || o.Completed != o.N {
		t.Errorf("section 3: the original pattern completed %d of %d commands (deadline hit: %v), want all", o.Completed, o.N, o.Capped)
	}
	if o.Commits != 3*o.N || o.Writes+o.Recovered != 3*o.N {
		t.Errorf("section 3: the original pattern made %d commits and %d+%d writes for %d commands, want 3 each", o.Commits, o.Writes, o.Recovered, o.N)
	}
	if _, label, _ := b.Compare(); label != "measured" {
		t.Errorf("section 3: the comparison is a %s, want measured", label)
	}
	// Every single-file write sent either landed or was counted as a retry
	// of its command.
	perCmd := 0
	for _, n := range o.PerCmd {
		perCmd += n
	}
	sent := o.Requests.Kinds["POST contents/{path}"] + o.Requests.Kinds["PUT contents/{path}"]
	if len(o.PerCmd) != o.N || perCmd != o.Retries || sent != o.Writes+o.Recovered+o.Retries {
		t.Errorf("section 3: %d writes sent, %d landed, %d recovered, %d retries (per command %v)", sent, o.Writes, o.Recovered, o.Retries, o.PerCmd)
	}
	h := rep.History
	for k, rows := range h.Rows {
		if len(h.Writes[k]) != 2*opts.HistorySamples {
			t.Errorf("section 4: %d writes at %d rows, want %d", len(h.Writes[k]), rows, 2*opts.HistorySamples)
		}
	}
	if lw := rep.Large; len(lw.Writes) != opts.LargeWrites || lw.Requests.Kinds["POST contents"] != 1 {
		t.Errorf("section 4: %d writes on the large ledger (first one: %s), want %d of one commit each", len(lw.Writes), lw.Requests, opts.LargeWrites)
	}
	if len(rep.Loads) != 3 {
		t.Fatalf("section 5: %d loads, want the large ledger from the forge and from local git, and section 4's", len(rep.Loads))
	}
	// Section 4 seeded HistoryLarge rows, and each of its writes added one.
	if l, want := rep.Loads[2], opts.HistoryLarge+2*opts.HistorySamples; l.Events != want {
		t.Errorf("section 5: the child loaded %d audit rows of section 4's ledger, want %d", l.Events, want)
	}
	for _, l := range rep.Loads {
		if l.RSS <= 0 || l.HeapInuse == 0 || l.Took <= 0 {
			t.Errorf("section 5: load from %s measured nothing: %+v", l.From, l)
		}
	}
	if p := rep.Publish; p == nil || len(p.Cases) != 2 {
		t.Fatalf("section 6: %+v, want the grown ledger's and the demo's publishes", p)
	}
	for _, c := range rep.Publish.Cases {
		// The first publish and the one after a write commit once each;
		// the one with nothing changed writes nothing.
		if len(c.Steps) != 3 || c.Steps[0].Commits != 1 || c.Steps[1].Commits != 0 || c.Steps[2].Commits != 1 {
			t.Errorf("section 6, %s: commits per publish %+v, want 1, 0, 1", c.Name, c.Steps)
			continue
		}
		// The first publish creates the section's files and publish's
		// marker file in the folder (mkdocs.yml is updated).
		if c.Steps[0].Created != c.Files+1 || c.Steps[2].Created+c.Steps[2].Updated == 0 || c.Steps[1].Bytes != 0 {
			t.Errorf("section 6, %s: the first publish created %d files for a %d-file section and its marker; after the write %+v", c.Name, c.Steps[0].Created, c.Files, c.Steps[2])
		}
	}
	fl := rep.Flat
	for k, name := range flatNames {
		if len(fl.Writes[k]) != 2*opts.FlatSamples || len(fl.Uploaded[k]) != 2*opts.FlatSamples || fl.UploadedP50(k) <= 0 {
			t.Errorf("section 7, %s ledger: %d writes, %d byte counts (median %d), want %d", name, len(fl.Writes[k]), len(fl.Uploaded[k]), fl.UploadedP50(k), 2*opts.FlatSamples)
		}
		q := fl.Queries[k]
		if len(q.Wallet) != opts.FlatQuerySamples || len(q.Whois) != opts.FlatQuerySamples || len(q.MyTasks) != opts.FlatQuerySamples {
			t.Errorf("section 7, %s ledger: %d, %d and %d query samples, want %d each", name, len(q.Wallet), len(q.Whois), len(q.MyTasks), opts.FlatQuerySamples)
		}
		// runFlat checks that each child loaded every row; here, that it ran.
		if l := fl.Loads[k]; l == nil || l.RSS <= 0 || l.Took <= 0 || l.Tasks != fl.Shapes[k].Tasks {
			t.Errorf("section 7, %s ledger: the child measured %+v", name, l)
		}
	}
	if !fl.OneCommitEach() {
		t.Errorf("section 7: commits per write %v, want 1 each", fl.Commits)
	}
	if len(fl.Bare) != 2*opts.FlatSamples || len(fl.Bursts) != 1 || len(fl.Bursts[0].Latencies) != opts.FlatBurst {
		t.Errorf("section 7: %d bare commits, bursts %+v, want %d and one burst of %d", len(fl.Bare), fl.Bursts, 2*opts.FlatSamples, opts.FlatBurst)
	} else if b := fl.Bursts[0]; b.Commits < 1 || b.Commits > opts.FlatBurst || sum(b.Groups) != opts.FlatBurst {
		t.Errorf("section 7: the burst of %d made %d commits carrying %v commands", opts.FlatBurst, b.Commits, b.Groups)
	}
	if n := len(rep.Targets()); n != 20 || !strings.Contains(out.String(), fmt.Sprintf("of %d targets met", n)) {
		t.Errorf("the report judges %d targets, want 20, and sums them up", n)
	}
}

// testWriter sends progress lines to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

func sum(ns []int) int {
	t := 0
	for _, n := range ns {
		t += n
	}
	return t
}
