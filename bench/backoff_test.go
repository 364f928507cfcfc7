package bench

import (
	"testing"
	"time"
)

// TestBackoffPause checks the original pattern's pauses: each within
// [d/2, d] of a d that starts at Base, doubles and stops at Cap, and the
// same for the same command in another run.
func TestBackoffPause(t *testing.T) {
	b := backoff{Base: 500 * time.Millisecond, Cap: 8 * time.Second}
	want := []time.Duration{500, 1000, 2000, 4000, 8000, 8000, 8000}
	for cmd := range 20 {
		rng, again := commandRNG(cmd), commandRNG(cmd)
		for k, d := range want {
			d *= time.Millisecond
			got := b.pause(k+1, rng)
			if got < d/2 || got > d {
				t.Fatalf("command %d, retry %d: pause %s, want within [%s, %s]", cmd, k+1, got, d/2, d)
			}
			if same := b.pause(k+1, again); same != got {
				t.Fatalf("command %d, retry %d: pause %s, then %s with the same seed", cmd, k+1, got, same)
			}
		}
	}
	if a, c := b.pause(1, commandRNG(0)), b.pause(1, commandRNG(1)); a == c {
		t.Errorf("commands 0 and 1 drew the same first pause %s: the jitter does not spread them", a)
	}
}
