package metrics_test

import (
	"fmt"
	"testing"
	"time"

	"smartup0.org/engelbot/metrics"
)

func TestCommandsByNameAndOutcome(t *testing.T) {
	m := metrics.New(metrics.Options{Commands: []string{"help", "wallet", "claim"}})
	for _, name := range []string{"help", "wallet", "claim", "unknown"} {
		for _, outcome := range []string{"answered", "refused", "failed"} {
			if v := value(t, m, "engelbot_commands_total", "command", name, "outcome", outcome); v != 0 {
				t.Errorf("%s %s starts at %v", name, outcome, v)
			}
		}
	}
	m.CommandAnswered("wallet", "answered", 20*time.Millisecond)
	m.CommandAnswered("wallet", "answered", 30*time.Millisecond)
	m.CommandAnswered("claim", "refused", 2*time.Second)
	m.CommandAnswered("claim", "failed", 3*time.Second)

	for _, tc := range []struct {
		name, outcome string
		want          float64
	}{
		{"wallet", "answered", 2}, {"wallet", "refused", 0},
		{"claim", "refused", 1}, {"claim", "failed", 1}, {"claim", "answered", 0},
		{"help", "answered", 0},
	} {
		if got := value(t, m, "engelbot_commands_total", "command", tc.name, "outcome", tc.outcome); got != tc.want {
			t.Errorf("%s %s: %v, want %v", tc.name, tc.outcome, got, tc.want)
		}
	}
	n, sum := histogram(t, m, "engelbot_command_duration_seconds")
	if n != 4 || sum < 5.04 || sum > 5.06 {
		t.Errorf("latency: %d observations summing to %vs, want 4 summing to 5.05s", n, sum)
	}
}

// Whatever people type must not become a label value of its own: a name
// outside the registry is counted as "unknown".
func TestUnknownNamesShareOneLabel(t *testing.T) {
	m := metrics.New(metrics.Options{Commands: []string{"help"}})
	for i := range 50 {
		m.CommandAnswered(fmt.Sprintf("nonsense%d", i), "refused", time.Millisecond)
	}
	if got := value(t, m, "engelbot_commands_total", "command", "unknown", "outcome", "refused"); got != 50 {
		t.Errorf("unknown refused: %v, want 50", got)
	}
	if _, ok := sample(t, m, "engelbot_commands_total", "command", "nonsense7", "outcome", "refused"); ok {
		t.Error("a name outside the registry got a label value of its own")
	}
}

func TestSyncLagAndLastSync(t *testing.T) {
	clk := newClock()
	m := metrics.New(metrics.Options{Clock: clk.Now})
	if got := value(t, m, "engelbot_sync_last_success_timestamp_seconds"); got != 0 {
		t.Errorf("last sync before any: %v", got)
	}
	m.Synced(time.Time{}) // a batch without events: no lag to tell
	m.Synced(clk.Now().Add(-1500 * time.Millisecond))
	if got, want := value(t, m, "engelbot_sync_last_success_timestamp_seconds"), float64(clk.Now().Unix()); got != want {
		t.Errorf("last sync %v, want %v", got, want)
	}
	if n, sum := histogram(t, m, "engelbot_sync_lag_seconds"); n != 1 || sum != 1.5 {
		t.Errorf("sync lag: %d observations summing to %v, want one of 1.5s", n, sum)
	}
}
