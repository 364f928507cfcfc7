package app

import (
	"os/exec"
	"strings"
	"testing"
)

// The layers import one way: cmd → bot → toolbox → ledger, with the
// storage backends implementing ledger's interface. Checked on the real
// dependency graph, transitively.
func TestImportDirection(t *testing.T) {
	for _, tc := range []struct {
		pkg       string
		forbidden []string
	}{
		{"smartup0.org/engelbot/toolbox", []string{"maunium.net/go/mautrix", "code.gitea.io/sdk", "smartup0.org/engelbot/bot", "smartup0.org/engelbot/forgejo"}},
		{"smartup0.org/engelbot/ledger", []string{"maunium.net/go/mautrix", "code.gitea.io/sdk", "smartup0.org/engelbot/toolbox", "smartup0.org/engelbot/bot", "smartup0.org/engelbot/forgejo", "smartup0.org/engelbot/ledger/localgit"}},
		{"smartup0.org/engelbot/forgejo", []string{"maunium.net/go/mautrix", "smartup0.org/engelbot/toolbox", "smartup0.org/engelbot/bot"}},
		{"smartup0.org/engelbot/ledger/localgit", []string{"code.gitea.io/sdk", "maunium.net/go/mautrix", "smartup0.org/engelbot/toolbox"}},
		{"smartup0.org/engelbot/bot", []string{"code.gitea.io/sdk", "smartup0.org/engelbot/forgejo", "smartup0.org/engelbot/ledger/localgit"}},
	} {
		out, err := exec.Command("go", "list", "-deps", tc.pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", tc.pkg, err)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 2 {
			t.Fatalf("go list found no dependencies of %s", tc.pkg)
		}
		for _, dep := range deps {
			for _, f := range tc.forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") {
					t.Errorf("%s depends on %s", tc.pkg, dep)
				}
			}
		}
	}
}
