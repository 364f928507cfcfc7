package bench

import (
	"context"
	"fmt"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// PerCommand is section 1: what one write command costs on the forge, next
// to one bare commit.
type PerCommand struct {
	Commits  []int  // forge commits each write command made
	Requests Counts // forge requests of the first !start_work
	StopReqs Counts // … and of the first !stop_work
	// MinRequests and MaxRequests bound the requests of every write command.
	MinRequests, MaxRequests int
	Bare                     Durations // a direct Client.Commit of one small file
	Writes                   Durations // every write command, end to end
	ForgeQuery               Durations // !my_tasks on the same forge-backed ledger
	ForgeQueryRequests       Counts    // forge requests of the first such query
}

// OneCommitEach reports whether every write command made exactly one commit.
func (p *PerCommand) OneCommitEach() bool { return oneCommitEach(p.Commits) }

// oneCommitEach reports whether each list of commits per write is not
// empty and holds only ones.
func oneCommitEach(lists ...[]int) bool {
	for _, cs := range lists {
		if len(cs) == 0 {
			return false
		}
		for _, n := range cs {
			if n != 1 {
				return false
			}
		}
	}
	return len(lists) > 0
}

// runPerCommand times, alternately, a bare commit of one small file (in a
// repository of its own, so that it never moves the ledger's branch) and a
// write command through toolbox → ledger → forge, one at a time.
func runPerCommand(ctx context.Context, f *forge, opts Options) (*PerCommand, error) {
	c := Community{Owners: 2, Tasks: 2 * opts.Samples, Now: time.Now()}
	r, err := f.newRepo(ctx, repoPerCommand, c.Changes())
	if err != nil {
		return nil, err
	}
	l, tb, _, err := openLedger(ctx, r.store)
	if err != nil {
		return nil, err
	}
	defer l.Close()

	res := &PerCommand{MinRequests: -1}
	b, err := newBare(ctx, f, repoBare)
	if err != nil {
		return nil, err
	}
	write := func(j int, name string, args ...string) (Counts, error) {
		before, err := r.commits(ctx)
		if err != nil {
			return Counts{}, err
		}
		reading := r.counter.Read()
		took, err := command(ctx, tb, 0, eventID("pc-"+name, j), name, args...)
		if err != nil {
			return Counts{}, err
		}
		reqs := r.counter.Since(reading)
		after, err := r.commits(ctx)
		if err != nil {
			return Counts{}, err
		}
		res.Writes = append(res.Writes, took)
		res.Commits = append(res.Commits, after-before)
		if res.MinRequests < 0 || reqs.Total < res.MinRequests {
			res.MinRequests = reqs.Total
		}
		res.MaxRequests = max(res.MaxRequests, reqs.Total)
		return reqs, nil
	}
	bareSample := func() error { return b.sample(ctx, &res.Bare) }
	for j := range opts.Samples {
		for s, step := range []struct {
			name string
			args []string
			keep *Counts
		}{
			{"start_work", []string{TaskID(j)}, &res.Requests},
			{"stop_work", []string{fmt.Sprintf("benchmark sample %d", j)}, &res.StopReqs},
		} {
			// Bare first, then the write, then the other way round: the
			// forge's work after a commit slows whatever comes next, and
			// this way it weighs on both kinds alike.
			if s == 0 {
				if err := bareSample(); err != nil {
					return nil, err
				}
			}
			reqs, err := write(j, step.name, step.args...)
			if err != nil {
				return nil, err
			}
			if j == 0 {
				*step.keep = reqs
			}
			if s == 1 {
				if err := bareSample(); err != nil {
					return nil, err
				}
			}
		}
	}
	if res.ForgeQuery, res.ForgeQueryRequests, err = timeForgeQuery(ctx, r, tb, opts.Samples*2); err != nil {
		return nil, err
	}
	return res, nil
}

// timeForgeQuery times !my_tasks on a forge-backed ledger: the toolbox
// answers from the snapshot after one freshness check on the forge.
func timeForgeQuery(ctx context.Context, r *repo, tb *toolbox.Toolbox, n int) (Durations, Counts, error) {
	var (
		ds    Durations
		first Counts
	)
	for i := range n {
		reading := r.counter.Read()
		d, err := command(ctx, tb, 0, eventID("pc-query", i), "my_tasks")
		if err != nil {
			return nil, Counts{}, err
		}
		if i == 0 {
			first = r.counter.Since(reading)
		}
		ds = append(ds, d)
	}
	return ds, first, nil
}

// bareCommitter makes bare commits: one new small file each, straight
// through the forge store, the least a write can cost.
type bareCommitter struct {
	repo *repo
	n    int
}

// newBare creates the repository name for bare commits and makes a first
// one, which warms the connection and the repository up.
func newBare(ctx context.Context, f *forge, name string) (*bareCommitter, error) {
	r, err := f.newRepo(ctx, name)
	if err != nil {
		return nil, err
	}
	b := &bareCommitter{repo: r}
	if _, err := b.commit(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// sample makes a bare commit and adds its time to into.
func (b *bareCommitter) sample(ctx context.Context, into *Durations) error {
	d, err := b.commit(ctx)
	if err != nil {
		return err
	}
	*into = append(*into, d)
	return nil
}

func (b *bareCommitter) commit(ctx context.Context) (time.Duration, error) {
	b.n++
	start := time.Now()
	_, err := b.repo.store.Commit(ctx, ledger.Commit{
		Message: fmt.Sprintf("bare commit %d", b.n),
		Author:  ledger.Signature{Name: "Engelbot bench", Email: "bench@localhost"},
		Changes: []ledger.Change{{
			Op: ledger.OpCreate, Path: fmt.Sprintf("bare/sample-%03d.txt", b.n),
			Content: fmt.Appendf(nil, "bare commit sample %d\n", b.n),
		}},
	})
	if err != nil {
		return 0, fmt.Errorf("bare commit: %w", err)
	}
	return time.Since(start), nil
}
