package config

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Public is the public site's repository (SmartupOS's 1_general_forum),
// where publishing commits the ledger's public pages: the same shape as
// Ledger, with its own token, and what publish does there.
type Public struct {
	// Ledger holds backend, branch, local and forgejo, as for the ledger.
	// An empty backend means there is no site repository: `engelbot
	// publish -out DIR` still writes to a folder.
	Ledger `yaml:",inline"`
	// Folder is the folder inside the site's docs_dir that publishing owns
	// (default "ledger", i.e. docs/ledger/).
	Folder string `yaml:"folder"`
	// NavTitle is the title of the one nav entry publishing keeps in
	// mkdocs.yml (default: the section's own, "Ledger").
	NavTitle string `yaml:"nav_title"`
	// Interval is how often the bot publishes by itself; it also publishes
	// right after a scheduled job awarded SC or decayed SK.
	Interval Every `yaml:"interval"`
}

// Every is a schedule's interval: a duration, 1h when not set, and off
// when set to 0 or left empty ("interval:" or "interval: \"\"").
type Every struct {
	D   time.Duration
	set bool
}

// UnmarshalYAML reads a duration such as 1h or 30m, 0, or nothing.
func (e *Every) UnmarshalYAML(n *yaml.Node) error {
	e.set = true
	if n.Tag == "!!null" || n.Value == "" || n.Value == "0" {
		e.D = 0
		return nil
	}
	d, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration like 1h or 30m (0 turns it off)", n.Line, n.Value)
	}
	e.D = d
	return nil
}

// markSet records that the file names an interval, even an empty one:
// the decoder leaves an empty value alone, and an empty interval turns
// the schedule off rather than falling back to the default.
func (e *Every) markSet(data []byte) {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return
	}
	if public := mappingValue(doc.Content[0], "public"); public != nil && mappingValue(public, "interval") != nil {
		e.set = true
	}
}

// mappingValue is the value of key in a YAML mapping node, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// MarshalYAML writes the interval as a duration such as 1h0m0s.
func (e Every) MarshalYAML() (any, error) { return e.D.String(), nil }

// Off says whether the schedule is turned off.
func (e Every) Off() bool { return e.D <= 0 }

// EnvPublicToken is the public site repository's own token: never the
// ledger's or the identity repository's, so that what can write the
// public site can read no private books.
const EnvPublicToken = "ENGELBOT_PUBLIC_TOKEN"

// DefaultPublicFolder is the folder of the site's docs_dir publishing owns
// when the configuration does not name one.
const DefaultPublicFolder = "ledger"

// defaultPublicInterval is how often the bot publishes when the
// configuration does not say.
const defaultPublicInterval = time.Hour

// Configured says whether there is a site repository to publish to.
func (p Public) Configured() bool { return p.Backend != "" }

func (c *Config) publicDefaults() {
	p := &c.Public
	if p.Folder == "" {
		p.Folder = DefaultPublicFolder
	}
	if !p.Interval.set {
		p.Interval.D = defaultPublicInterval
	}
	if p.Backend == "" {
		return
	}
	p.repoDefaults(c.Ledger, "site.git", "1_general_forum")
	if p.Forgejo.URL == "" {
		p.Forgejo.URL = c.Ledger.Forgejo.URL
	}
}

// validatePublic checks the site repository's settings: a repository of
// its own, reached with a token of its own.
func (c *Config) validatePublic() error {
	p := c.Public
	bad := func(setting, format string, args ...any) error {
		return fmt.Errorf("setting public.%s: %s", setting, fmt.Sprintf(format, args...))
	}
	// An empty folder is the default one (a configuration made in code
	// has no defaults applied).
	folder := path.Clean(strings.TrimSuffix(p.Folder, "/"))
	if p.Folder != "" && folder == "." || path.IsAbs(folder) || folder == ".." || strings.HasPrefix(folder, "../") || strings.Contains(p.Folder, "\\") {
		return bad("folder", "%q is not a folder inside the site's docs folder, like ledger", p.Folder)
	}
	if strings.ContainsAny(p.NavTitle, "\n\r") {
		return bad("nav_title", "must be one line")
	}
	if p.Interval.D < 0 || (p.Interval.D > 0 && p.Interval.D < time.Minute) {
		return bad("interval", "%s: use at least 1m, or 0 to turn scheduled publishing off", p.Interval.D)
	}
	switch p.Backend {
	case "":
		return nil
	case "local":
		if p.Local.Path == "" {
			return bad("local.path", "required for the local backend")
		}
		for _, other := range []Ledger{c.Ledger, c.Identity} {
			if other.Backend == "local" && filepath.Clean(other.Local.Path) == filepath.Clean(p.Local.Path) {
				return bad("local.path", "%q is the ledger's or the identity mapping's repository; the public site needs a repository of its own", p.Local.Path)
			}
		}
	case "forgejo":
		if err := checkURL(p.Forgejo.URL); err != nil {
			return bad("forgejo.url", "%v", err)
		}
		if p.Forgejo.Token == "" {
			return bad("forgejo.token", "required for the forgejo backend (or %s); use a token of its own, not the ledger's", EnvPublicToken)
		}
		if p.Forgejo.Timeout < time.Second {
			return bad("forgejo.timeout", "%s is too short; use at least 1s", p.Forgejo.Timeout)
		}
		for _, other := range []Ledger{c.Ledger, c.Identity} {
			if other.Backend != "forgejo" {
				continue
			}
			if sameRepo(p.Forgejo, other.Forgejo) {
				return bad("forgejo.repo", "%s/%s is the ledger's or the identity mapping's repository; the public site needs a repository of its own", p.Forgejo.Owner, p.Forgejo.Repo)
			}
			if p.Forgejo.Token == other.Forgejo.Token {
				return bad("forgejo.token", "the ledger's or the identity repository's token; the public site needs a token of its own, so that what writes the public pages cannot read the private books")
			}
		}
	default:
		return bad("backend", "%q is not a backend; use forgejo, local, or leave it empty for none", p.Backend)
	}
	if strings.ContainsAny(p.Branch, " ~^:?*[\\") {
		return bad("branch", "%q is not a branch name", p.Branch)
	}
	return nil
}
