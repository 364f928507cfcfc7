package doctor_test

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// build compiles the engelbot binary into a temporary folder.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "engelbot")
	if out, err := exec.Command("go", "build", "-o", bin, "smartup0.org/engelbot/cmd/engelbot").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runBinary runs `engelbot doctor -config path` and returns its exit
// status, standard output and standard error.
func runBinary(t *testing.T, bin, path string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "doctor", "-config", path)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), stdout.String(), stderr.String()
	}
	t.Fatalf("running %s doctor: %v", bin, err)
	return 0, "", ""
}

// testBinary is `engelbot doctor` as an operator runs it: exit status 0
// for a good configuration, non-zero with the failing line for a broken
// one.
func testBinary(t *testing.T, w *world) {
	bin := build(t)

	dir := t.TempDir()
	code, stdout, stderr := runBinary(t, bin, write(t, dir, w.config(dir)))
	if code != 0 {
		t.Errorf("a good configuration: exit status %d, want 0\n%s%s", code, stdout, stderr)
	}
	if lines := strings.Count(stdout, "\n"); lines < 15 || strings.Contains(stdout, "FAIL") {
		t.Errorf("a good configuration printed %d lines:\n%s", lines, stdout)
	}

	dir = t.TempDir()
	cfg := w.config(dir)
	cfg.Bot.Password = "not-the-password"
	code, stdout, stderr = runBinary(t, bin, write(t, dir, cfg))
	if code != 1 {
		t.Errorf("a wrong password: exit status %d, want 1\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "FAIL bot password: the homeserver refuses to log "+w.botID+" in with bot.password") ||
		!regexp.MustCompile(`1 of \d+ checks failed`).MatchString(stderr) {
		t.Errorf("a wrong password: the output does not say what failed:\n%s%s", stdout, stderr)
	}
	for _, s := range w.secrets() {
		if s != "" && strings.Contains(stdout+stderr, s) {
			t.Errorf("the output carries a secret (%.4s…)", s)
		}
	}
}
