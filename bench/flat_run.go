package bench

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/toolbox"
)

// burstOn releases one goroutine per owner at once, each sending
// !start_work on the owner's first task (claimed in every community), on
// the ledger r holds, as section 3's burst does on a ledger of its own.
func burstOn(ctx context.Context, r *repo, tb *toolbox.Toolbox, owners []int, tag string) (*EngelbotBurst, error) {
	before, err := r.commits(ctx)
	if err != nil {
		return nil, err
	}
	reading := r.counter.Read()
	res := &EngelbotBurst{Latencies: make(Durations, len(owners))}
	errs := make([]error, len(owners))
	coming := make([]toolbox.Coming, len(owners))
	start := atOnce(len(owners), arrive(tb, coming, "start_work"), func(i int) {
		defer coming[i].Done()
		res.Latencies[i], errs[i] = command(coming[i].Context(ctx), tb, owners[i], eventID(tag, i), "start_work", TaskID(owners[i]))
	})
	res.Wall = time.Since(start)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	res.Requests = r.counter.Since(reading)
	if res.Commits, res.Groups, err = r.groupsSince(ctx, before); err != nil {
		return nil, err
	}
	return res, nil
}

// timeQueries times !wallet, !whois <alias> and !my_tasks for random owners
// on both ledgers, each opened on its local git store, whose freshness check
// reads the branch head from disk: what is timed is toolbox.Run, that check
// included, answering from a loaded snapshot. The two sizes take turns, so
// that the machine's noise falls on both.
func (fl *Flat) timeQueries(ctx context.Context, sides [2]*flatSide, samples int) ([2]FlatQueries, error) {
	var (
		qs  [2]FlatQueries
		tbs [2]*toolbox.Toolbox
	)
	for k, s := range sides {
		store, err := localgit.Open(s.local, branch)
		if err != nil {
			return qs, err
		}
		defer store.Close()
		l, tb, open, err := openLedger(ctx, store)
		if err != nil {
			return qs, err
		}
		defer l.Close()
		qs[k].Open, tbs[k] = open, tb
	}
	rnd := rand.New(rand.NewPCG(7, 7)) // the same owners every run
	n := 0
	ask := func(k int, name string, args ...string) (time.Duration, error) {
		n++
		return command(ctx, tbs[k], rnd.IntN(fl.Shapes[k].Owners), eventID("flat-query", n), name, args...)
	}
	round := func(k int, keep bool) error {
		for _, q := range []struct {
			name string
			args []string
			into *Durations
		}{
			{"wallet", nil, &qs[k].Wallet},
			{"whois", []string{Alias(rnd.IntN(fl.Shapes[k].Owners))}, &qs[k].Whois},
			{"my_tasks", nil, &qs[k].MyTasks},
		} {
			d, err := ask(k, q.name, q.args...)
			if err != nil {
				return err
			}
			if keep {
				*q.into = append(*q.into, d)
			}
		}
		return nil
	}
	for i := range min(samples, 200) + samples { // the first rounds warm caches and the allocator up
		for _, k := range []int{i % 2, 1 - i%2} {
			if err := round(k, i >= min(samples, 200)); err != nil {
				return qs, err
			}
		}
	}
	return qs, nil
}
