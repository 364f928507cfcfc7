package toolbox_test

import (
	"testing"

	"smartup0.org/engelbot/toolbox"
)

func TestVoteWeight(t *testing.T) {
	for _, tc := range []struct {
		sk   int
		want float64
	}{{-10, 1}, {0, 1}, {250, 1.25}, {499, 1.499}, {500, 1.5}, {600, 1.5}} {
		if got := toolbox.VoteWeight(tc.sk); got != tc.want {
			t.Errorf("VoteWeight(%d) = %v, want %v", tc.sk, got, tc.want)
		}
	}
}
