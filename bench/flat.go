package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// The sizes of section 7, as indexes of its pairs of figures.
const (
	flatSmall = 0
	flatLarge = 1
)

var flatNames = [2]string{"small", "large"}

// flatRepo names the repository of section 7's ledger of one size.
func flatRepo(k int) string { return "flat-" + flatNames[k] }

const repoFlatBare = "flat-bare"

// Flat is section 7: what commands cost on two ledgers of one shape, one
// with 100 times the history of the other, measured side by side in one
// run. Every pair is [small, large].
type Flat struct {
	Shapes   [2]Past
	Files    [2]int           // files seeded
	Bytes    [2]int           // bytes seeded
	Seed     [2]time.Duration // committing them to the forge, in one commit
	Open     [2]time.Duration // ledger.Open on the forge, in this process
	OpenReqs [2]Counts        // … and the forge requests it made
	Writes   [2]Durations     // !start_work and !stop_work, end to end
	Uploaded [2][]int64       // request bodies each write sent to the forge
	Commits  [2][]int         // forge commits each write made
	Requests [2]Counts        // forge requests of the first !start_work
	Bare     Durations        // bare commits, between the writes
	Queries  [2]FlatQueries
	Loads    [2]*Load // a child process that loads the ledger from the forge
	// Bursts run on the large ledger: the one of many owners here; a burst
	// of one sender's writes would be a further row.
	Bursts []FlatBurst
}

// FlatQueries are queries timed on a ledger of section 7 held in a local
// git store, whose freshness check reads the branch head from disk.
type FlatQueries struct {
	Open                   time.Duration // ledger.Open on the local store
	Wallet, Whois, MyTasks Durations     // toolbox.Run, freshness check included
}

// FlatBurst is a burst of commands on section 7's large ledger.
type FlatBurst struct {
	Name string
	N    int
	EngelbotBurst
}

// UploadedP50 is the median of the request bytes of a size's writes.
func (fl *Flat) UploadedP50(k int) int64 {
	d := make(Durations, len(fl.Uploaded[k]))
	for i, b := range fl.Uploaded[k] {
		d[i] = time.Duration(b)
	}
	return int64(d.P50())
}

// flatSide is one of the two ledgers, open on the forge and on local git.
type flatSide struct {
	r       *repo
	l       *ledger.Ledger
	tb      *toolbox.Toolbox
	local   string // the local git repository holding the same rows
	workers []int  // owners who can work: one per write pair, then the burst's
}

// runFlat seeds the two ledgers and measures writes, a burst, loads and
// queries on them.
func runFlat(ctx context.Context, f *forge, tmp string, opts Options) (*Flat, error) {
	fl := &Flat{Shapes: [2]Past{opts.FlatSmall, opts.FlatLarge}}
	now := time.Now()
	var sides [2]*flatSide
	defer func() {
		for _, s := range sides {
			if s != nil && s.l != nil {
				s.l.Close()
			}
		}
	}()
	for k := range fl.Shapes {
		fl.Shapes[k].Now = now
		s, err := fl.seed(ctx, f, tmp, k, opts)
		if err != nil {
			return nil, err
		}
		sides[k] = s
	}
	sides[flatSmall].workers = workers(fl.Shapes[flatSmall].Community, opts.FlatSamples)
	sides[flatLarge].workers = workers(fl.Shapes[flatLarge].Community, opts.FlatSamples+opts.FlatBurst)

	opts.progress("section 7: timing writes on both ledgers, beside bare commits")
	b, err := newBare(ctx, f, repoFlatBare)
	if err != nil {
		return nil, err
	}
	bareSample := func() error { return b.sample(ctx, &fl.Bare) }
	for j := range opts.FlatSamples {
		if err := bareSample(); err != nil {
			return nil, err
		}
		for _, step := range []struct {
			name  string
			order []int
		}{
			// One size first, then the other first, and the other way
			// round in the next pair: the forge's work after a commit
			// slows whatever comes next, and so weighs on both alike.
			{"start_work", []int{j % 2, 1 - j%2}},
			{"stop_work", []int{1 - j%2, j % 2}},
		} {
			for _, k := range step.order {
				if err := fl.write(ctx, sides[k], k, j, step.name); err != nil {
					return nil, err
				}
			}
		}
		if err := bareSample(); err != nil {
			return nil, err
		}
	}

	large := sides[flatLarge]
	opts.progress("section 7: burst of %d owners on the large ledger", opts.FlatBurst)
	burst, err := burstOn(ctx, large.r, large.tb, large.workers[opts.FlatSamples:], "flat-burst")
	if err != nil {
		return nil, err
	}
	fl.Bursts = append(fl.Bursts, FlatBurst{Name: fmt.Sprintf("%d owners, one !start_work each", opts.FlatBurst), N: opts.FlatBurst, EngelbotBurst: *burst})
	// The writes are done: let go of the forge ledgers, so that this
	// process's heap neither crowds the children nor slows the queries.
	for _, s := range sides {
		s.l.Close()
		s.l, s.tb = nil, nil
	}

	for _, k := range []int{flatLarge, flatSmall} {
		opts.progress("section 7: loading the %s ledger from the forge in a child process", flatNames[k])
		load, err := measureLoad(ctx, forgeLedger(f.g, sides[k].r.name))
		if err != nil {
			return nil, err
		}
		want := fl.Shapes[k]
		want.Events += 2 * opts.FlatSamples
		want.Sessions += opts.FlatSamples
		if k == flatLarge {
			want.Events += opts.FlatBurst
			want.Sessions += opts.FlatBurst
		}
		if err := want.checkRows("the child loaded", load.rows()); err != nil {
			return nil, err
		}
		fl.Loads[k] = load
	}

	opts.progress("section 7: timing queries on both ledgers")
	if fl.Queries, err = fl.timeQueries(ctx, sides, opts.FlatQuerySamples); err != nil {
		return nil, err
	}
	return fl, nil
}

// seed generates the ledger of size k, commits it to the forge and to a
// local git repository, and opens it on the forge.
func (fl *Flat) seed(ctx context.Context, f *forge, tmp string, k int, opts Options) (*flatSide, error) {
	p := fl.Shapes[k]
	opts.progress("section 7: generating the %s ledger: %s owners, %s tasks, %s sessions, %s SC, %s SK, %s audit rows",
		flatNames[k], thousands(p.Owners), thousands(p.Tasks), thousands(p.Sessions), thousands(p.SC), thousands(p.SK), thousands(p.Events))
	changes := p.Changes()
	fl.Files[k] = len(changes)
	for _, ch := range changes {
		fl.Bytes[k] += len(ch.Content)
	}
	opts.progress("section 7: committing the %s ledger (%d files, %.1f MB) to the forge", flatNames[k], fl.Files[k], float64(fl.Bytes[k])/1e6)
	start := time.Now()
	r, err := f.newRepo(ctx, flatRepo(k), changes)
	if err != nil {
		return nil, err
	}
	fl.Seed[k] = time.Since(start)
	s := &flatSide{r: r, local: filepath.Join(tmp, flatRepo(k)+".git")}
	if err := commitLocal(ctx, s.local, changes); err != nil {
		return nil, fmt.Errorf("committing the %s ledger to local git: %w", flatNames[k], err)
	}
	opts.progress("section 7: opening the %s ledger on the forge", flatNames[k])
	reading := r.counter.Read()
	if s.l, s.tb, fl.Open[k], err = openLedger(ctx, r.store); err != nil {
		return nil, err
	}
	fl.OpenReqs[k] = r.counter.Since(reading)
	if err := p.checkRows("the ledger loaded", countRows(s.l.Current())); err != nil {
		s.l.Close()
		return nil, err
	}
	return s, nil
}

// write runs one write command of pair j on side k, as the side's j-th
// worker on their own first task (claimed in every community), and
// records its time, the bytes it sent and the commits it made.
func (fl *Flat) write(ctx context.Context, s *flatSide, k, j int, name string) error {
	owner := s.workers[j]
	args := []string{TaskID(owner)}
	if name == "stop_work" {
		args = []string{fmt.Sprintf("benchmark sample %d", j)}
	}
	before, err := s.r.commits(ctx)
	if err != nil {
		return err
	}
	reading := s.r.counter.Read()
	d, err := command(ctx, s.tb, owner, eventID(fmt.Sprintf("flat-%s-%s", flatNames[k], name), j), name, args...)
	if err != nil {
		return err
	}
	sent := s.r.counter.Since(reading)
	after, err := s.r.commits(ctx)
	if err != nil {
		return err
	}
	if j == 0 && name == "start_work" {
		fl.Requests[k] = sent
	}
	fl.Writes[k] = append(fl.Writes[k], d)
	fl.Uploaded[k] = append(fl.Uploaded[k], sent.Bytes)
	fl.Commits[k] = append(fl.Commits[k], after-before)
	return nil
}

// OneCommitEach reports whether every write on either ledger made exactly
// one commit.
func (fl *Flat) OneCommitEach() bool { return oneCommitEach(fl.Commits[:]...) }

// workers returns up to n owners of c, from owner 1 on, whose license
// includes work (see Community.Tables).
func workers(c Community, n int) []int {
	var out []int
	for i := 1; i < c.Owners && len(out) < n; i++ {
		if l := c.license(i); l != ledger.LicenseWatch && l != ledger.LicenseCampaign {
			out = append(out, i)
		}
	}
	return out
}

// pastRows are the rows of a ledger section 7 checks after loading it:
// owners, tasks, sessions, SC, SK and audit rows.
type pastRows [6]int

func (p Past) rows() pastRows { return pastRows{p.Owners, p.Tasks, p.Sessions, p.SC, p.SK, p.Events} }

func (l *Load) rows() pastRows {
	return pastRows{l.Owners, l.Tasks, l.Sessions, l.SC, l.SK, l.Events}
}

// countRows counts what a snapshot holds.
func countRows(s *ledger.Snapshot) pastRows {
	var n pastRows
	tx := s.Read()
	for range tx.Owners() {
		n[0]++
	}
	for range tx.Tasks() {
		n[1]++
	}
	for range tx.Sessions() {
		n[2]++
	}
	for range tx.SCTxs() {
		n[3]++
	}
	for range tx.SKTxs() {
		n[4]++
	}
	n[5] = s.EventCount()
	return n
}

// checkRows says what differs between the rows a ledger loaded and p's.
func (p Past) checkRows(what string, got pastRows) error {
	if want := p.rows(); got != want {
		return fmt.Errorf("%s %v owners, tasks, sessions, SC, SK and audit rows, want %v", what, got, want)
	}
	return nil
}
