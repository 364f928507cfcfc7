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
	checkIdentityImporters(t)
}

// identityPkg holds real names and e-mail addresses. Only admin onboarding
// may reach it: the toolbox (whose admin commands run in a direct chat
// only), the wiring in app and cmd/engelbot, and the package's own tests.
// Every other package — the public pages above all — must not import it,
// so no public code path can read a real name.
const identityPkg = "smartup0.org/engelbot/ledger/identity"

var identityImporters = map[string]bool{
	"smartup0.org/engelbot/toolbox":         true,
	"smartup0.org/engelbot/app":             true,
	"smartup0.org/engelbot/cmd/engelbot":    true,
	"smartup0.org/engelbot/ledger/identity": true, // its own tests
}

func checkIdentityImporters(t *testing.T) {
	t.Helper()
	out, err := exec.Command("go", "list", "-f",
		"{{.ImportPath}} {{join .Imports \" \"}} {{join .TestImports \" \"}} {{join .XTestImports \" \"}}",
		"smartup0.org/engelbot/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	allowedSeen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		pkg := fields[0]
		for _, imp := range fields[1:] {
			if imp != identityPkg {
				continue
			}
			if !identityImporters[pkg] {
				t.Errorf("%s imports %s: only admin onboarding (toolbox, app, cmd/engelbot) may reach the identity mapping", pkg, identityPkg)
			} else {
				allowedSeen++
			}
			break
		}
	}
	// The toolbox's admin commands do use it: seeing no importer at all
	// would mean this check read nothing.
	if allowedSeen == 0 {
		t.Fatalf("go list shows no package importing %s; the check is not looking at the real graph", identityPkg)
	}
}
