package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// The bot an operator runs, built by make build, tells an admin's !status
// which checkout it was built from, as git describes it.
func TestStatusShowsBuildVersion(t *testing.T) {
	e := newEnvWith(t, envOptions{process: true})
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	describe, err := exec.Command("git", "-C", strings.TrimSpace(string(root)), "describe", "--tags", "--always", "--dirty").Output()
	if err != nil {
		t.Fatalf("git describe: %v (this test needs the git checkout)", err)
	}
	want := "Version: " + strings.TrimSpace(string(describe)) + "\n"

	alice := e.login("alice")
	_, reply := e.askIn(alice, e.directChat(alice), "!status")
	if !strings.Contains(reply.Body, want) {
		t.Errorf("!status answered %q, want a line %q", reply.Body, strings.TrimSpace(want))
	}
}
