package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"smartup0.org/engelbot/bot/lane"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// OneSender is section 3's second burst: one admin sends many onboardings
// (!add_owner) in quick succession, as when a team joins. They go through
// the bot's own sender lane (bot/lane), which keeps them in order and
// answers them in order, but lets each start once the previous one's write
// is queued: their writes share commits.
type OneSender struct {
	N       int
	Wall    time.Duration // from the first command handed to the lane to the last answer
	Commits int
	Groups  []int // commands per commit, oldest first, from the commit messages
	// InOrder is whether the answers came in the order sent and the audit
	// rows were numbered so. (Every command was answered: a run in which
	// one fails reports that error instead.)
	InOrder bool
	Answers Durations // each command, from the first send to its answer
	Bare    Durations // bare commits on a repository of its own, before and after
}

// runOneSender onboards n owners, all sent by owner 0 (the founder, so an
// admin) in a direct chat, without waiting for an answer between them.
func runOneSender(ctx context.Context, f *forge, n int) (*OneSender, error) {
	c := Community{Owners: 1, Tasks: 1, Now: time.Now()}
	r, err := f.newRepo(ctx, repoOneSender, c.Changes())
	if err != nil {
		return nil, err
	}
	l, _, _, err := openLedger(ctx, r.store)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	tb := toolbox.New(l, toolbox.Config{Founder: MatrixID(0)})
	res := &OneSender{N: n}
	bare, err := newBare(ctx, f, repoOneSenderBare)
	if err != nil {
		return nil, err
	}
	bareSamples := func() error {
		for range 3 {
			if err := bare.sample(ctx, &res.Bare); err != nil {
				return err
			}
		}
		return nil
	}
	if err := bareSamples(); err != nil {
		return nil, err
	}
	before, err := r.commits(ctx)
	if err != nil {
		return nil, err
	}

	var (
		mu    sync.Mutex
		order []int
		errs  = make([]error, n)
		start time.Time
	)
	res.Answers = make(Durations, n)
	lanes := lane.New(func(i int, t *lane.Turn) {
		_, errs[i] = command(t.Toolbox(ctx), tb, 0, eventID("one-sender", i), "add_owner", newcomer(i), newcomerAlias(i), "work")
		t.Settled() // as the bot answers: in the order sent
		mu.Lock()
		res.Answers[i] = time.Since(start)
		order = append(order, i)
		mu.Unlock()
	})
	start = time.Now()
	for i := range n {
		lanes.Add(MatrixID(0), i)
	}
	lanes.Wait()
	res.Wall = time.Since(start)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	res.InOrder = inOrder(order, n) && auditInOrder(l.Current(), n)

	if res.Commits, res.Groups, err = r.groupsSince(ctx, before); err != nil {
		return nil, err
	}
	if err := bareSamples(); err != nil {
		return nil, err
	}
	return res, nil
}

// newcomer is the Matrix ID of the ith owner the section onboards.
func newcomer(i int) string      { return "@" + newcomerAlias(i) + ":" + ServerName }
func newcomerAlias(i int) string { return fmt.Sprintf("n%05d", i) }

// inOrder reports whether order is 0 … n-1.
func inOrder(order []int, n int) bool {
	if len(order) != n {
		return false
	}
	for i, v := range order {
		if v != i {
			return false
		}
	}
	return true
}

// auditInOrder reports whether the section's commands have consecutive
// audit rows, in the order sent.
func auditInOrder(snap *ledger.Snapshot, n int) bool {
	var last int64
	for i := range n {
		e, ok := snap.Applied(eventID("one-sender", i))
		if !ok || (i > 0 && e.Seq != last+1) {
			return false
		}
		last = e.Seq
	}
	return true
}
