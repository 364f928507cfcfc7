package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
)

// Query is section 2: queries answered from the snapshot of a large ledger
// on a local git store, whose freshness check (the branch head, read from
// disk) is cheap and timed on its own.
type Query struct {
	Owners, Tasks int
	Bytes         int           // size of the generated CSV indexes
	Open          time.Duration // ledger.Open on the local store
	Head          Durations     // the freshness check alone: Store.Head
	MyTasks       Durations     // toolbox.Run of !my_tasks, end to end
	Wallet        Durations     // toolbox.Run of !wallet, end to end
}

// bigLedger is the large ledger written to a local git repository.
type bigLedger struct {
	path       string
	changes    []ledger.Change
	bytes      int // all the CSV indexes
	tasksBytes int // the tasks index alone
}

// writeBigLedger generates the large community and commits it to a new
// local git repository in dir.
func writeBigLedger(ctx context.Context, dir string, c Community) (*bigLedger, error) {
	b := &bigLedger{path: dir, changes: c.Changes()}
	for _, ch := range b.changes {
		b.bytes += len(ch.Content)
		if strings.HasPrefix(ch.Path, ledger.TasksIndex+"/") {
			b.tasksBytes += len(ch.Content)
		}
	}
	if err := commitLocal(ctx, dir, b.changes); err != nil {
		return nil, fmt.Errorf("committing the large ledger: %w", err)
	}
	return b, nil
}

// commitLocal commits changes, as the bench's seed, to a new local git
// repository in dir.
func commitLocal(ctx context.Context, dir string, changes []ledger.Change) error {
	store, err := localgit.Open(dir, branch)
	if err != nil {
		return err
	}
	defer store.Close()
	_, err = store.Commit(ctx, ledger.Commit{Message: "benchmark seed", Changes: changes})
	return err
}

// runQuery times !my_tasks and !wallet for random owners of the large ledger.
func runQuery(ctx context.Context, big *bigLedger, c Community, samples int) (*Query, error) {
	store, err := localgit.Open(big.path, branch)
	if err != nil {
		return nil, err
	}
	defer store.Close() // its Head is timed below, alone
	l, tb, open, err := openLedger(ctx, store)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	q := &Query{Owners: c.Owners, Tasks: c.Tasks, Bytes: big.bytes, Open: open}

	rnd := rand.New(rand.NewPCG(1, 2)) // the same owners every run
	n := 0
	ask := func(name string) (time.Duration, error) {
		n++
		return command(ctx, tb, rnd.IntN(c.Owners), eventID("query", n), name)
	}
	for range min(samples, 200) { // warm caches and the allocator up
		if _, err := ask("my_tasks"); err != nil {
			return nil, err
		}
	}
	for range samples {
		d, err := ask("my_tasks")
		if err != nil {
			return nil, err
		}
		q.MyTasks = append(q.MyTasks, d)
		if d, err = ask("wallet"); err != nil {
			return nil, err
		}
		q.Wallet = append(q.Wallet, d)
	}
	for range min(samples, 500) {
		start := time.Now()
		if _, err := store.Head(ctx); err != nil {
			return nil, err
		}
		q.Head = append(q.Head, time.Since(start))
	}
	return q, nil
}
