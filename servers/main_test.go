package servers

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	RequireForTests("servers", NeedDendrite, NeedGitea)
	os.Exit(m.Run())
}

// A test package run where the servers are not installed fails with one
// line that names what is missing and the command that installs it — not
// with a wall of errors from every test.
func TestMissingServersAreNamedInOneLine(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestGiteaCreateRepoStop$")
	cmd.Env = append(os.Environ(), "ENGELBOT_CACHE="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the tests passed without the servers:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 1 {
		t.Errorf("%d lines of output, want 1:\n%s", len(lines), out)
	}
	for _, want := range []string{"Dendrite and Gitea", InstallCommand} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("the line does not say %q: %s", want, lines[0])
		}
	}
}
