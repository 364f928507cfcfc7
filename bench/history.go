package bench

import (
	"context"
	"fmt"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// historyRepo names the repository of section 4's ledger with rows audit rows.
func historyRepo(rows int) string { return fmt.Sprintf("history-%d", rows) }

// newestShardRows is how full the newest master-events shard is at the
// start of section 4, at either size: each write then re-uploads a shard of
// about this many rows, the most a write ever carries of the audit trail.
const newestShardRows = 900

// shardsPerCommit bounds a seeding commit (about 4 MB of shards).
const shardsPerCommit = 10

// History is section 4: write latency with a small and a large audit
// trail already in the ledger.
type History struct {
	Rows     [2]int           // master-events rows before the first write
	Repos    [2]string        // the repositories holding them
	Shards   [2]int           // … in this many shards
	Seed     [2]time.Duration // committing them through the forge store
	Open     [2]time.Duration // ledger.Open on the forge
	OpenReqs [2]Counts
	Writes   [2]Durations // write commands, end to end
	MaxReqs  [2]int       // the most forge requests one write made
}

// runHistory seeds two ledgers on the forge, one per size, and times write
// commands on them alternately.
func runHistory(ctx context.Context, f *forge, opts Options) (*History, error) {
	h := &History{Rows: [2]int{opts.HistorySmall, opts.HistoryLarge}}
	type side struct {
		r  *repo
		l  *ledger.Ledger
		tb *toolbox.Toolbox
	}
	var sides [2]side
	for k, rows := range h.Rows {
		opts.progress("section 4: seeding %d master-events rows", rows)
		c := Community{Owners: 2, Tasks: 2 * opts.HistorySamples, Now: time.Now()}
		shards := EventShards(rows, newestShardRows, ledger.DefaultShardRows, time.Now())
		h.Shards[k] = len(shards)
		// The indexes go with the first shards, the rest a few at a time.
		seed := [][]ledger.Change{c.Changes()}
		for i := 0; i < len(shards); i += shardsPerCommit {
			group := shards[i:min(i+shardsPerCommit, len(shards))]
			if i == 0 {
				seed[0] = append(seed[0], group...)
				continue
			}
			seed = append(seed, group)
		}
		start := time.Now()
		r, err := f.newRepo(ctx, historyRepo(rows), seed...)
		if err != nil {
			return nil, err
		}
		h.Seed[k], h.Repos[k] = time.Since(start), r.name
		reading := r.counter.Read()
		l, tb, open, err := openLedger(ctx, r.store)
		if err != nil {
			return nil, err
		}
		defer l.Close()
		if got := l.Current().EventCount(); got != rows {
			return nil, fmt.Errorf("the ledger loaded %d master-events rows, %d were seeded", got, rows)
		}
		h.Open[k], h.OpenReqs[k] = open, r.counter.Since(reading)
		sides[k] = side{r: r, l: l, tb: tb}
	}
	opts.progress("section 4: timing writes")
	for j := range opts.HistorySamples {
		for _, step := range []struct {
			name string
			args []string
		}{
			{"start_work", []string{TaskID(j)}},
			{"stop_work", []string{fmt.Sprintf("benchmark sample %d", j)}},
		} {
			// One size first, then the other first: the forge's work after
			// a commit slows whatever comes next, and so weighs on both alike.
			order := []int{0, 1}
			if step.name == "stop_work" {
				order = []int{1, 0}
			}
			for _, k := range order {
				s := sides[k]
				reading := s.r.counter.Read()
				d, err := command(ctx, s.tb, 0, eventID(fmt.Sprintf("hist-%s", step.name), j), step.name, step.args...)
				if err != nil {
					return nil, err
				}
				h.Writes[k] = append(h.Writes[k], d)
				h.MaxReqs[k] = max(h.MaxReqs[k], s.r.counter.Since(reading).Total)
			}
		}
	}
	return h, nil
}

// LargeWrites are write commands on the large ledger of sections 2 and 5,
// on the forge: whether a write's cost grows with the size of the indexes.
type LargeWrites struct {
	Owners, Tasks int
	TasksBytes    int           // the size of the tasks index, all its shards
	Open          time.Duration // ledger.Open on the forge
	Writes        Durations
	Requests      Counts // of the first write
}

// runLargeWrites sends !start_work as a few owners of the large ledger on
// r, each on their first task (claimed in every community).
func runLargeWrites(ctx context.Context, r *repo, c Community, tasksBytes, n int) (*LargeWrites, error) {
	l, tb, open, err := openLedger(ctx, r.store)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	res := &LargeWrites{Owners: c.Owners, Tasks: c.Tasks, TasksBytes: tasksBytes, Open: open}
	for done, owner := range workers(c, n) {
		reading := r.counter.Read()
		d, err := command(ctx, tb, owner, eventID("large", owner), "start_work", TaskID(owner))
		if err != nil {
			return nil, err
		}
		if done == 0 {
			res.Requests = r.counter.Since(reading)
		}
		res.Writes = append(res.Writes, d)
	}
	return res, nil
}
