package config

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestExampleLoads(t *testing.T) {
	t.Setenv(EnvPassword, "a-password")
	t.Setenv(EnvForgeToken, "a-token")
	t.Setenv(EnvIdentityToken, "an-identity-token")
	cfg, err := Load("../config.example.yaml")
	if err != nil {
		t.Fatalf("the example configuration does not load: %v", err)
	}
	if cfg.Bot.Password != "a-password" || cfg.Ledger.Forgejo.Token != "a-token" {
		t.Errorf("secrets from the environment were not used: %+v", cfg.Bot)
	}
	if cfg.Identity.Forgejo.Token != "an-identity-token" {
		t.Errorf("the identity token from the environment was not used")
	}
	if cfg.Identity.Forgejo.Repo == cfg.Ledger.Forgejo.Repo {
		t.Errorf("the example keeps identities in the ledger's repository %q", cfg.Ledger.Forgejo.Repo)
	}
	if got := cfg.Rooms["#3_7_operational_team:smartup0.org"]; got.Team != "3_7_operational_team" {
		t.Errorf("team room not read: %+v", got)
	}
	if !strings.HasSuffix(cfg.Database, "engelbot.db") || cfg.Database == "engelbot.db" {
		t.Errorf("database path %q is not taken relative to the file", cfg.Database)
	}
}

func TestValidationNamesTheSetting(t *testing.T) {
	base, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvPassword, "a-password")
	t.Setenv(EnvForgeToken, "a-token")
	t.Setenv(EnvIdentityToken, "an-identity-token")
	for _, tc := range []struct{ old, new, setting string }{
		{"url: https://matrix.smartup0.org", "url: matrix.smartup0.org", "homeserver.url"},
		{`user_id: "@engelbot:smartup0.org"`, `user_id: "engelbot"`, "bot.user_id"},
		{`user_id: "@engelbot:smartup0.org"`, `user_id: "@engelbot:elsewhere.org"`, "bot.user_id"},
		{"backend: forgejo", "backend: postgres", "ledger.backend"},
		{"url: https://forge.timeline0.org", "url: ''", "ledger.forgejo.url"},
		{"timeout: 30s", "timeout: 10ms", "ledger.forgejo.timeout"},
		{"team: 3_7_operational_team", "team: operations", "rooms.#3_7_operational_team:smartup0.org.team"},
		{"kind: forum", "kind: lobby", "rooms.#1_general_forum:smartup0.org.kind"},
		{`founder: "@founder:smartup0.org"`, `founder: "founder"`, "founder"},
		{`founder: "@founder:smartup0.org"`, `founder: "@founder:matrix.org"`, "founder"},
		{`founder: "@founder:smartup0.org"`, `founder_alias: founder`, "founder_alias"},
		{"level: info", "level: loud", "log.level"},
		{"display_name: Engelbot", "display_nam: Engelbot", "display_nam"},
	} {
		t.Run(tc.setting, func(t *testing.T) {
			data := strings.Replace(string(base), tc.old, tc.new, 1)
			if data == string(base) {
				t.Fatalf("the example has no %q to replace", tc.old)
			}
			_, err := Parse([]byte(data))
			if err == nil || !strings.Contains(err.Error(), tc.setting) {
				t.Fatalf("error %v does not name %s", err, tc.setting)
			}
		})
	}
}

func TestSecretsRequired(t *testing.T) {
	t.Setenv(EnvPassword, "")
	t.Setenv(EnvAccessToken, "")
	t.Setenv(EnvForgeToken, "a-token")
	t.Setenv(EnvIdentityToken, "an-identity-token")
	base, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(base); err == nil || !strings.Contains(err.Error(), "bot.password") {
		t.Fatalf("no password or token must be an error naming bot.password, got %v", err)
	}
}

func TestFounderAliasIsTheLocalpartUnlessSet(t *testing.T) {
	for _, tc := range []struct{ founder, alias, want string }{
		{"@alice:smartup0.org", "", "alice"},
		{"@alice:smartup0.org", "ally", "ally"},
		{"@a.b-c:smartup0.org:8448", "", "a.b-c"},
	} {
		c := &Config{Founder: tc.founder, FounderAlias: tc.alias}
		if got := c.FounderAliasOrLocalpart(); got != tc.want {
			t.Errorf("founder %q, founder_alias %q: alias %q, want %q", tc.founder, tc.alias, got, tc.want)
		}
	}
}

func TestMetricsListen(t *testing.T) {
	base, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvPassword, "a-password")
	t.Setenv(EnvForgeToken, "a-token")
	t.Setenv(EnvIdentityToken, "an-identity-token")
	cfg, err := Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Metrics.Listen != "" {
		t.Errorf("the example turns the metrics listener on (%q); it must be off by default", cfg.Metrics.Listen)
	}
	for _, tc := range []struct{ listen, want, bad string }{
		{listen: `":9464"`, want: "127.0.0.1:9464"},
		{listen: `"9464"`, want: "127.0.0.1:9464"},
		{listen: `"127.0.0.1:9464"`, want: "127.0.0.1:9464"},
		{listen: `"[::1]:9464"`, want: "[::1]:9464"},
		{listen: `"0.0.0.0:9464"`, want: "0.0.0.0:9464"},
		{listen: `"metrics.internal:9464"`, want: "metrics.internal:9464"},
		{listen: `"127.0.0.1"`, bad: "not an address"},
		{listen: `"127.0.0.1:0"`, bad: "port"},
		{listen: `"127.0.0.1:70000"`, bad: "port"},
		{listen: `":http"`, bad: "port"},
		{listen: `"bad host!:9464"`, bad: "neither an IP address nor a host name"},
		{listen: `"http://127.0.0.1:9464"`, bad: "not an address"},
	} {
		t.Run(tc.listen, func(t *testing.T) {
			data := strings.Replace(string(base), `listen: ""`, "listen: "+tc.listen, 1)
			if data == string(base) {
				t.Fatal(`the example has no listen: "" to replace`)
			}
			cfg, err := Parse([]byte(data))
			if tc.bad != "" {
				if err == nil || !strings.Contains(err.Error(), "metrics.listen") || !strings.Contains(err.Error(), tc.bad) {
					t.Fatalf("error %v does not name metrics.listen and say %q", err, tc.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Metrics.Listen != tc.want {
				t.Errorf("listen %s is %q, want %q", tc.listen, cfg.Metrics.Listen, tc.want)
			}
		})
	}
}

func TestPublicSettings(t *testing.T) {
	base := "homeserver: {url: http://127.0.0.1:8008, server_name: smartup0.org}\n" +
		"bot: {user_id: \"@engelbot:smartup0.org\", password: secret123}\n" +
		"ledger: {backend: forgejo, forgejo: {url: http://forge, token: ledger-token}}\n"
	cfg, err := Parse([]byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Public.Configured() || cfg.Public.Folder != "ledger" || cfg.Public.Interval.D != time.Hour {
		t.Errorf("defaults without a public section: %+v", cfg.Public)
	}
	cfg, err = Parse([]byte(base + "public: {backend: forgejo, forgejo: {token: site-token}, interval: 0}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if f := cfg.Public.Forgejo; f.URL != "http://forge" || f.Owner != "Smartup_Zero" || f.Repo != "1_general_forum" || !cfg.Public.Interval.Off() {
		t.Errorf("defaults of a forgejo site: %+v, interval %v", f, cfg.Public.Interval)
	}
	if cfg, err := Parse([]byte(base + "public:\n  interval:\n")); err != nil || !cfg.Public.Interval.Off() {
		t.Errorf("an empty interval: %v, %v; want it off", cfg, err)
	}
	for _, tc := range []struct{ yaml, setting string }{
		{"public: {backend: forgejo, forgejo: {token: ledger-token}}", "public.forgejo.token"},
		{"public: {backend: forgejo, forgejo: {repo: 2_workplace, token: x}}", "public.forgejo.repo"},
		{"public: {backend: ftp}", "public.backend"},
		{"public: {folder: ../docs}", "public.folder"},
		{"public: {interval: 5s}", "public.interval"},
		{"public: {interval: soon}", "soon"},
		{"public: {nav_tile: x}", "nav_tile"},
	} {
		if _, err := Parse([]byte(base + tc.yaml + "\n")); err == nil || !strings.Contains(err.Error(), tc.setting) {
			t.Errorf("%s: %v, want an error naming %s", tc.yaml, err, tc.setting)
		}
	}
	t.Setenv(EnvPublicToken, "from-env")
	if cfg, err := Parse([]byte(base + "public: {backend: forgejo}\n")); err != nil || cfg.Public.Forgejo.Token != "from-env" {
		t.Errorf("the token from %s: %v", EnvPublicToken, err)
	}
}
