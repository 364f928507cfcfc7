package bench

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Durations is a set of timed samples.
type Durations []time.Duration

// Quantile returns the nearest-rank q-quantile (0 < q ≤ 1) of the samples,
// or 0 when there are none.
func (d Durations) Quantile(q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	rank := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(0, min(rank, len(s)-1))]
}

// P50 is the median.
func (d Durations) P50() time.Duration { return d.Quantile(0.50) }

// P95 is the 95th percentile.
func (d Durations) P95() time.Duration { return d.Quantile(0.95) }

// Max is the slowest sample.
func (d Durations) Max() time.Duration { return d.Quantile(1) }

// String summarises the samples: count, p50, p95 and max.
func (d Durations) String() string {
	return fmt.Sprintf("n=%d p50 %s p95 %s max %s", len(d), ms(d.P50()), ms(d.P95()), ms(d.Max()))
}

// ms formats a duration in milliseconds with a precision that suits it.
func ms(d time.Duration) string {
	f := float64(d) / float64(time.Millisecond)
	switch {
	case f < 1:
		return fmt.Sprintf("%.3f ms", f)
	case f < 100:
		return fmt.Sprintf("%.1f ms", f)
	}
	return fmt.Sprintf("%.0f ms", f)
}

// secs formats a duration in seconds.
func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// ratio is a/b, or 0 when b is zero.
func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
