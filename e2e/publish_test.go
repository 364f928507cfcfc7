package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/demo"
	"smartup0.org/engelbot/forgejo"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/publish"
	"smartup0.org/engelbot/servers"
	"smartup0.org/engelbot/storage"
)

const siteRepo = "1_general_forum"

// siteConf is the forum's own mkdocs.yml, as people write it: comments,
// a Python tag an extension needs, a nav of their pages.
const siteConf = `# The community's public site.
site_name: SmartupOS forum   # shown in the header
theme:
  name: material

markdown_extensions:
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format

nav:
  - Home: index.md   # the landing page
  # Governance comes second.
  - Governance: governance.md
`

// The public layer on real servers: a community's ledger with activity is
// published to a site repository that already has a hand-written site;
// publishing again without a change writes nothing; a change is one commit
// in the section's folder and the nav entry; MkDocs builds the repository
// as it then is, strictly. Through !publish in a direct chat, and through
// the built binary's `engelbot publish`, to the repository and to a folder.
func TestPublishToTheSiteRepository(t *testing.T) {
	if _, err := exec.LookPath("mkdocs"); err != nil {
		t.Fatal("mkdocs is not installed: run scripts/install-servers.sh mkdocs")
	}
	var site *forgejo.Client
	e := newEnvWith(t, envOptions{configure: func(forge *servers.Gitea, cfg *config.Config) {
		site = handWrittenSite(t, forge, cfg)
	}})
	alice := e.login("alice")
	dm := e.directChat(alice)

	before := siteHistory(t, site)
	_, reply := e.askIn(alice, dm, "!publish")
	if !strings.Contains(reply.Body, "Published.") {
		t.Fatalf("!publish answered %q", reply.Body)
	}
	after := siteHistory(t, site)
	if len(after) != len(before)+1 {
		t.Fatalf("!publish made %d commits, want 1", len(after)-len(before))
	}
	checkOnlySection(t, after[0])
	conf := readSite(t, site, "mkdocs.yml")
	if !strings.HasPrefix(conf, siteConf) || !strings.Contains(conf, "ledger/index.md") {
		t.Errorf("mkdocs.yml after publishing lost hand-written bytes or has no ledger entry:\n%s", conf)
	}
	if readSite(t, site, "docs/index.md") != "# Home\n" {
		t.Error("the hand-written home page was changed")
	}
	// The treasury the founders deposited with !deposit is on the site.
	if overview, want := readSite(t, site, "docs/ledger/index.md"), "| Treasury | €"+demo.SeedTreasury+".00 |"; !strings.Contains(overview, want) {
		t.Errorf("the published overview has no %q:\n%s", want, overview)
	}
	mkdocsBuild(t, checkout(t, site))

	// Nothing changed: nothing written.
	if _, reply := e.askIn(alice, dm, "!publish"); !strings.Contains(reply.Body, "Nothing public changed") {
		t.Errorf("the second !publish answered %q", reply.Body)
	}
	if n := len(siteHistory(t, site)); n != len(after) {
		t.Errorf("the second !publish made %d commits, want none", n-len(after))
	}

	// A new task is one commit in the section, by the built binary.
	bob := e.login("bob")
	if _, r := e.ask(bob, demo.RoomTeam, "!create_task S Paint the fence"); !strings.Contains(r.Body, "created") {
		t.Fatalf("!create_task answered %q", r.Body)
	}
	path := writeConfig(t, e)
	out := publishCmd(t, "-config", path)
	if !strings.Contains(out, "Published ") || strings.Contains(out, e.cfg.Public.Forgejo.Token) || strings.Contains(out, e.cfg.Ledger.Forgejo.Token) {
		t.Errorf("engelbot publish printed:\n%s", out)
	}
	third := siteHistory(t, site)
	if len(third) != len(after)+1 {
		t.Fatalf("a publish after a new task made %d commits, want 1", len(third)-len(after))
	}
	checkOnlySection(t, third[0])
	mkdocsBuild(t, checkout(t, site))
	if out := publishCmd(t, "-config", path); !strings.Contains(out, "Nothing public changed") {
		t.Errorf("engelbot publish with nothing changed printed:\n%s", out)
	}

	// To a folder: a whole site, which MkDocs builds.
	dir := filepath.Join(t.TempDir(), "site")
	if out := publishCmd(t, "-config", path, "-out", dir); !strings.Contains(out, "create mkdocs.yml") {
		t.Errorf("engelbot publish -out printed:\n%s", out)
	}
	mkdocsBuild(t, dir)
	if n := len(siteHistory(t, site)); n != len(third) {
		t.Errorf("publishing to a folder committed to the site repository")
	}
}

// handWrittenSite makes the site repository with a hand-written site, a
// forge user that may write it and nothing else, and the configuration's
// public settings for it (with the schedule off: the test publishes).
func handWrittenSite(t *testing.T, forge *servers.Gitea, cfg *config.Config) *forgejo.Client {
	t.Helper()
	ctx := t.Context()
	if err := forge.CreateRepo(ctx, org, siteRepo, false); err != nil {
		t.Fatal(err)
	}
	writer, err := forge.CreateUser(ctx, "site-writer")
	if err != nil {
		t.Fatal(err)
	}
	if err := forge.AddCollaborator(ctx, org, siteRepo, writer.Name, "write"); err != nil {
		t.Fatal(err)
	}
	cfg.Public = config.Public{
		Ledger: config.Ledger{Backend: "forgejo", Branch: branch, Forgejo: config.Forgejo{
			URL: forge.URL, Owner: org, Repo: siteRepo, Token: writer.Token, Timeout: 30 * time.Second,
		}},
		Folder: "ledger",
	}
	site, err := storage.Forge(cfg.Public.Ledger)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := site.Commit(ctx, ledger.Commit{Message: "The forum's site", Author: ledger.Signature{Name: "Person", Email: "p@example.invalid"},
		Changes: []ledger.Change{
			{Op: ledger.OpCreate, Path: "mkdocs.yml", Content: []byte(siteConf)},
			{Op: ledger.OpCreate, Path: "docs/index.md", Content: []byte("# Home\n")},
			{Op: ledger.OpCreate, Path: "docs/governance.md", Content: []byte("# Governance\n")},
		}}); err != nil {
		t.Fatal(err)
	}
	return site
}

// siteHistory is the site repository's commits, newest first.
func siteHistory(t *testing.T, site *forgejo.Client) []ledger.CommitInfo {
	t.Helper()
	var all []ledger.CommitInfo
	if err := site.History(t.Context(), func(c ledger.CommitInfo) bool { all = append(all, c); return true }); err != nil {
		t.Fatal(err)
	}
	return all
}

// checkOnlySection fails unless a commit changed files in the section's
// folder, and else at most mkdocs.yml.
func checkOnlySection(t *testing.T, c ledger.CommitInfo) {
	t.Helper()
	if !hasPrefix(c.Files, "docs/ledger/") {
		t.Errorf("the publish commit changed no file in docs/ledger/: %v", c.Files)
	}
	for _, f := range c.Files {
		if !strings.HasPrefix(f, "docs/ledger/") && f != "mkdocs.yml" {
			t.Errorf("the publish commit changed %s, outside its folder", f)
		}
	}
}

func readSite(t *testing.T, site *forgejo.Client, path string) string {
	t.Helper()
	f, err := site.ReadFile(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	return string(f.Content)
}

// checkout copies every file of the site repository's branch into a
// folder, as a clone's working tree would have them.
func checkout(t *testing.T, site *forgejo.Client) string {
	t.Helper()
	tree, err := site.Tree(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	paths := make([]string, 0, len(tree.Files))
	for p := range tree.Files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		f, err := site.ReadFile(t.Context(), p)
		if err != nil {
			t.Fatal(err)
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, f.Content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// mkdocsBuild builds the site in dir strictly: any warning (a nav entry
// without its page, a broken link) fails it.
func mkdocsBuild(t *testing.T, dir string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "mkdocs", "build", "--strict", "--site-dir", filepath.Join(t.TempDir(), "built"))
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("mkdocs build --strict in %s failed: %v\n%s", dir, err, out)
	}
}

// writeConfig saves the community's configuration for the binary.
func writeConfig(t *testing.T, e *env) string {
	t.Helper()
	data, err := yaml.Marshal(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(e.dir, "publish.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// publishCmd runs the built binary's `engelbot publish` and returns what
// it printed; a non-zero exit fails the test.
func publishCmd(t *testing.T, args ...string) string {
	t.Helper()
	out, code := runEngelbot(t, nil, append([]string{"publish"}, args...)...)
	if code != 0 {
		t.Fatalf("engelbot publish %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// A site repository created without any commit gets the section and a
// minimal mkdocs.yml as its first commit, which MkDocs builds.
func TestPublishToAnEmptySiteRepository(t *testing.T) {
	if _, err := exec.LookPath("mkdocs"); err != nil {
		t.Fatal("mkdocs is not installed: run scripts/install-servers.sh mkdocs")
	}
	forge := servers.GiteaForTest(t)
	if err := forge.CreateEmptyRepo(t.Context(), org, siteRepo, false); err != nil {
		t.Fatal(err)
	}
	site, err := storage.Forge(config.Ledger{Backend: "forgejo", Branch: branch, Forgejo: config.Forgejo{
		URL: forge.URL, Owner: org, Repo: siteRepo, Token: forge.Token, Timeout: 30 * time.Second,
	}})
	if err != nil {
		t.Fatal(err)
	}
	section := publish.Site{
		Files:   map[string][]byte{"index.md": []byte("# Ledger\n")},
		Nav:     publish.NavItem{Title: "Ledger", Children: []publish.NavItem{{Title: "Overview", Path: "index.md"}}},
		Summary: "ledger at test",
	}
	res, err := publish.Apply(t.Context(), site, section, publish.Target{Folder: "ledger"})
	if err != nil || res.Commit == "" {
		t.Fatalf("publishing to an empty repository: %+v, %v", res, err)
	}
	history := siteHistory(t, site)
	if len(history) != 1 {
		t.Fatalf("the empty repository has %d commits, want the publish's one", len(history))
	}
	slices.Sort(history[0].Files)
	if want := []string{"docs/ledger/" + publish.MarkerFile, "docs/ledger/index.md", "mkdocs.yml"}; !slices.Equal(history[0].Files, want) {
		t.Errorf("the first commit holds %v, want %v", history[0].Files, want)
	}
	mkdocsBuild(t, checkout(t, site))
	if res, err := publish.Apply(t.Context(), site, section, publish.Target{Folder: "ledger"}); err != nil || res.Changed() {
		t.Errorf("publishing again: %+v, %v; want nothing written", res, err)
	}
}
