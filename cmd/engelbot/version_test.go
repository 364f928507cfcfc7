package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A binary built by make build reports the checkout it was built from, as
// git describes it — the version an operator quotes and !status shows.
func TestMakeBuildStampsVersion(t *testing.T) {
	root := moduleRoot(t)
	describe, err := exec.Command("git", "-C", root, "describe", "--tags", "--always", "--dirty").Output()
	if err != nil {
		t.Fatalf("git describe in %s: %v (this test needs the git checkout)", root, err)
	}
	want := strings.TrimSpace(string(describe))

	bin := filepath.Join(t.TempDir(), "engelbot")
	if out, err := exec.Command("make", "-C", root, "--no-print-directory", "build", "BINARY="+bin).CombinedOutput(); err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("engelbot version: %v\n%s", err, out)
	}
	fields := strings.Fields(string(out))
	if len(fields) < 3 || fields[0] != "engelbot" || fields[1] != want || !strings.HasPrefix(fields[2], "(go1.") {
		t.Errorf("engelbot version printed %q, want \"engelbot %s (go1.… os/arch)\"", out, want)
	}
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	return strings.TrimSpace(string(out))
}
