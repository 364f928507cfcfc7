package config

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is the whole configuration file.
type Config struct {
	Homeserver Homeserver `yaml:"homeserver"`
	Bot        Bot        `yaml:"bot"`
	Database   string     `yaml:"database"`
	Ledger     Ledger     `yaml:"ledger"`
	// Identity is the private repository of the identity mapping (real
	// names, e-mail addresses): the same shape as Ledger, its own token.
	// An empty backend means there is none.
	Identity Ledger `yaml:"identity"`
	// Public is the public site's repository, where publishing writes.
	Public  Public          `yaml:"public"`
	Rooms   map[string]Room `yaml:"rooms"`
	Founder string          `yaml:"founder"`
	// FounderAlias is the founder's alias in the Book of Owners when the
	// first start sets an empty ledger up. Default: the founder's Matrix
	// localpart.
	FounderAlias string   `yaml:"founder_alias"`
	Admins       []string `yaml:"admins"`
	Jobs         Jobs     `yaml:"jobs"`
	Log          Log      `yaml:"log"`
	Metrics      Metrics  `yaml:"metrics"`
	// Encryption is the bot's end-to-end encryption (on by default).
	Encryption Encryption `yaml:"encryption"`
}

// Encryption is end-to-end encryption in the bot: it decrypts commands in
// encrypted rooms (Element encrypts every new direct chat) and answers
// encrypted there. Its keys live in the bot's database.
type Encryption struct {
	// Enabled is on unless set to false: without it, the bot cannot read
	// anything in an encrypted room.
	Enabled *bool `yaml:"enabled"`
	// PickleKey encrypts the bot's keys inside its database. Better given
	// by the environment (ENGELBOT_PICKLE_KEY) than in the file. Empty: a
	// key is made once and kept in the database itself, which keeps the
	// keys safe only as far as the database file is.
	PickleKey string `yaml:"pickle_key"`
}

// On says whether the bot encrypts: unless the configuration turns it off.
func (e Encryption) On() bool { return e.Enabled == nil || *e.Enabled }

// Metrics is the optional HTTP listener for Prometheus metrics and the
// health checks (/metrics, /healthz, /readyz).
type Metrics struct {
	// Listen is the address to serve on, host:port; empty turns the
	// listener off (the default). Without a host (":9464") it is
	// 127.0.0.1: the metrics are not for the whole network unless asked.
	Listen string `yaml:"listen"`
}

// Jobs is the scheduled work the bot does by itself: finalizing lazy
// consensus and the monthly SK decay.
type Jobs struct {
	// Interval is how often the bot looks for due jobs. Default 1m.
	Interval time.Duration `yaml:"interval"`
	// Disabled turns scheduled jobs off (another process runs them).
	Disabled bool `yaml:"disabled"`
}

// Homeserver is the community's Matrix server.
type Homeserver struct {
	URL        string `yaml:"url"`
	ServerName string `yaml:"server_name"`
}

// Bot is the bot's own Matrix account.
type Bot struct {
	UserID      string `yaml:"user_id"`
	Password    string `yaml:"password"`
	AccessToken string `yaml:"access_token"`
	DeviceID    string `yaml:"device_id"`
	DisplayName string `yaml:"display_name"`
}

// Ledger says where the books are kept.
type Ledger struct {
	Backend string  `yaml:"backend"` // "forgejo" or "local"
	Branch  string  `yaml:"branch"`
	Local   Local   `yaml:"local"`
	Forgejo Forgejo `yaml:"forgejo"`
}

// Local is the on-disk git repository backend.
type Local struct {
	Path string `yaml:"path"`
}

// Forgejo is the forge backend.
type Forgejo struct {
	URL     string        `yaml:"url"`
	Owner   string        `yaml:"owner"`
	Repo    string        `yaml:"repo"`
	Token   string        `yaml:"token"`
	Timeout time.Duration `yaml:"timeout"`
}

// Room says what a room is to the community.
type Room struct {
	Kind string `yaml:"kind"` // team, forum, workplace
	Team string `yaml:"team"` // for kind team: the team ID
}

// Log configures logging.
type Log struct {
	Level  string `yaml:"level"`  // trace, debug, info, warn, error
	Format string `yaml:"format"` // auto, json, pretty
}

// Environment variables that override secrets in the file, so the file can
// be shared without them.
const (
	EnvPassword    = "ENGELBOT_PASSWORD"
	EnvAccessToken = "ENGELBOT_ACCESS_TOKEN"
	EnvForgeToken  = "ENGELBOT_FORGE_TOKEN"
	// EnvIdentityToken is the identity repository's own token: never the
	// ledger's, so that a leaked ledger token reveals no real names.
	EnvIdentityToken = "ENGELBOT_IDENTITY_TOKEN"
	// EnvPickleKey encrypts the bot's end-to-end keys in its database.
	EnvPickleKey = "ENGELBOT_PICKLE_KEY"
)

// Load reads, completes and checks a configuration file. Relative paths in
// it are taken relative to the file's folder.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cfg, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	dir := filepath.Dir(path)
	cfg.Database = relativeTo(dir, cfg.Database)
	cfg.Ledger.Local.Path = relativeTo(dir, cfg.Ledger.Local.Path)
	cfg.Identity.Local.Path = relativeTo(dir, cfg.Identity.Local.Path)
	cfg.Public.Local.Path = relativeTo(dir, cfg.Public.Local.Path)
	return cfg, nil
}

func relativeTo(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// Parse reads a configuration from YAML, applies defaults and the
// environment, and validates it. The error names the bad setting.
func Parse(data []byte) (*Config, error) {
	cfg := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true) // a misspelt setting is an error, not silently ignored
	if err := dec.Decode(cfg); err != nil {
		return nil, fmt.Errorf("reading YAML: %w", err)
	}
	cfg.Public.Interval.markSet(data)
	cfg.defaults()
	cfg.environment()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (c *Config) defaults() {
	if c.Bot.DeviceID == "" {
		c.Bot.DeviceID = "ENGELBOT"
	}
	if c.Bot.DisplayName == "" {
		c.Bot.DisplayName = "Engelbot"
	}
	if c.Database == "" {
		c.Database = "engelbot.db"
	}
	if c.Ledger.Backend == "" {
		c.Ledger.Backend = "local"
	}
	if c.Ledger.Branch == "" {
		c.Ledger.Branch = "main"
	}
	if c.Ledger.Local.Path == "" {
		c.Ledger.Local.Path = "ledger.git"
	}
	if c.Ledger.Forgejo.Owner == "" {
		c.Ledger.Forgejo.Owner = "Smartup_Zero"
	}
	if c.Ledger.Forgejo.Repo == "" {
		c.Ledger.Forgejo.Repo = "2_workplace"
	}
	if c.Ledger.Forgejo.Timeout == 0 {
		c.Ledger.Forgejo.Timeout = 30 * time.Second
	}
	c.identityDefaults()
	c.publicDefaults()
	if c.Jobs.Interval == 0 {
		c.Jobs.Interval = time.Minute
	}
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	if c.Log.Format == "" {
		c.Log.Format = "auto"
	}
	c.Metrics.Listen = c.Metrics.Addr()
}

func (c *Config) environment() {
	if v := os.Getenv(EnvPassword); v != "" {
		c.Bot.Password = v
	}
	if v := os.Getenv(EnvAccessToken); v != "" {
		c.Bot.AccessToken = v
	}
	if v := os.Getenv(EnvForgeToken); v != "" {
		c.Ledger.Forgejo.Token = v
	}
	if v := os.Getenv(EnvIdentityToken); v != "" {
		c.Identity.Forgejo.Token = v
	}
	if v := os.Getenv(EnvPublicToken); v != "" {
		c.Public.Forgejo.Token = v
	}
	if v := os.Getenv(EnvPickleKey); v != "" {
		c.Encryption.PickleKey = v
	}
}

var (
	userIDPattern = regexp.MustCompile(`^@[a-z0-9._=/+-]+:[A-Za-z0-9.-]+(:[0-9]+)?$`)
	teamPattern   = regexp.MustCompile(`^3_[1-9][0-9]*_[a-z0-9_]+$`)
)

// Validate checks every setting and names the first bad one.
func (c *Config) Validate() error {
	bad := func(setting, format string, args ...any) error {
		return fmt.Errorf("setting %s: %s", setting, fmt.Sprintf(format, args...))
	}
	if err := checkURL(c.Homeserver.URL); err != nil {
		return bad("homeserver.url", "%v", err)
	}
	if c.Homeserver.ServerName == "" {
		return bad("homeserver.server_name", "required: the community's server name, e.g. smartup0.org")
	}
	if !userIDPattern.MatchString(c.Bot.UserID) {
		return bad("bot.user_id", "%q is not a Matrix user ID like @engelbot:smartup0.org", c.Bot.UserID)
	}
	if serverOf(c.Bot.UserID) != c.Homeserver.ServerName {
		return bad("bot.user_id", "the bot must be a user of %s", c.Homeserver.ServerName)
	}
	if c.Bot.Password == "" && c.Bot.AccessToken == "" {
		return bad("bot.password", "either bot.password or bot.access_token is required (or %s / %s)", EnvPassword, EnvAccessToken)
	}
	switch c.Ledger.Backend {
	case "local":
		if c.Ledger.Local.Path == "" {
			return bad("ledger.local.path", "required for the local backend")
		}
	case "forgejo":
		if err := checkURL(c.Ledger.Forgejo.URL); err != nil {
			return bad("ledger.forgejo.url", "%v", err)
		}
		if c.Ledger.Forgejo.Token == "" {
			return bad("ledger.forgejo.token", "required for the forgejo backend (or %s)", EnvForgeToken)
		}
		if c.Ledger.Forgejo.Timeout < time.Second {
			return bad("ledger.forgejo.timeout", "%s is too short; use at least 1s", c.Ledger.Forgejo.Timeout)
		}
	default:
		return bad("ledger.backend", "%q is not a backend; use forgejo or local", c.Ledger.Backend)
	}
	if strings.ContainsAny(c.Ledger.Branch, " ~^:?*[\\") {
		return bad("ledger.branch", "%q is not a branch name", c.Ledger.Branch)
	}
	if err := c.validateIdentity(); err != nil {
		return err
	}
	if err := c.validatePublic(); err != nil {
		return err
	}
	for room, r := range c.Rooms {
		if !strings.HasPrefix(room, "!") && !strings.HasPrefix(room, "#") {
			return bad("rooms", "%q is neither a room ID (!…) nor a room alias (#…)", room)
		}
		switch r.Kind {
		case "team":
			if !teamPattern.MatchString(r.Team) {
				return bad("rooms."+room+".team", "%q is not a team ID like 3_7_operational_team", r.Team)
			}
		case "forum", "workplace":
			if r.Team != "" {
				return bad("rooms."+room+".team", "only team rooms name a team")
			}
		default:
			return bad("rooms."+room+".kind", "%q is not a room kind; use team, forum or workplace", r.Kind)
		}
	}
	if c.Founder != "" && !userIDPattern.MatchString(c.Founder) {
		return bad("founder", "%q is not a Matrix user ID", c.Founder)
	}
	if c.Founder != "" && serverOf(c.Founder) != c.Homeserver.ServerName {
		// The bot serves only its own homeserver's users: a founder from
		// elsewhere would be the first owner of a ledger nobody can use.
		return bad("founder", "%s is not a user of %s; the founder must be one of the community's own users", c.Founder, c.Homeserver.ServerName)
	}
	if c.FounderAlias != "" && c.Founder == "" {
		return bad("founder_alias", "is the founder's alias, and no founder is set")
	}
	for i, a := range c.Admins {
		if !userIDPattern.MatchString(a) {
			return bad(fmt.Sprintf("admins[%d]", i), "%q is not a Matrix user ID", a)
		}
	}
	if c.Jobs.Interval < time.Second {
		return bad("jobs.interval", "%s is too short; use at least 1s", c.Jobs.Interval)
	}
	switch c.Log.Level {
	case "trace", "debug", "info", "warn", "error":
	default:
		return bad("log.level", "%q is not one of trace, debug, info, warn, error", c.Log.Level)
	}
	switch c.Log.Format {
	case "auto", "json", "pretty":
	default:
		return bad("log.format", "%q is not one of auto, json, pretty", c.Log.Format)
	}
	if err := checkListen(c.Metrics.Addr()); err != nil {
		return bad("metrics.listen", "%v", err)
	}
	return nil
}

// Addr is the address to listen on: Listen, on 127.0.0.1 when it names
// no host; "" when the listener is off.
func (m Metrics) Addr() string { return loopbackByDefault(m.Listen) }

// loopbackByDefault gives a listen address without a host ("9464",
// ":9464") the loopback host.
func loopbackByDefault(addr string) string {
	if addr == "" {
		return ""
	}
	if _, err := strconv.Atoi(addr); err == nil {
		return net.JoinHostPort("127.0.0.1", addr)
	}
	if host, port, err := net.SplitHostPort(addr); err == nil && host == "" {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return addr
}

var hostPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$`)

// checkListen checks a listen address: empty (off), or a host (an IP
// address or a name) and a port from 1 to 65535. A port 0 (any free one)
// is refused: Prometheus would not know where to scrape.
func checkListen(addr string) error {
	if addr == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not an address like 127.0.0.1:9464", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%q: the port must be a number from 1 to 65535", addr)
	}
	if net.ParseIP(host) == nil && !hostPattern.MatchString(host) {
		return fmt.Errorf("%q: %q is neither an IP address nor a host name", addr, host)
	}
	return nil
}

func checkURL(s string) error {
	if s == "" {
		return errors.New("required")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	return nil
}

// FounderAliasOrLocalpart is the founder's alias for the first commit on
// an empty ledger: founder_alias, or else the founder's Matrix localpart.
func (c *Config) FounderAliasOrLocalpart() string {
	if c.FounderAlias != "" {
		return c.FounderAlias
	}
	local, _, _ := strings.Cut(strings.TrimPrefix(c.Founder, "@"), ":")
	return local
}

// serverOf is the server part of a Matrix user ID.
func serverOf(userID string) string {
	_, server, _ := strings.Cut(userID, ":")
	return server
}

// The identity repository (cfg.Identity) holds real names and e-mail
// addresses, so its settings get their own defaults and checks: it is
// optional, it must be a repository of its own, and its token is its own.

// identityDefaults fills in the identity repository's settings once a
// backend is chosen; with none there is no identity repository.
func (c *Config) identityDefaults() {
	if c.Identity.Backend != "" {
		c.Identity.repoDefaults(c.Ledger, "identity.git", "identity")
	}
}

// repoDefaults fills in a further repository's settings (the identity
// mapping's, the public site's) from the ledger's where they are left
// out: the branch, a local path and a repository name of its own, and the
// ledger's forge owner and timeout.
func (l *Ledger) repoDefaults(ledger Ledger, localPath, repo string) {
	if l.Branch == "" {
		l.Branch = "main"
	}
	if l.Local.Path == "" {
		l.Local.Path = localPath
	}
	if l.Forgejo.Owner == "" {
		l.Forgejo.Owner = ledger.Forgejo.Owner
	}
	if l.Forgejo.Repo == "" {
		l.Forgejo.Repo = repo
	}
	if l.Forgejo.Timeout == 0 {
		l.Forgejo.Timeout = ledger.Forgejo.Timeout
	}
}

// validateIdentity checks the identity repository's settings and that it
// is not the ledger's repository: real names must never land in the books.
func (c *Config) validateIdentity() error {
	id := c.Identity
	bad := func(setting, format string, args ...any) error {
		return fmt.Errorf("setting identity.%s: %s", setting, fmt.Sprintf(format, args...))
	}
	switch id.Backend {
	case "":
		return nil
	case "local":
		if id.Local.Path == "" {
			return bad("local.path", "required for the local backend")
		}
		if c.Ledger.Backend == "local" && filepath.Clean(id.Local.Path) == filepath.Clean(c.Ledger.Local.Path) {
			return bad("local.path", "%q is the ledger's repository; the identity mapping needs a repository of its own", id.Local.Path)
		}
	case "forgejo":
		if err := checkURL(id.Forgejo.URL); err != nil {
			return bad("forgejo.url", "%v", err)
		}
		if id.Forgejo.Token == "" {
			return bad("forgejo.token", "required for the forgejo backend (or %s); use a token of its own, not the ledger's", EnvIdentityToken)
		}
		if id.Forgejo.Timeout < time.Second {
			return bad("forgejo.timeout", "%s is too short; use at least 1s", id.Forgejo.Timeout)
		}
		if c.Ledger.Backend == "forgejo" && sameRepo(id.Forgejo, c.Ledger.Forgejo) {
			return bad("forgejo.repo", "%s/%s is the ledger's repository; the identity mapping needs a private repository of its own", id.Forgejo.Owner, id.Forgejo.Repo)
		}
		if strings.EqualFold(id.Forgejo.Repo, "1_general_forum") {
			return bad("forgejo.repo", "%s/%s is the public site's repository; the identity mapping needs a private repository of its own", id.Forgejo.Owner, id.Forgejo.Repo)
		}
		if c.Ledger.Backend == "forgejo" && id.Forgejo.Token == c.Ledger.Forgejo.Token {
			return bad("forgejo.token", "the ledger's token; the identity repository needs a token of its own, so that what can write the ledger cannot read real names")
		}
	default:
		return bad("backend", "%q is not a backend; use forgejo, local, or leave it empty for none", id.Backend)
	}
	if strings.ContainsAny(id.Branch, " ~^:?*[\\") {
		return bad("branch", "%q is not a branch name", id.Branch)
	}
	return nil
}

// sameRepo reports whether two forge settings name one repository. Forges
// compare owner and repository names without regard to case.
func sameRepo(a, b Forgejo) bool {
	host := func(u string) string { return strings.TrimRight(strings.ToLower(u), "/") }
	return host(a.URL) == host(b.URL) && strings.EqualFold(a.Owner, b.Owner) && strings.EqualFold(a.Repo, b.Repo)
}
