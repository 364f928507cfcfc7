package servers

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"code.gitea.io/sdk/gitea"
)

// GiteaUser is an ordinary (non-admin) user of a test forge.
type GiteaUser struct {
	Name     string
	Password string
	Token    string // an access token with every scope
}

// CreateUser adds a non-admin user with an access token. Tests use it to
// act as a bot account that has only the rights a repository grants it,
// which is how the forge is used in production.
func (g *Gitea) CreateUser(ctx context.Context, username string) (*GiteaUser, error) {
	api, err := g.API(ctx)
	if err != nil {
		return nil, err
	}
	password, err := randomHex(12)
	if err != nil {
		return nil, err
	}
	mustChange := false
	if _, _, err := api.AdminCreateUser(gitea.CreateUserOption{
		Username:           username,
		Email:              username + "@example.invalid",
		Password:           password,
		MustChangePassword: &mustChange,
	}); err != nil {
		return nil, fmt.Errorf("servers: create user %s: %w", username, err)
	}
	// A user's tokens are created with the user's own password.
	self, err := gitea.NewClient(g.URL,
		gitea.SetGiteaVersion(""),
		gitea.SetBasicAuth(username, password),
		gitea.SetContext(ctx),
		gitea.SetHTTPClient(&http.Client{Timeout: 30 * time.Second}),
	)
	if err != nil {
		return nil, fmt.Errorf("servers: gitea client for %s: %w", username, err)
	}
	tok, _, err := self.CreateAccessToken(gitea.CreateAccessTokenOption{
		Name:   "engelbot-test",
		Scopes: []gitea.AccessTokenScope{gitea.AccessTokenScopeAll},
	})
	if err != nil {
		return nil, fmt.Errorf("servers: token for %s: %w", username, err)
	}
	return &GiteaUser{Name: username, Password: password, Token: tok.Token}, nil
}

// AddCollaborator gives user access to owner/repo: "read", "write" or "admin".
func (g *Gitea) AddCollaborator(ctx context.Context, owner, repo, user, permission string) error {
	api, err := g.API(ctx)
	if err != nil {
		return err
	}
	mode := gitea.AccessMode(permission)
	if _, err := api.AddCollaborator(owner, repo, user, gitea.AddCollaboratorOption{Permission: &mode}); err != nil {
		return fmt.Errorf("servers: make %s a %s collaborator of %s/%s: %w", user, permission, owner, repo, err)
	}
	return nil
}
