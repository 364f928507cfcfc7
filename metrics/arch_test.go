package metrics_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The bot, the toolbox and the ledger know only their own observer
// interfaces; Prometheus is this package's business. Checked on the real
// dependency graph, transitively.
func TestPrometheusStaysHere(t *testing.T) {
	const prom = "github.com/prometheus/"
	for _, pkg := range []string{"smartup0.org/engelbot/bot", "smartup0.org/engelbot/toolbox", "smartup0.org/engelbot/ledger"} {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 2 {
			t.Fatalf("go list found no dependencies of %s", pkg)
		}
		for _, dep := range deps {
			if strings.HasPrefix(dep, prom) || dep == "smartup0.org/engelbot/metrics" {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
	// The check must be able to see Prometheus where it is.
	out, err := exec.Command("go", "list", "-deps", "smartup0.org/engelbot/metrics").Output()
	if err != nil || !strings.Contains(string(out), prom+"client_golang/prometheus\n") {
		t.Fatalf("go list shows no Prometheus under the metrics package (%v); the check is not looking at the real graph", err)
	}
}
