package bench

import "testing"

func TestGroupSize(t *testing.T) {
	for msg, want := range map[string]int{
		"work_session.start: 6_1_1_1_ws1\n\nactor: o00001\n":              1,
		"49 commands\n\nwork_session.start: 6_1_1_2_ws1 (actor o00002)\n": 49,
		"2 commands":            2,
		"benchmark seed 1 of 1": 1,
	} {
		if got := groupSize(msg); got != want {
			t.Errorf("groupSize(%q) = %d, want %d", msg, got, want)
		}
	}
}
