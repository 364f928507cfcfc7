package ledger

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff waits before retry number attempt (from 1): base doubled per
// attempt up to doublings times, then jittered down by up to half, so that
// writers that lost the same race do not collide again in step. It returns
// early with ctx's error.
func Backoff(ctx context.Context, attempt int, base time.Duration, doublings int) error {
	d := base << min(max(attempt-1, 0), doublings)
	d = d/2 + rand.N(d/2+1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
