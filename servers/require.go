package servers

import (
	"fmt"
	"os"
	"strings"
)

// The servers a package's tests can need, as RequireForTests names them.
const (
	NeedDendrite = "Dendrite"
	NeedGitea    = "Gitea"
)

// InstallCommand is what installs the servers into BinDir.
const InstallCommand = "make servers"

// Missing says which of the named servers are not installed, or "" when
// all are.
func Missing(needs ...string) string {
	var missing []string
	for _, need := range needs {
		var err error
		switch need {
		case NeedDendrite:
			for _, name := range []string{"dendrite", "generate-keys", "generate-config"} {
				if _, e := binary(name); e != nil {
					err = e
				}
			}
		case NeedGitea:
			if _, err = binary("gitea"); err == nil {
				err = requireDir(giteaStaticRoot())
			}
		default:
			err = fmt.Errorf("unknown server %q", need)
		}
		if err != nil {
			missing = append(missing, need)
		}
	}
	return strings.Join(missing, " and ")
}

// RequireForTests is for a test package's TestMain: when a server its tests
// need is not installed, it says so in one line naming the command that
// installs it, and ends the run as failed. Failing, not skipping: a test
// that did not run proved nothing.
func RequireForTests(pkg string, needs ...string) {
	if missing := Missing(needs...); missing != "" {
		fmt.Fprintf(os.Stderr, "%s: these tests need %s, not installed in %s: run `%s` (scripts/install-servers.sh) first\n",
			pkg, missing, BinDir(), InstallCommand)
		os.Exit(1)
	}
}
