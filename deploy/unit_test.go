package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// installedBinary is the path the unit runs, and the install steps put the
// binary at.
const installedBinary = "/usr/local/bin/engelbot"

// systemd-analyze verify accepts the unit without a word; every warning it
// prints (an unknown directive, a bad value) is a setting systemd would
// ignore on the operator's server. The broken cases show that a warning is
// caught.
func TestUnitVerifies(t *testing.T) {
	analyze := systemdAnalyze(t)
	bin := buildEngelbot(t)
	unit, err := os.ReadFile("engelbot.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		old, new string // a change to the shipped unit, none when empty
		wantSaid string // what verify must name; "" for no output at all
	}{
		{name: "as shipped"},
		{name: "misspelt directive", old: "\nProtectHome=yes", new: "\nProtectHomme=yes", wantSaid: "ProtectHomme"},
		{name: "bad value", old: "\nRestart=on-failure", new: "\nRestart=sometimes", wantSaid: "sometimes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := string(unit)
			if tc.old != "" {
				if !strings.Contains(text, tc.old) {
					t.Fatalf("the unit has no %q to break", tc.old)
				}
				text = strings.Replace(text, tc.old, tc.new, 1)
			}
			// verify checks that ExecStart's program exists: point it at
			// a real build of the binary.
			if strings.Count(text, "ExecStart="+installedBinary+" ") != 1 {
				t.Fatalf("the unit does not run %s", installedBinary)
			}
			text = strings.Replace(text, "ExecStart="+installedBinary+" ", "ExecStart="+bin+" ", 1)
			path := filepath.Join(t.TempDir(), "engelbot.service")
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(analyze, "verify", path).CombinedOutput()
			clean := err == nil && len(strings.TrimSpace(string(out))) == 0
			switch {
			case tc.wantSaid == "" && !clean:
				t.Errorf("systemd-analyze verify: %v\n%s", err, out)
			case tc.wantSaid != "" && !strings.Contains(string(out), tc.wantSaid):
				t.Errorf("systemd-analyze verify did not name %q in the unit changed to %q: %v\n%s", tc.wantSaid, strings.TrimSpace(tc.new), err, out)
			}
		})
	}
}

// systemdAnalyze finds systemd-analyze, installing Debian's systemd package
// when it is missing and the test may (root, with apt-get).
func systemdAnalyze(t *testing.T) string {
	t.Helper()
	if path, err := exec.LookPath("systemd-analyze"); err == nil {
		return path
	}
	const missing = "systemd-analyze is missing: install Debian's systemd package (apt-get install systemd)"
	aptGet, err := exec.LookPath("apt-get")
	if err != nil || os.Geteuid() != 0 {
		t.Fatal(missing)
	}
	install := func() ([]byte, error) {
		cmd := exec.Command(aptGet, "install", "-y", "--no-install-recommends", "systemd")
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		return cmd.CombinedOutput()
	}
	out, err := install()
	if err != nil { // the package lists may never have been fetched
		if upd, uerr := exec.Command(aptGet, "update").CombinedOutput(); uerr != nil {
			t.Fatalf("%s; apt-get update failed: %v\n%s", missing, uerr, upd)
		}
		out, err = install()
	}
	if err != nil {
		t.Fatalf("%s; apt-get install failed: %v\n%s", missing, err, out)
	}
	path, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatalf("%s; installing it did not provide it: %v", missing, err)
	}
	return path
}

// buildEngelbot builds the production binary for the unit to name.
func buildEngelbot(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "engelbot")
	if out, err := exec.Command("go", "build", "-o", bin, "smartup0.org/engelbot/cmd/engelbot").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
