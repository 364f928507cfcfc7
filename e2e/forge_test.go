package e2e

// The forge as a community sets it up in production: the ledger written by
// a bot account that only its repository's collaborators list lets in, and
// the identity mapping in a private repository of its own, reached with a
// token of its own.

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"code.gitea.io/sdk/gitea"

	"smartup0.org/engelbot/app"
	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/servers"
)

// identityRepo is the name of the identity mapping's repository.
const identityRepo = "identity"

// ledgerAccount makes a forge user that may write the ledger repository
// and nothing else, and returns its token.
func ledgerAccount(t *testing.T, forge *servers.Gitea, name string) string {
	t.Helper()
	u, err := forge.CreateUser(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	if err := forge.AddCollaborator(t.Context(), org, repo, u.Name, "write"); err != nil {
		t.Fatal(err)
	}
	return u.Token
}

// identityLedger makes a forge user owning a private repository for the
// identity mapping and returns the configuration that reaches it.
func identityLedger(t *testing.T, forge *servers.Gitea, owner string) config.Ledger {
	t.Helper()
	u, err := forge.CreateUser(t.Context(), owner)
	if err != nil {
		t.Fatal(err)
	}
	api := userAPI(t, forge, u.Token)
	if _, _, err := api.CreateRepo(gitea.CreateRepoOption{
		Name: identityRepo, Private: true, AutoInit: true, Readme: "Default", DefaultBranch: branch,
	}); err != nil {
		t.Fatalf("creating %s/%s: %v", owner, identityRepo, err)
	}
	return config.Ledger{Backend: "forgejo", Branch: branch, Forgejo: config.Forgejo{
		URL: forge.URL, Owner: owner, Repo: identityRepo, Token: u.Token, Timeout: 30 * time.Second,
	}}
}

// userAPI is a forge client acting as the holder of token.
func userAPI(t *testing.T, forge *servers.Gitea, token string) *gitea.Client {
	t.Helper()
	api, err := gitea.NewClient(forge.URL, gitea.SetGiteaVersion(""), gitea.SetToken(token),
		gitea.SetContext(t.Context()), gitea.SetHTTPClient(&http.Client{Timeout: 30 * time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// cannotSee checks that a token gets nothing out of a repository: the
// forge answers as if it did not exist.
func cannotSee(t *testing.T, forge *servers.Gitea, token, owner, name string) {
	t.Helper()
	_, resp, err := userAPI(t, forge, token).GetRepo(owner, name)
	if err == nil || resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a token that should not see %s/%s got: %v (status %v)", owner, name, err, resp)
	}
}

// repoFiles reads every file at the head of a repository's branch,
// through the same store Engelbot would use for it.
func repoFiles(t *testing.T, where config.Ledger) map[string]string {
	t.Helper()
	store, err := app.OpenStore(&config.Config{Ledger: where})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	tree, err := store.Tree(ctx, "")
	if err != nil {
		t.Fatalf("listing %s/%s: %v", where.Forgejo.Owner, where.Forgejo.Repo, err)
	}
	files := make(map[string]string, len(tree.Files))
	for p := range tree.Files {
		f, err := store.ReadFile(ctx, p)
		if errors.Is(err, ledger.ErrNotFound) {
			continue // removed since the listing
		}
		if err != nil {
			t.Fatalf("reading %s from %s/%s: %v", p, where.Forgejo.Owner, where.Forgejo.Repo, err)
		}
		files[p] = string(f.Content)
	}
	return files
}
