package app

import (
	"os/exec"
	"slices"
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
	checkIdentityImporters(t)
}

// identityPkg holds real names and e-mail addresses. Only the wiring may
// link it (app and the commands that wire it, cmd/engelbot and
// cmd/engelbot-demo, which hand the toolbox a way to write an entry, never
// to read one). Every other package — the bot, the toolbox,
// the public pages above all — must not depend on it even indirectly, so
// no public code path can reach a real name.
const identityPkg = "smartup0.org/engelbot/ledger/identity"

var identityLinkers = map[string]bool{
	"smartup0.org/engelbot/app":               true,
	"smartup0.org/engelbot/cmd/engelbot":      true,
	"smartup0.org/engelbot/cmd/engelbot-demo": true,
	identityPkg: true,
}

func checkIdentityImporters(t *testing.T) {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Deps \" \"}}", "smartup0.org/engelbot/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	allowedSeen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || !slices.Contains(fields[1:], identityPkg) {
			continue
		}
		if !identityLinkers[fields[0]] {
			t.Errorf("%s depends on %s: only the wiring (app, cmd/engelbot, cmd/engelbot-demo) may reach the identity mapping", fields[0], identityPkg)
		} else {
			allowedSeen++
		}
	}
	// The app does link it: seeing nothing would mean this check read
	// nothing.
	if allowedSeen == 0 {
		t.Fatalf("go list shows no package depending on %s; the check is not looking at the real graph", identityPkg)
	}
}
