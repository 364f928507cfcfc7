package doctor_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"smartup0.org/engelbot/bot/state"
	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/doctor"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
)

// The doctor on real servers: a configuration an operator got right passes
// every check, and each thing an operator gets wrong is caught by the check
// that names it, with the setting to fix.
func TestDoctor(t *testing.T) {
	w := newWorld(t)

	t.Run("a good configuration passes every check", func(t *testing.T) {
		dir := t.TempDir()
		report, out := run(t, w, write(t, dir, w.config(dir)), doctor.Options{})
		for _, l := range report.Lines {
			if l.Status != doctor.OK {
				t.Errorf("%s", l)
			}
		}
		for _, check := range []string{"config", "database", "homeserver", "bot session", "bot password", "bot user ID",
			"server name", "room " + w.teamAlias, "forge", "ledger repository", "ledger branch", "ledger token", "ledger",
			"founder account", "founder", "identity repository", "identity branch", "identity token", "identity privacy",
			"public repository", "public branch", "public token", "clock vs homeserver", "clock vs forge"} {
			if find(report, check) == nil {
				t.Errorf("no %q line in:\n%s", check, out)
			}
		}
		if report.Failed() {
			t.Errorf("the report failed:\n%s", out)
		}
		w.assertDoctorLoggedOut(t)
	})

	t.Run("an empty repository is a first start", func(t *testing.T) {
		dir := t.TempDir()
		cfg := w.config(dir)
		cfg.Ledger.Forgejo.Repo = "fresh"
		report, out := run(t, w, write(t, dir, cfg), doctor.Options{})
		if report.Failed() {
			t.Errorf("the report failed:\n%s", out)
		}
		wantLine(t, report, out, doctor.OK, "ledger branch", "is empty: the first start writes branch main")
		wantLine(t, report, out, doctor.OK, "founder", "the first start makes "+w.aliceID+" its first owner")
	})

	t.Run("a session the bot keeps is checked and left alone", func(t *testing.T) {
		dir := t.TempDir()
		cfg := w.config(dir)
		keep(t, cfg.Database, w.bot.AccessToken)
		report, out := run(t, w, write(t, dir, cfg), doctor.Options{})
		if report.Failed() {
			t.Errorf("the report failed:\n%s", out)
		}
		wantLine(t, report, out, doctor.OK, "bot session", "is valid: "+w.botID+" on device "+botDevice)
		// The running bot's session still works.
		if who, err := w.bot.Whoami(t.Context()); err != nil || who.DeviceID != botDevice {
			t.Errorf("the bot's own session after the doctor: %+v, %v", who, err)
		}
		w.assertDoctorLoggedOut(t)
	})

	t.Run("a kept session that ended is a warning when the password works", func(t *testing.T) {
		dir := t.TempDir()
		cfg := w.config(dir)
		keep(t, cfg.Database, "syt_ended_session")
		report, out := run(t, w, write(t, dir, cfg), doctor.Options{})
		if report.Failed() {
			t.Errorf("the report failed:\n%s", out)
		}
		wantLine(t, report, out, doctor.Warn, "bot session", "the bot logs in again with bot.password")
	})

	t.Run("a ledger token that can read the identity repository is a warning", func(t *testing.T) {
		dir := t.TempDir()
		cfg := w.config(dir)
		cfg.Ledger.Forgejo.Token = w.g.Token // the forge admin's: it reads everything
		report, out := run(t, w, write(t, dir, cfg), doctor.Options{})
		if report.Failed() {
			t.Errorf("the report failed:\n%s", out)
		}
		wantLine(t, report, out, doctor.Warn, "identity privacy", "the ledger's token (user engelbot-admin) can read it")
	})

	t.Run("a local ledger", func(t *testing.T) {
		dir := t.TempDir()
		cfg := w.config(dir)
		cfg.Ledger = config.Ledger{Backend: "local", Branch: "main", Local: config.Local{Path: "ledger.git"}}
		cfg.Identity = config.Ledger{}
		path := write(t, dir, cfg)
		report, out := run(t, w, path, doctor.Options{})
		if report.Failed() {
			t.Errorf("the report failed:\n%s", out)
		}
		wantLine(t, report, out, doctor.OK, "ledger", "ledger.git does not exist yet: the first start creates it")
		if fileExists(filepath.Join(dir, "ledger.git")) {
			t.Error("the doctor created the local ledger")
		}
		store, err := localgit.Open(filepath.Join(dir, "ledger.git"), "main")
		if err != nil {
			t.Fatal(err)
		}
		w.seedStore(t, store, "local")
		if err := store.Close(); err != nil {
			t.Fatal(err)
		}
		report, out = run(t, w, path, doctor.Options{})
		if report.Failed() {
			t.Errorf("the report failed:\n%s", out)
		}
		wantLine(t, report, out, doctor.OK, "ledger", "sound at commit")
		wantLine(t, report, out, doctor.OK, "founder", "the ledger has its Book of Owners")
	})

	t.Run("the built binary's exit status", func(t *testing.T) { testBinary(t, w) })

	broken := []struct {
		name   string
		change func(cfg *config.Config, dir string)
		opts   doctor.Options
		// want are the failing checks, each with a phrase its line must
		// carry; every other failure is an error too.
		want map[string]string
	}{
		{
			name: "a configuration that does not validate",
			change: func(cfg *config.Config, _ string) {
				cfg.Ledger.Backend = "ftp"
			},
			want: map[string]string{"config": `setting ledger.backend: "ftp" is not a backend`},
		},
		{
			name: "a homeserver URL that is the forge's",
			change: func(cfg *config.Config, _ string) {
				cfg.Homeserver.URL = w.g.URL
			},
			want: map[string]string{"homeserver": w.g.URL + " answers /_matrix/client/versions with HTTP 404, not a Matrix version list: homeserver.url must be"},
		},
		{
			name: "a forge URL that is the homeserver's",
			change: func(cfg *config.Config, _ string) {
				cfg.Ledger.Forgejo.URL = w.d.URL
			},
			want: map[string]string{"forge": w.d.URL + " answers /api/v1/version with HTTP 404, not a Forgejo or Gitea version: ledger.forgejo.url must be"},
		},
		{
			name: "a wrong server name",
			change: func(cfg *config.Config, _ string) {
				cfg.Homeserver.ServerName = "smartup0.example"
				cfg.Bot.UserID = "@engelbot:smartup0.example"
				cfg.Founder = "@alice:smartup0.example"
			},
			want: map[string]string{
				"server name": `homeserver.server_name is "smartup0.example", but the homeserver at ` + w.d.URL + " names its users …:" + w.d.ServerName,
				"bot user ID": "the homeserver knows the bot's account as " + w.botID + ", not bot.user_id @engelbot:smartup0.example",
			},
		},
		{
			name: "a wrong bot password",
			change: func(cfg *config.Config, _ string) {
				cfg.Bot.Password = "not-the-password"
			},
			want: map[string]string{"bot password": "the homeserver refuses to log " + w.botID + " in with bot.password"},
		},
		{
			name: "an access token the homeserver does not know",
			change: func(cfg *config.Config, _ string) {
				cfg.Bot.Password = ""
				cfg.Bot.AccessToken = "syt_not_a_token_of_anyone"
			},
			want: map[string]string{"bot access token": "the homeserver does not know bot.access_token"},
		},
		{
			name: "a room alias that does not resolve",
			change: func(cfg *config.Config, _ string) {
				cfg.Rooms["#2_workplace:"+w.d.ServerName] = config.Room{Kind: "workplace"}
			},
			want: map[string]string{"room #2_workplace:" + w.d.ServerName: "the alias does not resolve on the homeserver"},
		},
		{
			name: "a room the bot is not in",
			change: func(cfg *config.Config, _ string) {
				cfg.Rooms[w.forumAlias] = config.Room{Kind: "forum"}
			},
			want: map[string]string{"room " + w.forumAlias: "the bot (" + w.botID + ") is not in room"},
		},
		{
			name: "a forge token the forge rejects",
			change: func(cfg *config.Config, _ string) {
				cfg.Ledger.Forgejo.Token = strings.Repeat("0", 40)
			},
			want: map[string]string{"ledger repository": "the forge rejects ledger.forgejo.token"},
		},
		{
			name: "a forge user who may only read the ledger",
			change: func(cfg *config.Config, _ string) {
				cfg.Ledger.Forgejo.Token = w.readerUser.Token
			},
			want: map[string]string{"ledger token": "ledger.forgejo.token (user reader) may read Smartup_Zero/2_workplace but not write it"},
		},
		{
			name: "a token scoped to reading, of a user who may write",
			change: func(cfg *config.Config, _ string) {
				cfg.Ledger.Forgejo.Token = w.scopedToken
			},
			want: map[string]string{"ledger token": "ledger.forgejo.token (user ledgerbot) may not write branch main of Smartup_Zero/2_workplace (HTTP 403"},
		},
		{
			name: "a wrong branch",
			change: func(cfg *config.Config, _ string) {
				cfg.Ledger.Branch = "books"
			},
			want: map[string]string{"ledger branch": `Smartup_Zero/2_workplace has no branch "books" (it has: main): set ledger.branch`},
		},
		{
			name: "a repository that does not exist",
			change: func(cfg *config.Config, _ string) {
				cfg.Ledger.Forgejo.Repo = "2_workplce"
			},
			want: map[string]string{"ledger repository": "there is no repository Smartup_Zero/2_workplce on " + w.g.URL +
				" that the token's user can see: create it (an empty one will do), give the token's user access, or correct ledger.forgejo.owner and ledger.forgejo.repo"},
		},
		{
			name: "a ledger edited by hand",
			change: func(cfg *config.Config, _ string) {
				cfg.Ledger.Forgejo.Repo = "tampered"
			},
			want: map[string]string{"ledger": "`engelbot verify -config "},
		},
		{
			name: "a ledger file that does not parse",
			change: func(cfg *config.Config, _ string) {
				cfg.Ledger.Forgejo.Repo = "unreadable"
			},
			want: map[string]string{"ledger": "the ledger cannot be read: " + ledger.OwnersIndex},
		},
		{
			name: "a first start with no founder",
			change: func(cfg *config.Config, _ string) {
				cfg.Ledger.Forgejo.Repo = "fresh"
				cfg.Founder = ""
			},
			want: map[string]string{"founder": "the ledger is empty, and a first start makes founder: its first owner, but founder: is not set"},
		},
		{
			name: "a founder without an account",
			change: func(cfg *config.Config, _ string) {
				cfg.Founder = "@alcie:" + cfg.Homeserver.ServerName
			},
			want: map[string]string{"founder account": "the homeserver has no account @alcie:"},
		},
		{
			name: "a public identity repository",
			change: func(cfg *config.Config, _ string) {
				cfg.Identity.Forgejo.Repo = "identity-public"
			},
			want: map[string]string{"identity privacy": "Smartup_Zero/identity-public is public"},
		},
		{
			name: "an identity token that cannot see the identity repository",
			change: func(cfg *config.Config, _ string) {
				cfg.Identity.Forgejo.Token = w.readerUser.Token
			},
			want: map[string]string{"identity repository": "there is no repository Smartup_Zero/identity on " + w.g.URL +
				" that the token's user can see"},
		},
		{
			name: "a public site token that may only read the site",
			change: func(cfg *config.Config, _ string) {
				cfg.Public.Forgejo.Token = w.readerUser.Token
			},
			want: map[string]string{"public token": "public.forgejo.token (user reader) may read Smartup_Zero/1_general_forum but not write it"},
		},
		{
			name: "a database folder that is a file",
			change: func(cfg *config.Config, dir string) {
				file := filepath.Join(dir, "state")
				if err := os.WriteFile(file, nil, 0o600); err != nil {
					t.Fatal(err)
				}
				cfg.Database = filepath.Join(file, "engelbot.db")
			},
			want: map[string]string{"database": filepath.Join("state", "engelbot.db") + " cannot be created: change database:"},
		},
		{
			name:   "this machine's clock five minutes fast",
			change: func(*config.Config, string) {},
			opts:   doctor.Options{Now: func() time.Time { return time.Now().Add(5 * time.Minute) }},
			want: map[string]string{
				"clock vs homeserver": "this machine's clock is 5m",
				"clock vs forge":      "this machine's clock is 5m",
			},
		},
	}
	for _, tc := range broken {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := w.config(dir)
			tc.change(cfg, dir)
			report, out := run(t, w, write(t, dir, cfg), tc.opts)
			if !report.Failed() {
				t.Errorf("the report did not fail:\n%s", out)
			}
			for check, phrase := range tc.want {
				wantLine(t, report, out, doctor.Fail, check, phrase)
			}
			for _, l := range report.Lines {
				if _, want := tc.want[l.Check]; l.Status == doctor.Fail && !want {
					t.Errorf("unexpected failure: %s", l)
				}
			}
			w.assertDoctorLoggedOut(t)
		})
	}
}

// run runs the doctor on a configuration file and returns its report and
// what it printed, which must carry no secret of the world's.
func run(t *testing.T, w *world, path string, opts doctor.Options) (doctor.Report, string) {
	t.Helper()
	var out bytes.Buffer
	opts.Out = &out
	report := doctor.Run(t.Context(), path, opts)
	for _, s := range w.secrets() {
		if s != "" && strings.Contains(out.String(), s) {
			t.Errorf("the output carries a secret (%.4s…):\n%s", s, out.String())
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("doctor output:\n%s", out.String())
	}
	return report, out.String()
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// find returns the report's line for a check.
func find(r doctor.Report, check string) *doctor.Line {
	for i := range r.Lines {
		if r.Lines[i].Check == check {
			return &r.Lines[i]
		}
	}
	return nil
}

// wantLine checks that a check came out with status and says phrase.
func wantLine(t *testing.T, r doctor.Report, out string, status doctor.Status, check, phrase string) {
	t.Helper()
	l := find(r, check)
	switch {
	case l == nil:
		t.Errorf("no %q line in:\n%s", check, out)
	case l.Status != status || !strings.Contains(l.Detail, phrase):
		t.Errorf("got  %s\nwant %s %s: …%s…", l, status, check, phrase)
	}
}

// keep stores a session in the bot's database as the bot does after a
// password login.
func keep(t *testing.T, path, token string) {
	t.Helper()
	db, err := state.Open(t.Context(), path, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for key, value := range map[string]string{state.KeyAccessToken: token, state.KeyDeviceID: botDevice} {
		if err := db.Set(t.Context(), key, value); err != nil {
			t.Fatal(err)
		}
	}
}

// assertDoctorLoggedOut checks that the bot's account has the devices it
// had before the doctor ran, the bot's own among them: the doctor logs its
// password check's device out.
func (w *world) assertDoctorLoggedOut(t *testing.T) {
	t.Helper()
	if got := w.devices(t); !slices.Equal(got, w.botDevices) {
		t.Errorf("the bot's devices after the doctor: %v, want %v as before", got, w.botDevices)
	}
}
