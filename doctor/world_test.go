package doctor_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"code.gitea.io/sdk/gitea"
	"go.yaml.in/yaml/v3"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/forgejo"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/servers"
)

const (
	org         = "Smartup_Zero"
	ledgerRepo  = "2_workplace"
	botPassword = "bot-password-1234"
	botDevice   = "ENGELBOT"
)

// world is a community's servers as an operator finds them: a homeserver
// with the bot's account and two rooms (one the bot is in, one it is not),
// and a forge with the ledger, the identity repository, and the wrong
// things an operator may point at.
type world struct {
	d *servers.Dendrite
	g *servers.Gitea

	botID, aliceID string
	bot            *mautrix.Client // the running bot's own session, on device ENGELBOT
	teamAlias      string          // the bot is in this room
	forumAlias     string          // the bot is not
	botDevices     []string        // the bot account's devices before any doctor ran

	ledgerUser   *servers.GiteaUser // may write the ledger (and the tampered and empty ones)
	readerUser   *servers.GiteaUser // may only read the ledger
	identityUser *servers.GiteaUser // may write the identity repositories
	siteUser     *servers.GiteaUser // may write the public site's repository
	// scopedToken is the ledger user's token limited to reading
	// repositories: the user may write, the token may not.
	scopedToken string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := t.Context()
	w := &world{d: servers.DendriteForTest(t), g: servers.GiteaForTest(t)}
	w.homeserver(t, ctx)
	w.forge(t, ctx)
	return w
}

func (w *world) homeserver(t *testing.T, ctx context.Context) {
	t.Helper()
	var err error
	if w.botID, err = w.d.Register(ctx, "engelbot", botPassword, false); err != nil {
		t.Fatal(err)
	}
	if w.aliceID, err = w.d.Register(ctx, "alice", "alice-password", false); err != nil {
		t.Fatal(err)
	}
	alice := w.login(t, "alice", "alice-password", "ALICE")
	w.bot = w.login(t, "engelbot", botPassword, botDevice)
	team, err := alice.CreateRoom(ctx, &mautrix.ReqCreateRoom{
		Preset: "private_chat", RoomAliasName: "3_7_operational_team", Invite: []id.UserID{id.UserID(w.botID)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.bot.JoinRoomByID(ctx, team.RoomID); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.CreateRoom(ctx, &mautrix.ReqCreateRoom{Preset: "private_chat", RoomAliasName: "1_general_forum"}); err != nil {
		t.Fatal(err)
	}
	w.teamAlias = "#3_7_operational_team:" + w.d.ServerName
	w.forumAlias = "#1_general_forum:" + w.d.ServerName
	w.botDevices = w.devices(t)
	if !slices.Contains(w.botDevices, botDevice) {
		t.Fatalf("the bot's devices %v lack its own, %s", w.botDevices, botDevice)
	}
}

// devices lists the bot account's devices, sorted.
func (w *world) devices(t *testing.T) []string {
	t.Helper()
	resp, err := w.bot.GetDevicesInfo(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range resp.Devices {
		ids = append(ids, string(d.DeviceID))
	}
	slices.Sort(ids)
	return ids
}

// login logs a user in on a named device.
func (w *world) login(t *testing.T, user, password, device string) *mautrix.Client {
	t.Helper()
	c, err := mautrix.NewClient(w.d.URL, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(t.Context(), &mautrix.ReqLogin{
		Type:       mautrix.AuthTypePassword,
		Identifier: mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: user},
		Password:   password, DeviceID: id.DeviceID(device), StoreCredentials: true,
	}); err != nil {
		t.Fatalf("log in as %s: %v", user, err)
	}
	return c
}

func (w *world) forge(t *testing.T, ctx context.Context) {
	t.Helper()
	api, err := w.g.API(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		name    string
		private bool
	}{{ledgerRepo, true}, {"tampered", true}, {"unreadable", true}, {"identity", true}, {"identity-public", false}, {"1_general_forum", false}} {
		if err := w.g.CreateRepo(ctx, org, r.name, r.private); err != nil {
			t.Fatal(err)
		}
	}
	// A repository as an operator creates it for a first start: no commit.
	if _, _, err := api.CreateOrgRepo(org, gitea.CreateRepoOption{Name: "fresh", Private: true}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []**servers.GiteaUser{&w.ledgerUser, &w.readerUser, &w.identityUser, &w.siteUser} {
		name := map[**servers.GiteaUser]string{&w.ledgerUser: "ledgerbot", &w.readerUser: "reader", &w.identityUser: "identitybot", &w.siteUser: "sitebot"}[u]
		if *u, err = w.g.CreateUser(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ repo, user, permission string }{
		{ledgerRepo, "ledgerbot", "write"}, {"tampered", "ledgerbot", "write"}, {"unreadable", "ledgerbot", "write"}, {"fresh", "ledgerbot", "write"},
		{ledgerRepo, "reader", "read"},
		{"identity", "identitybot", "write"}, {"identity-public", "identitybot", "write"},
		{"1_general_forum", "sitebot", "write"},
	} {
		if err := w.g.AddCollaborator(ctx, org, c.repo, c.user, c.permission); err != nil {
			t.Fatal(err)
		}
	}
	self, err := gitea.NewClient(w.g.URL, gitea.SetGiteaVersion(""), gitea.SetContext(ctx),
		gitea.SetBasicAuth(w.ledgerUser.Name, w.ledgerUser.Password), gitea.SetHTTPClient(&http.Client{Timeout: 30 * time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := self.CreateAccessToken(gitea.CreateAccessTokenOption{
		Name: "read-only", Scopes: []gitea.AccessTokenScope{"read:repository", "read:user"},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.scopedToken = tok.Token

	for _, repo := range []string{ledgerRepo, "tampered", "unreadable"} {
		w.seed(t, repo)
	}
	// Hand edits: alice's license changed with no audit row behind it, and
	// the Book of Owners with its header gone.
	editOwners(t, api, "tampered", func(csv string) string {
		return strings.Replace(csv, ledger.LicenseOrganizational, ledger.LicenseWatch, 1)
	})
	editOwners(t, api, "unreadable", func(csv string) string {
		_, rows, _ := strings.Cut(csv, "\n")
		return rows
	})
}

// editOwners changes the Book of Owners by hand, as the forge's web editor
// would: a commit with no audit row.
func editOwners(t *testing.T, api *gitea.Client, repo string, edit func(string) string) {
	t.Helper()
	content, _, err := api.GetContents(org, repo, "main", ledger.ShardPath(ledger.OwnersIndex, 1))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(*content.Content)
	if err != nil {
		t.Fatal(err)
	}
	edited := edit(string(raw))
	if edited == string(raw) {
		t.Fatalf("the edit changes nothing in %s:\n%s", ledger.OwnersIndex, raw)
	}
	if _, _, err := api.UpdateFile(org, repo, ledger.ShardPath(ledger.OwnersIndex, 1), gitea.UpdateFileOptions{
		FileOptions: gitea.FileOptions{BranchName: "main", Message: "edit the Book of Owners by hand"},
		SHA:         content.SHA, Content: base64.StdEncoding.EncodeToString([]byte(edited)),
	}); err != nil {
		t.Fatal(err)
	}
}

// seed writes a one-owner community into a repository as the bot does:
// one audited commit, with the ledger user's token.
func (w *world) seed(t *testing.T, repo string) {
	t.Helper()
	store, err := forgejo.New(forgejo.Config{URL: w.g.URL, Owner: org, Repo: repo, Branch: "main", Token: w.ledgerUser.Token})
	if err != nil {
		t.Fatal(err)
	}
	w.seedStore(t, store, repo)
}

// seedStore writes the one-owner community into any ledger store.
func (w *world) seedStore(t *testing.T, store ledger.Store, repo string) {
	t.Helper()
	l, err := ledger.Open(t.Context(), store, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	res, err := l.Apply(t.Context(), ledger.Mutation{
		EventID: "seed:" + repo, Actor: "engelbot", Command: "seed",
		Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
			tx.PutOwner(ledger.Owner{Alias: "alice", MatrixID: w.aliceID, License: ledger.LicenseOrganizational, Status: ledger.StatusActive, Joined: tx.Now()})
			return ledger.Outcome{Action: "ledger.seed", Target: "alice", Reply: "seeded"}, nil
		},
	})
	if err != nil || res.Refused {
		t.Fatalf("seed %s: %v %+v", repo, err, res)
	}
}

// config is the configuration an operator who got everything right writes.
func (w *world) config(dir string) *config.Config {
	return &config.Config{
		Homeserver: config.Homeserver{URL: w.d.URL, ServerName: w.d.ServerName},
		Bot:        config.Bot{UserID: w.botID, Password: botPassword, DeviceID: botDevice},
		Database:   filepath.Join(dir, "engelbot.db"),
		Ledger: config.Ledger{Backend: "forgejo", Branch: "main", Forgejo: config.Forgejo{
			URL: w.g.URL, Owner: org, Repo: ledgerRepo, Token: w.ledgerUser.Token,
		}},
		Identity: config.Ledger{Backend: "forgejo", Branch: "main", Forgejo: config.Forgejo{
			URL: w.g.URL, Owner: org, Repo: "identity", Token: w.identityUser.Token,
		}},
		Public: config.Public{Ledger: config.Ledger{Backend: "forgejo", Branch: "main", Forgejo: config.Forgejo{
			URL: w.g.URL, Owner: org, Repo: "1_general_forum", Token: w.siteUser.Token,
		}}},
		Rooms:   map[string]config.Room{w.teamAlias: {Kind: "team", Team: "3_7_operational_team"}},
		Founder: w.aliceID,
	}
}

// write saves a configuration as a file, the way an operator would.
func write(t *testing.T, dir string, cfg *config.Config) string {
	t.Helper()
	data, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// secrets are every password and token of the world, none of which may
// ever appear in the doctor's output.
func (w *world) secrets() []string {
	return []string{botPassword, w.ledgerUser.Token, w.readerUser.Token, w.identityUser.Token, w.scopedToken,
		w.g.Token, w.bot.AccessToken, w.ledgerUser.Password, w.siteUser.Token}
}
