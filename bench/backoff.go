package bench

import (
	"math/rand/v2"
	"time"
)

// backoff is how the original system waited before retrying a write that
// lost a race. Its description says only that 409 conflicts "are handled
// automatically with exponential backoff"; the numbers here are chosen, not
// quoted: the first pause around half a second, doubling with each retry of
// the same write, capped so that a write that keeps losing still tries
// every few seconds.
//
// Jitter is "equal": half of each pause is fixed and half random, so that
// the writers that lost the same race spread out, yet none retries at once
// (with full jitter a pause may be close to zero, which under a burst of 50
// is the livelock of retrying at once).
type backoff struct {
	Base time.Duration // the pause before a write's first retry is in [Base/2, Base]
	Cap  time.Duration // no pause is longer
}

// originalBackoff is the policy the bench gives the original pattern.
var originalBackoff = backoff{Base: 500 * time.Millisecond, Cap: 8 * time.Second}

// originalSeed seeds each command's jitter (with the command's index), so
// that two runs draw the same pauses and stay comparable.
const originalSeed = 0x5eed

// pause is the wait before the n-th retry (n ≥ 1) of one write: a random
// time in [d/2, d], where d = Base·2^(n-1), at most Cap.
func (b backoff) pause(n int, rng *rand.Rand) time.Duration {
	d := b.Base
	for k := 1; k < n && d < b.Cap; k++ {
		d *= 2
	}
	d = min(d, b.Cap)
	half := d / 2
	return half + time.Duration(rng.Int64N(int64(d-half)+1))
}

// commandRNG is command i's source of jitter.
func commandRNG(i int) *rand.Rand {
	return rand.New(rand.NewPCG(originalSeed, uint64(i)))
}
