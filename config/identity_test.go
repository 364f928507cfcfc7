package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// minimal is a valid configuration with a local ledger; the identity
// tests append their own identity: section.
const minimal = `
homeserver: {url: "https://matrix.s.test", server_name: s.test}
bot: {user_id: "@engelbot:s.test", password: pw}
ledger:
  backend: local
  forgejo: {owner: Org, timeout: 45s}
`

func parseWith(t *testing.T, extra string) (*Config, error) {
	t.Helper()
	t.Setenv(EnvIdentityToken, "")
	t.Setenv(EnvForgeToken, "")
	return Parse([]byte(minimal + extra))
}

// Without an identity: section there is no identity repository, and no
// default invents one.
func TestNoIdentityRepository(t *testing.T) {
	cfg, err := parseWith(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Identity.Backend != "" || cfg.Identity.Local.Path != "" || cfg.Identity.Forgejo.Repo != "" {
		t.Fatalf("an identity repository appeared from nowhere: %+v", cfg.Identity)
	}
}

func TestIdentityDefaults(t *testing.T) {
	cfg, err := parseWith(t, "identity: {backend: local}\n")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Identity.Local.Path != "identity.git" || cfg.Identity.Branch != "main" {
		t.Errorf("local identity defaults: %+v", cfg.Identity)
	}
	cfg, err = parseWith(t, "identity: {backend: forgejo, forgejo: {url: \"https://forge.s.test\", token: own}}\n")
	if err != nil {
		t.Fatal(err)
	}
	f := cfg.Identity.Forgejo
	// The owner and timeout follow the ledger's settings above.
	if f.Owner != "Org" || f.Repo != "identity" || f.Timeout != 45*time.Second {
		t.Errorf("forgejo identity defaults: %+v", f)
	}
}

func TestIdentityTokenFromEnvironment(t *testing.T) {
	t.Setenv(EnvForgeToken, "")
	t.Setenv(EnvIdentityToken, "from-env")
	cfg, err := Parse([]byte(minimal + "identity: {backend: forgejo, forgejo: {url: \"https://forge.s.test\", token: in-file}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Identity.Forgejo.Token != "from-env" {
		t.Errorf("token %q, want the one from %s", cfg.Identity.Forgejo.Token, EnvIdentityToken)
	}
	if cfg.Ledger.Forgejo.Token != "" {
		t.Errorf("the identity token leaked into the ledger's settings")
	}
}

func TestIdentityValidation(t *testing.T) {
	const forgeLedger = `
identity:
  backend: forgejo
  forgejo: {url: "https://forge.s.test/", owner: org, repo: Ledger, token: own}
`
	for _, tc := range []struct{ name, yaml, setting string }{
		{"unknown backend", "identity: {backend: s3}\n", "identity.backend"},
		{"no url", "identity: {backend: forgejo, forgejo: {token: own}}\n", "identity.forgejo.url"},
		{"bad url", "identity: {backend: forgejo, forgejo: {url: forge.s.test, token: own}}\n", "identity.forgejo.url"},
		{"no token", "identity: {backend: forgejo, forgejo: {url: \"https://forge.s.test\"}}\n", "identity.forgejo.token"},
		{"short timeout", "identity: {backend: forgejo, forgejo: {url: \"https://forge.s.test\", token: own, timeout: 5ms}}\n", "identity.forgejo.timeout"},
		{"bad branch", "identity: {backend: local, branch: \"a b\"}\n", "identity.branch"},
		{"the ledger's local repository", "identity: {backend: local, local: {path: ./ledger.git}}\n", "identity.local.path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseWith(t, tc.yaml)
			if err == nil || !strings.Contains(err.Error(), tc.setting) {
				t.Fatalf("error %v does not name %s", err, tc.setting)
			}
		})
	}

	// On the forge: the same repository as the ledger's, even spelt in
	// another case and with a trailing slash on the URL, is refused.
	t.Setenv(EnvIdentityToken, "")
	t.Setenv(EnvForgeToken, "")
	ledgerOnForge := strings.Replace(minimal, "backend: local", "backend: forgejo", 1)
	ledgerOnForge = strings.Replace(ledgerOnForge, "forgejo: {owner: Org, timeout: 45s}",
		"forgejo: {url: \"https://forge.s.test\", owner: Org, repo: ledger, token: the-ledgers, timeout: 45s}", 1)
	_, err := Parse([]byte(ledgerOnForge + forgeLedger))
	if err == nil || !strings.Contains(err.Error(), "identity.forgejo.repo") {
		t.Fatalf("the ledger's own repository was accepted for identities: %v", err)
	}
	other := strings.Replace(forgeLedger, "repo: Ledger", "repo: identity", 1)
	if _, err := Parse([]byte(ledgerOnForge + other)); err != nil {
		t.Fatalf("a repository of its own was refused: %v", err)
	}
	// Nor the public site's repository, nor the ledger's token.
	site := strings.Replace(forgeLedger, "repo: Ledger", "repo: 1_general_forum", 1)
	if _, err := Parse([]byte(ledgerOnForge + site)); err == nil || !strings.Contains(err.Error(), "public site") {
		t.Fatalf("the public site's repository was accepted for identities: %v", err)
	}
	sameToken := strings.Replace(other, "token: own", "token: the-ledgers", 1)
	if _, err := Parse([]byte(ledgerOnForge + sameToken)); err == nil || !strings.Contains(err.Error(), "identity.forgejo.token") {
		t.Fatalf("the ledger's token was accepted for identities: %v", err)
	}
}

// A relative local path is taken relative to the file, like the ledger's.
func TestIdentityPathRelativeToFile(t *testing.T) {
	t.Setenv(EnvIdentityToken, "")
	dir := t.TempDir()
	path := filepath.Join(dir, "engelbot.yaml")
	if err := os.WriteFile(path, []byte(minimal+"identity: {backend: local, local: {path: private/identity.git}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "private", "identity.git"); cfg.Identity.Local.Path != want {
		t.Errorf("identity path %q, want %q", cfg.Identity.Local.Path, want)
	}
}
