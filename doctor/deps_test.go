package doctor_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The doctor ships in the production binary and reads the world through
// the same clients the bot uses; it must not bring test infrastructure or
// the demo along, nor reach the identity mapping's code (it asks the forge
// about that repository, it never reads it). Checked on the real
// dependency graph.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "smartup0.org/engelbot/doctor").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list found only %d dependencies; the check is not reading the graph", len(deps))
	}
	for _, dep := range deps {
		switch dep {
		case "testing", "smartup0.org/engelbot/servers", "smartup0.org/engelbot/demo",
			"smartup0.org/engelbot/ledger/identity", "smartup0.org/engelbot/app":
			t.Errorf("the doctor depends on %s", dep)
		}
	}
}
