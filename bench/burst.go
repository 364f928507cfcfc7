package bench

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Burst is section 3: many owners send a write command at the same
// moment, to Engelbot and to the original system's pattern, on the same forge.
type Burst struct {
	N        int
	Engelbot EngelbotBurst
	Original *OriginalBurst
	// OneSender is one owner sending many writes in quick succession.
	OneSender *OneSender
}

// EngelbotBurst is the burst through toolbox → ledger (group commit) → forge.
type EngelbotBurst struct {
	Wall      time.Duration // from the release to the last answer
	Commits   int
	Groups    []int // commands per commit, oldest first, read from the commit messages
	Requests  Counts
	Latencies Durations // each command, from the release to its answer
}

// runEngelbotBurst releases n goroutines at once, each sending !start_work
// on its own task as its own owner.
func runEngelbotBurst(ctx context.Context, f *forge, n int) (*EngelbotBurst, error) {
	c := Community{Owners: n, Tasks: n, Now: time.Now()}
	r, err := f.newRepo(ctx, repoBurst, c.Changes())
	if err != nil {
		return nil, err
	}
	l, tb, _, err := openLedger(ctx, r.store)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	owners := make([]int, n)
	for i := range owners {
		owners[i] = i // owner i attacks task i, which is claimed: every command can succeed
	}
	return burstOn(ctx, r, tb, owners, "burst")
}

// groupsSince counts the commits on r's branch after before (a commit
// count) and how many commands each carried, oldest first.
func (r *repo) groupsSince(ctx context.Context, before int) (int, []int, error) {
	after, err := r.commits(ctx)
	if err != nil {
		return 0, nil, err
	}
	msgs, err := r.commitMessages(ctx, after-before)
	if err != nil {
		return 0, nil, err
	}
	var groups []int
	for i := len(msgs) - 1; i >= 0; i-- {
		groups = append(groups, groupSize(msgs[i]))
	}
	return after - before, groups, nil
}

// groupSize reads how many commands a ledger commit carries from its
// message: "N commands" heads a group, anything else is one command.
func groupSize(message string) int {
	first, _, _ := strings.Cut(message, "\n")
	if n, ok := strings.CutSuffix(first, " commands"); ok {
		if k, err := strconv.Atoi(n); err == nil {
			return k
		}
	}
	return 1
}
