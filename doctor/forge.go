package doctor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"smartup0.org/engelbot/config"
)

// repository is what the forge says about a repository, as seen with one
// token.
type repository struct {
	ID          int64  `json:"id"`
	FullName    string `json:"full_name"`
	Private     bool   `json:"private"`
	Empty       bool   `json:"empty"`
	Permissions *struct {
		Push bool `json:"push"`
		Pull bool `json:"pull"`
	} `json:"permissions"`
}

// forgeCall is one request to a forge's /api/v1 with a token ("" for
// none). The answer's message, when the forge gave one, is in msg.
type forgeCall struct {
	status int
	body   []byte
	msg    string
	date   dated
}

func (r *run) forgeGet(ctx context.Context, f config.Forgejo, token, path string) (forgeCall, error) {
	auth := ""
	if token != "" {
		auth = "token " + token
	}
	status, body, d, err := r.get(ctx, strings.TrimRight(f.URL, "/")+"/api/v1"+path, auth)
	if err != nil {
		return forgeCall{}, err
	}
	return forgeCall{status: status, body: body, msg: forgeMessage(body), date: d}, nil
}

// forgeMessage is the "message" of a forge's error answer, or the start
// of the body.
func forgeMessage(body []byte) string {
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) == nil && e.Message != "" {
		return e.Message
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// repoPath is the API path of the repository a setting names.
func repoPath(f config.Forgejo) string {
	return "/repos/" + url.PathEscape(f.Owner) + "/" + url.PathEscape(f.Repo)
}

// forge checks that the forge answers, and keeps its clock. The ledger's
// forge is asked; with a local ledger, the identity repository's.
func (r *run) forge(ctx context.Context) {
	const check = "forge"
	var f config.Forgejo
	var setting string
	switch {
	case r.cfg.Ledger.Backend == "forgejo":
		f, setting = r.cfg.Ledger.Forgejo, "ledger.forgejo.url"
	case r.cfg.Identity.Backend == "forgejo":
		f, setting = r.cfg.Identity.Forgejo, "identity.forgejo.url"
	default:
		r.ok(check, "not used: the ledger is a local repository (ledger.backend: local)")
		return
	}
	r.forgeAsked = f
	c, err := r.forgeGet(ctx, f, "", "/version")
	if err != nil {
		r.fail(check, "no answer from %s (%v): check %s and that the forge is running and reachable from here", f.URL, err, setting)
		return
	}
	var v struct {
		Version string `json:"version"`
	}
	if c.status != http.StatusOK || json.Unmarshal(c.body, &v) != nil || v.Version == "" {
		r.fail(check, "%s answers /api/v1/version with HTTP %d, not a Forgejo or Gitea version: %s must be the forge's base URL", f.URL, c.status, setting)
		return
	}
	r.forgeOK, r.forgeDate = true, c.date
	r.ok(check, "%s answers (version %s)", f.URL, v.Version)
}

// repo checks the repository a ledger setting (the ledger's or the
// identity mapping's; prefix names it) points at, as its own token sees
// it: that it exists, that the branch exists (or the repository is empty,
// which a first start fills), and that the token may write the branch.
// It returns the repository when the forge described it.
func (r *run) repo(ctx context.Context, prefix string, l config.Ledger, envToken string) (*repository, bool) {
	f := l.Forgejo
	name := f.Owner + "/" + f.Repo
	repoCheck, branchCheck, tokenCheck := prefix+" repository", prefix+" branch", prefix+" token"
	if !r.forgeOK && sameForge(f, r.forgeAsked) {
		r.skip(repoCheck, "needs the forge (see forge above)")
		r.skip(branchCheck, "needs the repository")
		r.skip(tokenCheck, "needs the repository")
		return nil, false
	}
	c, err := r.forgeGet(ctx, f, f.Token, repoPath(f))
	if err != nil {
		r.fail(repoCheck, "no answer from %s (%v): check %s.forgejo.url", f.URL, err, prefix)
		r.skip(branchCheck, "needs the repository")
		r.skip(tokenCheck, "needs the repository")
		return nil, false
	}
	var repo repository
	switch {
	case c.status == http.StatusUnauthorized:
		r.fail(repoCheck, "the forge rejects %s.forgejo.token (HTTP 401: %s): create a new access token for the bot's forge user and set %s.forgejo.token (or %s)",
			prefix, c.msg, prefix, envToken)
	case c.status == http.StatusForbidden:
		r.fail(repoCheck, "the forge refuses %s.forgejo.token access to %s (HTTP 403: %s): give the token the repository scope (read and write)", prefix, name, c.msg)
	case c.status == http.StatusNotFound:
		r.fail(repoCheck, "there is no repository %s on %s that the token's user can see: create it (an empty one will do), give the token's user access, or correct %s.forgejo.owner and %s.forgejo.repo",
			name, f.URL, prefix, prefix)
	case c.status != http.StatusOK || json.Unmarshal(c.body, &repo) != nil:
		r.fail(repoCheck, "the forge answers %s with HTTP %d: %s", name, c.status, c.msg)
	default:
		visibility := "public"
		if repo.Private {
			visibility = "private"
		}
		r.ok(repoCheck, "%s exists on %s (%s)", name, f.URL, visibility)
		branch := r.branch(ctx, prefix, l, &repo)
		r.writable(ctx, prefix, l, &repo, branch)
		return &repo, branch
	}
	r.skip(branchCheck, "needs the repository")
	r.skip(tokenCheck, "needs the repository")
	return nil, false
}

// branch checks the branch the setting names. An empty repository has
// none yet: the first start writes it.
func (r *run) branch(ctx context.Context, prefix string, l config.Ledger, repo *repository) bool {
	check := prefix + " branch"
	f := l.Forgejo
	name := f.Owner + "/" + f.Repo
	if repo.Empty {
		r.ok(check, "%s is empty: the first start writes branch %s", name, l.Branch)
		return false
	}
	c, err := r.forgeGet(ctx, f, f.Token, repoPath(f)+"/branches/"+url.PathEscape(l.Branch))
	switch {
	case err != nil:
		r.fail(check, "no answer from %s (%v)", f.URL, err)
	case c.status == http.StatusNotFound:
		r.fail(check, "%s has no branch %q (it has: %s): set %s.branch to the branch the books are on",
			name, l.Branch, r.branches(ctx, f), prefix)
	case c.status != http.StatusOK:
		r.fail(check, "the forge answers branch %s of %s with HTTP %d: %s", l.Branch, name, c.status, c.msg)
	default:
		r.ok(check, "%s has branch %s", name, l.Branch)
		return true
	}
	return false
}

// branches lists a repository's branches for a message.
func (r *run) branches(ctx context.Context, f config.Forgejo) string {
	c, err := r.forgeGet(ctx, f, f.Token, repoPath(f)+"/branches?limit=20")
	var list []struct {
		Name string `json:"name"`
	}
	if err != nil || c.status != http.StatusOK || json.Unmarshal(c.body, &list) != nil {
		return "could not list them"
	}
	names := make([]string, len(list))
	for i, b := range list {
		names[i] = b.Name
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// writable checks that the token may write the branch: first the
// repository permission the forge reports for the token's user, then —
// since a token can be scoped to less than its user may do, and a branch
// can be protected — a commit the forge must refuse either way: the delete
// of a file that does not exist. The forge checks the token's scope and
// the branch's protection before it looks for the file, so a 403 says
// "may not write" and a 404 or 422 says "may write"; nothing is committed.
func (r *run) writable(ctx context.Context, prefix string, l config.Ledger, repo *repository, branchExists bool) {
	check := prefix + " token"
	f := l.Forgejo
	name := f.Owner + "/" + f.Repo
	user := r.tokenUser(ctx, f)
	if repo.Permissions == nil || !repo.Permissions.Push {
		r.fail(check, "%s.forgejo.token%s may read %s but not write it: give that user write access to the repository (a collaborator with write, or a team with write), or use a token of a user who has it",
			prefix, user, name)
		return
	}
	if !branchExists {
		r.ok(check, "%s.forgejo.token%s may write %s", prefix, user, name)
		return
	}
	status, msg, err := r.probeWrite(ctx, l)
	switch {
	case err != nil:
		r.fail(check, "checking that %s.forgejo.token may write branch %s: no answer (%v)", prefix, l.Branch, err)
	case status == http.StatusForbidden || status == http.StatusUnauthorized:
		r.fail(check, "%s.forgejo.token%s may not write branch %s of %s (HTTP %d: %s): give the token the write:repository scope, and the user push rights on the branch if it is protected",
			prefix, user, l.Branch, name, status, msg)
	case status == http.StatusNotFound || status == http.StatusUnprocessableEntity:
		r.ok(check, "%s.forgejo.token%s may write branch %s of %s", prefix, user, l.Branch, name)
	default:
		r.warn(check, "%s.forgejo.token%s may write %s, but a check of branch %s got HTTP %d (%s)", prefix, user, name, l.Branch, status, msg)
	}
}

// probeWrite asks the forge to delete a file that does not exist, with a
// blob SHA no file has: a commit that cannot happen.
func (r *run) probeWrite(ctx context.Context, l config.Ledger) (int, string, error) {
	f := l.Forgejo
	body, err := json.Marshal(map[string]any{
		"branch":  l.Branch,
		"message": "engelbot doctor: a write check that must not apply",
		"files": []map[string]string{{
			"operation": "delete",
			"path":      ".engelbot-doctor/never-exists",
			"sha":       strings.Repeat("0", 40),
		}},
	})
	if err != nil {
		return 0, "", err
	}
	ctx, cancel := r.timeout(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(f.URL, "/")+"/api/v1"+repoPath(f)+"/contents", bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "token "+f.Token)
	resp, err := r.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, forgeMessage(answer), nil
}

// tokenUser is " (user NAME)" for the token's forge user, or "" when the
// token may not ask (a token scoped to repositories only).
func (r *run) tokenUser(ctx context.Context, f config.Forgejo) string {
	c, err := r.forgeGet(ctx, f, f.Token, "/user")
	var u struct {
		Login string `json:"login"`
	}
	if err != nil || c.status != http.StatusOK || json.Unmarshal(c.body, &u) != nil || u.Login == "" {
		return ""
	}
	return fmt.Sprintf(" (user %s)", u.Login)
}
