package bench

import (
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	ten := Durations{}
	for i := 10; i >= 1; i-- { // out of order on purpose
		ten = append(ten, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		name string
		d    Durations
		q    float64
		want time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"one sample", Durations{7}, 0.95, 7},
		{"median of ten", ten, 0.5, 5 * time.Millisecond},
		{"p95 of ten is the largest", ten, 0.95, 10 * time.Millisecond},
		{"p90 of ten", ten, 0.9, 9 * time.Millisecond},
		{"max", ten, 1, 10 * time.Millisecond},
	} {
		if got := tc.d.Quantile(tc.q); got != tc.want {
			t.Errorf("%s: Quantile(%v) = %v, want %v", tc.name, tc.q, got, tc.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 100000: "100,000", 1234567: "1,234,567", -1500: "-1,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
