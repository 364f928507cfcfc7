package demo

import (
	"context"
	"time"
)

// pollInterval is how often a wait re-checks its condition.
const pollInterval = 100 * time.Millisecond

func after(ctx context.Context) <-chan time.Time {
	return time.After(pollInterval)
}
