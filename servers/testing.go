package servers

import (
	"errors"
	"path/filepath"
	"testing"
)

// TestServerName is the server name of homeservers started by DendriteForTest.
const TestServerName = "engelbot.test"

// DendriteForTest starts a homeserver in a temporary folder for the test
// and stops it when the test ends. The test fails (not skips) when the
// binaries are missing: run scripts/install-servers.sh.
func DendriteForTest(t testing.TB) *Dendrite {
	t.Helper()
	dir := t.TempDir()
	d, err := StartDendrite(t.Context(), dir, TestServerName, nil)
	if err != nil {
		fatalStart(t, "Dendrite", err)
	}
	t.Cleanup(func() {
		stopForTest(t, "Dendrite", d.Stop, filepath.Join(dir, "dendrite.log"))
	})
	return d
}

// FederatingDendriteForTest starts a homeserver that federates with other
// ones started so, named 127.0.0.1:<port> (see StartFederatingDendrite),
// and stops it when the test ends.
func FederatingDendriteForTest(t testing.TB) *Dendrite {
	t.Helper()
	dir := t.TempDir()
	d, err := StartFederatingDendrite(t.Context(), dir, nil)
	if err != nil {
		fatalStart(t, "Dendrite", err)
	}
	t.Cleanup(func() {
		stopForTest(t, "Dendrite", d.Stop, filepath.Join(dir, "dendrite.log"))
	})
	return d
}

// GiteaForTest starts a forge in a temporary folder for the test and stops
// it when the test ends. The test fails (not skips) when the binaries are
// missing: run scripts/install-servers.sh.
func GiteaForTest(t testing.TB) *Gitea {
	t.Helper()
	dir := t.TempDir()
	g, err := StartGitea(t.Context(), dir, nil)
	if err != nil {
		fatalStart(t, "Gitea", err)
	}
	t.Cleanup(func() {
		stopForTest(t, "Gitea", g.Stop, filepath.Join(dir, "gitea.log"))
	})
	return g
}

func fatalStart(t testing.TB, name string, err error) {
	t.Helper()
	if errors.Is(err, ErrNotInstalled) {
		t.Fatalf("cannot start %s: %v", name, err) // the error names the install script
	}
	t.Fatalf("start %s: %v", name, err)
}

// stopForTest stops a server and, when the test failed, shows the end of
// its log before the temporary folder holding it is removed.
func stopForTest(t testing.TB, name string, stop func() error, logPath string) {
	t.Helper()
	if err := stop(); err != nil {
		t.Errorf("stop %s: %v", name, err)
	}
	if t.Failed() {
		t.Logf("last lines of %s:\n%s", logPath, logTail(logPath))
	}
}
