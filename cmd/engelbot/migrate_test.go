package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger/ledgertest"
	"smartup0.org/engelbot/ledger/localgit"
)

// An operator upgrading a community whose ledger the version before index
// shards wrote: verify finds it sound and says to migrate, run and the
// doctor refuse it naming the command, migrate rewrites it in one commit
// it names, a second migrate writes nothing, and verify and the doctor
// find the result sound.
func TestMigrateAnOldLedgerFromTheCommandLine(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "engelbot")
	if out, err := exec.Command("go", "build", "-tags", "goolm", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	repo := filepath.Join(dir, "ledger.git")
	head := func() string {
		t.Helper()
		st, err := localgit.Open(repo, "main")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		h, err := st.Head(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	st, err := localgit.Open(repo, "main")
	if err != nil {
		t.Fatal(err)
	}
	old := ledgertest.ReplayOldLayout(t, st)
	_ = st.Close()
	// The homeserver is nowhere: migrate and verify never ask it, and the
	// doctor's ledger check does not need it.
	cfg := filepath.Join(dir, "engelbot.yaml")
	if err := os.WriteFile(cfg, []byte(`
homeserver: {url: "http://127.0.0.1:1", server_name: smartup.test}
bot: {user_id: "@engelbot:smartup.test", password: pw}
founder: "@alice:smartup.test"
database: engelbot.db
ledger:
  backend: local
  local: {path: ledger.git}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	engelbot := func(args ...string) (int, string, string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(t.Context(), bin, append(args, "-config", cfg)...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		switch {
		case err == nil:
			return 0, stdout.String(), stderr.String()
		case errors.As(err, &exit):
			return exit.ExitCode(), stdout.String(), stderr.String()
		}
		t.Fatalf("engelbot %s: %v", args[0], err)
		return 0, "", ""
	}
	migrateHere := "engelbot migrate -config " + cfg

	code, out, errs := engelbot("verify")
	if code != 0 || !strings.Contains(out, "The ledger at commit "+old+" is sound") || !strings.Contains(errs, migrateHere) {
		t.Fatalf("verify on the old layout: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = engelbot("run")
	if code == 0 || !strings.Contains(errs, "old layout") || !strings.Contains(errs, migrateHere) {
		t.Fatalf("run on the old layout: exit %d, want a refusal naming %q\n%s%s", code, migrateHere, out, errs)
	}
	if _, out, _ = engelbot("doctor"); !regexp.MustCompile("FAIL +ledger: sound at commit " + old[:7] + "[0-9a-f]*, but in the old layout .*`" + regexp.QuoteMeta(migrateHere) + "`").MatchString(out) {
		t.Fatalf("the doctor on the old layout does not fail the ledger naming %q:\n%s", migrateHere, out)
	}
	if h := head(); h != old {
		t.Fatalf("verify, run or the doctor wrote to the old ledger: %s → %s", old, h)
	}

	code, out, errs = engelbot("migrate")
	migrated := head()
	if code != 0 || migrated == old || !strings.Contains(out, "Commit "+migrated+": split 10 index files into 10 shards") ||
		!strings.Contains(out, "The ledger at commit "+migrated+" is sound") {
		t.Fatalf("migrate: exit %d, head %s → %s\n%s%s", code, old, migrated, out, errs)
	}
	code, out, errs = engelbot("migrate")
	if code != 0 || !strings.Contains(out, "nothing was written") || head() != migrated {
		t.Fatalf("a second migrate: exit %d, head %s → %s\n%s%s", code, migrated, head(), out, errs)
	}

	code, out, errs = engelbot("verify")
	if code != 0 || !strings.Contains(out, "The ledger at commit "+migrated+" is sound") || strings.Contains(errs, "old layout") {
		t.Fatalf("verify after the migration: exit %d\n%s%s", code, out, errs)
	}
	if _, out, _ = engelbot("doctor"); !regexp.MustCompile("OK +ledger: sound at commit " + migrated[:7]).MatchString(out) {
		t.Fatalf("the doctor after the migration:\n%s", out)
	}
}
