package servers

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"code.gitea.io/sdk/gitea"
)

// Gitea is a running Gitea forge on 127.0.0.1 with one admin user.
type Gitea struct {
	URL           string // base URL, http://127.0.0.1:port
	Dir           string // work path: app.ini, database, repositories, gitea.log
	AdminUser     string
	AdminPassword string
	Token         string // the admin's access token, with every scope

	proc *process
}

// StartGitea sets up a forge in dir, which must be new or empty —
// configuration, database, an admin user with an access token — and starts
// it on a free port, returning once its API answers. Its output goes to
// dir/gitea.log and, if logw is not nil, to logw. Unlike a production forge
// it lists recursive trees in pages of 100 entries, not 1,000, so that a
// client's paging is exercised by any test with a few hundred files.
func StartGitea(ctx context.Context, dir string, logw io.Writer) (*Gitea, error) {
	bin, err := binary("gitea")
	if err != nil {
		return nil, err
	}
	static := giteaStaticRoot()
	if err := requireDir(filepath.Join(static, "templates")); err != nil {
		return nil, err
	}
	if dir, err = freshDir(dir); err != nil {
		return nil, err
	}
	confDir := filepath.Join(dir, "custom", "conf")
	for _, d := range []string{confDir, filepath.Join(dir, "data"), filepath.Join(dir, "log")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("servers: gitea folder: %w", err)
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cfg := giteaConfig{Dir: dir, StaticRoot: static, Port: port}
	for _, s := range []*string{&cfg.SecretKey, &cfg.InternalToken} {
		if *s, err = randomHex(32); err != nil {
			return nil, err
		}
	}
	ini, err := cfg.render()
	if err != nil {
		return nil, err
	}
	confPath := filepath.Join(confDir, "app.ini")
	if err := os.WriteFile(confPath, ini, 0o600); err != nil {
		return nil, fmt.Errorf("servers: write app.ini: %w", err)
	}

	logPath := filepath.Join(dir, "gitea.log")
	env := giteaEnv(dir)
	global := []string{"--config", confPath, "--work-path", dir, "--custom-path", filepath.Join(dir, "custom")}
	if _, err := runTool(ctx, bin, append([]string{"migrate"}, global...), dir, env, logPath); err != nil {
		return nil, err
	}
	password, err := randomHex(12)
	if err != nil {
		return nil, err
	}
	g := &Gitea{URL: "http://127.0.0.1:" + strconv.Itoa(port), Dir: dir, AdminUser: "engelbot-admin", AdminPassword: password}
	out, err := runTool(ctx, bin, append([]string{"admin", "user", "create",
		"--username", g.AdminUser, "--password", password, "--email", g.AdminUser + "@example.invalid",
		"--admin", "--must-change-password=false",
		"--access-token", "--access-token-name", "engelbot-test", "--access-token-scopes", "all"}, global...), dir, env, logPath)
	if err != nil {
		return nil, err
	}
	if g.Token, err = parseCreatedToken(out); err != nil {
		return nil, err
	}

	g.proc, err = startProcess("gitea", bin, append([]string{"web"}, global...), dir, env, logPath, logw)
	if err != nil {
		return nil, err
	}
	if err := g.proc.waitReady(ctx, g.URL+"/api/v1/version"); err != nil {
		_ = g.proc.stop()
		return nil, err
	}
	return g, nil
}

// giteaEnv is the environment without any GITEA_* variable of the caller's,
// which would otherwise override app.ini.
func giteaEnv(dir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GITEA_") {
			env = append(env, kv)
		}
	}
	return append(env, "GITEA_WORK_DIR="+dir, "GITEA_CUSTOM="+filepath.Join(dir, "custom"))
}

var createdToken = regexp.MustCompile(`Access token was successfully created\.\.\. ([0-9a-f]{40})`)

// parseCreatedToken finds the token that "gitea admin user create
// --access-token" prints.
func parseCreatedToken(out string) (string, error) {
	m := createdToken.FindStringSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("servers: gitea admin user create printed no access token:\n%s", redactOutput(out))
	}
	return m[1], nil
}

// CreateRepo creates the repository owner/repo with an initial commit on
// branch main, creating owner as an organisation first unless it exists
// (or is the admin user).
func (g *Gitea) CreateRepo(ctx context.Context, owner, repo string, private bool) error {
	return g.createRepo(ctx, owner, repo, gitea.CreateRepoOption{
		Name:          repo,
		Private:       private,
		AutoInit:      true, // so that branch main exists from the start
		Readme:        "Default",
		DefaultBranch: "main",
	})
}

// CreateEmptyRepo creates the repository owner/repo without any commit,
// as an operator does who leaves "initialize" unticked on the forge.
func (g *Gitea) CreateEmptyRepo(ctx context.Context, owner, repo string, private bool) error {
	return g.createRepo(ctx, owner, repo, gitea.CreateRepoOption{Name: repo, Private: private, DefaultBranch: "main"})
}

func (g *Gitea) createRepo(ctx context.Context, owner, repo string, opt gitea.CreateRepoOption) error {
	api, err := g.API(ctx)
	if err != nil {
		return err
	}
	if owner == g.AdminUser {
		if _, _, err := api.CreateRepo(opt); err != nil {
			return fmt.Errorf("servers: create repository %s/%s: %w", owner, repo, err)
		}
		return nil
	}
	if _, resp, err := api.GetOrg(owner); err != nil {
		if resp == nil || resp.StatusCode != http.StatusNotFound {
			return fmt.Errorf("servers: look up organisation %s: %w", owner, err)
		}
		if _, _, err := api.CreateOrg(gitea.CreateOrgOption{Name: owner, Visibility: gitea.VisibleTypePublic}); err != nil {
			return fmt.Errorf("servers: create organisation %s: %w", owner, err)
		}
	}
	if _, _, err := api.CreateOrgRepo(owner, opt); err != nil {
		return fmt.Errorf("servers: create repository %s/%s: %w", owner, repo, err)
	}
	return nil
}

// API returns a Gitea SDK client acting as the admin, bound to ctx.
func (g *Gitea) API(ctx context.Context) (*gitea.Client, error) {
	c, err := gitea.NewClient(g.URL,
		gitea.SetGiteaVersion(""), // skip the version request the SDK makes otherwise
		gitea.SetToken(g.Token),
		gitea.SetContext(ctx),
		gitea.SetHTTPClient(&http.Client{Timeout: 30 * time.Second}),
	)
	if err != nil {
		return nil, fmt.Errorf("servers: gitea client: %w", err)
	}
	return c, nil
}

// PID is the process ID of the running forge.
func (g *Gitea) PID() int { return g.proc.pid() }

// Stop ends the forge and every process it started, and waits for it. The
// data folder is left as it is.
func (g *Gitea) Stop() error { return g.proc.stop() }
