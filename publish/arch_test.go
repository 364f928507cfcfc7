package publish_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPublishCannotReachPrivateOrOutsideCode reads the real dependency
// graph of the publish package (go list -deps, test files excluded) and
// fails if it reaches the identity mapping, the bot, the app, the forge or
// the storage backends, even through another package.
func TestPublishCannotReachPrivateOrOutsideCode(t *testing.T) {
	out, err := exec.Command("go", "list", "-tags", "goolm", "-deps", "smartup0.org/engelbot/publish").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list listed %d packages; the dependency graph was not read: %s", len(deps), out)
	}
	forbidden := []string{
		"smartup0.org/engelbot/ledger/identity",
		"smartup0.org/engelbot/bot",
		"smartup0.org/engelbot/app",
		"smartup0.org/engelbot/forgejo",
		"smartup0.org/engelbot/storage",
		"code.gitea.io/sdk/gitea",
		"maunium.net/go/mautrix",
	}
	seenLedger := false
	for _, d := range deps {
		seenLedger = seenLedger || d == "smartup0.org/engelbot/ledger"
		for _, f := range forbidden {
			if d == f || strings.HasPrefix(d, f+"/") {
				t.Errorf("publish depends on %s", d)
			}
		}
	}
	if !seenLedger {
		t.Error("publish does not depend on ledger: the graph read is not publish's")
	}
}
