package servers

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"code.gitea.io/sdk/gitea"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"
)

func TestDendriteRegisterLoginStop(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	began := time.Now()
	d, err := StartDendrite(ctx, dir, TestServerName, nil)
	if err != nil {
		fatalStart(t, "Dendrite", err)
	}
	t.Cleanup(func() { stopForTest(t, "Dendrite", d.Stop, filepath.Join(dir, "dendrite.log")) })
	t.Logf("Dendrite answered after %s at %s", time.Since(began).Round(time.Millisecond), d.URL)

	if !strings.HasPrefix(d.URL, "http://127.0.0.1:") {
		t.Errorf("URL = %q, want loopback", d.URL)
	}
	userID, err := d.Register(ctx, "alice", "correct horse", false)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	if want := "@alice:" + TestServerName; userID != want {
		t.Errorf("Register returned %q, want %q", userID, want)
	}
	if _, err := d.Register(ctx, "alice", "another password", false); !errors.Is(err, ErrUserExists) {
		t.Errorf("registering alice twice: err = %v, want ErrUserExists", err)
	}
	if _, err := d.Register(ctx, "bob", "short", false); err == nil {
		t.Error("registering with a 5-character password succeeded, want M_WEAK_PASSWORD")
	}

	// The account is real: the homeserver accepts its password.
	cli, err := mautrix.NewClient(d.URL, "", "")
	if err != nil {
		t.Fatal(err)
	}
	login, err := cli.Login(ctx, &mautrix.ReqLogin{
		Type:       mautrix.AuthTypePassword,
		Identifier: mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: "alice"},
		Password:   "correct horse",
	})
	if err != nil {
		t.Fatalf("log in as alice: %v", err)
	}
	if login.UserID != id.UserID(userID) {
		t.Errorf("logged in as %s, want %s", login.UserID, userID)
	}
	if _, err := cli.Login(ctx, &mautrix.ReqLogin{
		Type:       mautrix.AuthTypePassword,
		Identifier: mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: "alice"},
		Password:   "wrong horse",
	}); !errors.Is(err, mautrix.MForbidden) {
		t.Errorf("log in with a wrong password: err = %v, want M_FORBIDDEN", err)
	}

	if _, err := StartDendrite(ctx, dir, TestServerName, nil); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("a second Dendrite in the same folder: err = %v, want a refusal", err)
	}

	assertStops(t, d.PID(), d.Stop)
	if _, err := http.Get(d.URL + "/_matrix/client/versions"); err == nil {
		t.Error("Dendrite still answers after Stop")
	}
	if info, err := os.Stat(filepath.Join(dir, "dendrite.log")); err != nil || info.Size() == 0 {
		t.Errorf("dendrite.log missing or empty (err %v)", err)
	}
}

func TestGiteaCreateRepoStop(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	began := time.Now()
	g, err := StartGitea(ctx, dir, nil)
	if err != nil {
		fatalStart(t, "Gitea", err)
	}
	t.Cleanup(func() { stopForTest(t, "Gitea", g.Stop, filepath.Join(dir, "gitea.log")) })
	t.Logf("Gitea answered after %s at %s", time.Since(began).Round(time.Millisecond), g.URL)

	api, err := g.API(ctx)
	if err != nil {
		t.Fatal(err)
	}
	me, _, err := api.GetMyUserInfo()
	if err != nil {
		t.Fatalf("the admin token does not work: %v", err)
	}
	if me.UserName != g.AdminUser || !me.IsAdmin {
		t.Errorf("token belongs to %q (admin %v), want admin %q", me.UserName, me.IsAdmin, g.AdminUser)
	}

	// The first repository creates the organisation, the second finds it.
	for _, tc := range []struct {
		owner, repo string
		private     bool
	}{
		{"Smartup_Zero", "2_workplace", false},
		{"Smartup_Zero", "identities", true},
		{g.AdminUser, "scratch", false},
	} {
		if err := g.CreateRepo(ctx, tc.owner, tc.repo, tc.private); err != nil {
			t.Fatalf("CreateRepo(%s/%s): %v", tc.owner, tc.repo, err)
		}
		repo, _, err := api.GetRepo(tc.owner, tc.repo)
		if err != nil {
			t.Fatalf("read back %s/%s: %v", tc.owner, tc.repo, err)
		}
		if repo.DefaultBranch != "main" || repo.Private != tc.private {
			t.Errorf("%s/%s: default branch %q, private %v; want main, %v", tc.owner, tc.repo, repo.DefaultBranch, repo.Private, tc.private)
		}
		branch, _, err := api.GetRepoBranch(tc.owner, tc.repo, "main")
		if err != nil {
			t.Fatalf("branch main of %s/%s: %v", tc.owner, tc.repo, err)
		}
		if branch.Commit == nil || len(branch.Commit.ID) != 40 {
			t.Errorf("branch main of %s/%s has no initial commit: %+v", tc.owner, tc.repo, branch.Commit)
		}
	}
	if err := g.CreateRepo(ctx, "Smartup_Zero", "2_workplace", false); err == nil {
		t.Error("creating an existing repository succeeded, want an error")
	}

	// An ordinary user sees the private repository only once it is a collaborator.
	bot, err := g.CreateUser(ctx, "ledger-bot")
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	botAPI, err := gitea.NewClient(g.URL, gitea.SetGiteaVersion(""), gitea.SetToken(bot.Token), gitea.SetContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if _, resp, err := botAPI.GetRepo("Smartup_Zero", "identities"); err == nil || resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("a stranger reads the private repository: err %v", err)
	}
	if err := g.AddCollaborator(ctx, "Smartup_Zero", "identities", bot.Name, "write"); err != nil {
		t.Fatal(err)
	}
	repo, _, err := botAPI.GetRepo("Smartup_Zero", "identities")
	if err != nil {
		t.Fatalf("collaborator cannot read the private repository: %v", err)
	}
	if repo.Permissions == nil || !repo.Permissions.Push || repo.Permissions.Admin {
		t.Errorf("collaborator permissions = %+v, want push without admin", repo.Permissions)
	}

	assertStops(t, g.PID(), g.Stop)
	if _, err := http.Get(g.URL + "/api/v1/version"); err == nil {
		t.Error("Gitea still answers after Stop")
	}
}

// Both helpers together, as other packages' tests use them.
func TestForTestHelpers(t *testing.T) {
	d := DendriteForTest(t)
	g := GiteaForTest(t)
	if _, err := d.Register(t.Context(), "helper-user", "long enough", true); err != nil {
		t.Errorf("Register on DendriteForTest: %v", err)
	}
	api, err := g.API(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if v, _, err := api.ServerVersion(); err != nil || !strings.HasPrefix(v, "1.26") {
		t.Errorf("GiteaForTest version %q (err %v), want 1.26.x", v, err)
	}
}

// assertStops stops a server and checks that its process and process group
// are gone, and that a second Stop is harmless.
func assertStops(t *testing.T, pid int, stop func() error) {
	t.Helper()
	if pid <= 0 {
		t.Fatalf("no PID (%d)", pid)
	}
	if err := syscall.Kill(pid, 0); err != nil {
		t.Fatalf("process %d is not running before Stop: %v", pid, err)
	}
	if err := stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process %d still exists after Stop (kill 0: %v)", pid, err)
	}
	if err := syscall.Kill(-pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process group %d still has members after Stop (kill 0: %v)", pid, err)
	}
	if err := stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestPatchDendriteConfig(t *testing.T) {
	raw := `version: 2
global:
  server_name: x.test
  private_key: matrix_key.pem
  disable_federation: false
federation_api:
  disable_tls_validation: false
client_api:
  registration_disabled: false
  registration_shared_secret: complement
logging:
- type: std
  level: trace
`
	out, err := patchDendriteConfig(raw, "/abs/key.pem", "s3cret", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"private_key: /abs/key.pem", "disable_federation: true", "disable_tls_validation: false", "registration_disabled: true",
		"registration_shared_secret: s3cret", "level: warn", "server_name: x.test",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("patched config lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "complement") || strings.Contains(string(out), "trace") {
		t.Errorf("patched config keeps a replaced value:\n%s", out)
	}

	// A federating one talks to its loopback peers, whose certificates
	// no authority signed.
	out, err = patchDendriteConfig(raw, "/abs/key.pem", "s3cret", true)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"disable_federation: false", "disable_tls_validation: true"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("patched federating config lacks %q:\n%s", want, out)
		}
	}

	// A layout change in generate-config must be loud, not ignored.
	if _, err := patchDendriteConfig("global:\n  server_name: x.test\n", "/k", "s", false); err == nil {
		t.Error("patching a config without the expected keys succeeded")
	}
}

func TestRedaction(t *testing.T) {
	args := redactArgs([]string{"admin", "user", "create", "--password", "hunter22", "--admin"})
	if strings.Contains(strings.Join(args, " "), "hunter22") {
		t.Errorf("redactArgs kept the password: %v", args)
	}
	const token = "0123456789abcdef0123456789abcdef01234567"
	out := "New user 'x' has been successfully created!\nAccess token was successfully created... " + token + "\n"
	if got, err := parseCreatedToken(out); err != nil || got != token {
		t.Errorf("parseCreatedToken = %q, %v; want the token", got, err)
	}
	if strings.Contains(redactOutput(out), token) {
		t.Errorf("redactOutput kept the token: %q", redactOutput(out))
	}
	if _, err := parseCreatedToken("New user 'x' has been successfully created!\n"); err == nil {
		t.Error("parseCreatedToken found a token in output without one")
	}
}

// A server that cannot start reports why, with its log.
func TestStartFailureCarriesLog(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "fake.log")
	p, err := startProcess("fake", "/bin/sh", []string{"-c", "echo 'listen tcp: address already in use' >&2; exit 3"}, dir, os.Environ(), logPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.stop()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	err = p.waitReady(ctx, "http://127.0.0.1:1/never")
	if err == nil || !strings.Contains(err.Error(), "address already in use") || !strings.Contains(err.Error(), "exited") {
		t.Errorf("waitReady error = %v, want the exit and the log line", err)
	}
}
