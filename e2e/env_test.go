package e2e

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"code.gitea.io/sdk/gitea"
	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/app"
	"smartup0.org/engelbot/chat"
	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/demo"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/servers"
)

const (
	org    = "Smartup_Zero"
	repo   = "2_workplace"
	branch = "main"
)

// env is one test's community: a homeserver with the demo people and rooms,
// a forge holding the seeded ledger, and Engelbot between them.
type env struct {
	t      testing.TB
	dir    string
	opts   envOptions
	world  *demo.World
	forge  *servers.Gitea
	api    *gitea.Client
	cfg    *config.Config
	clock  func() time.Time
	stopFn func()
	proc   *botProcess // the bot's process, when it runs as one
}

// on is the same community seen from a subtest, so that its failures stop
// the subtest that met them.
func (e *env) on(t *testing.T) *env {
	c := *e
	c.t = t
	return &c
}

func newEnv(t *testing.T, extraWorkers int) *env {
	t.Helper()
	return newEnvWith(t, envOptions{extraWorkers: extraWorkers})
}

// envOptions change the community a test starts with.
type envOptions struct {
	extraWorkers int
	// strangers have a Matrix account on the homeserver but are not in
	// the Book of Owners (yet).
	strangers []string
	// configure changes the bot's configuration before the ledger is
	// seeded; the forge is running by then.
	configure func(forge *servers.Gitea, cfg *config.Config)
	// clock is the bot's clock (ledger and scheduled jobs); nil is time.Now.
	clock func() time.Time
	// timelineLimit is how many of a room's newest events one of the
	// bot's syncs carries; 0 is the bot's default.
	timelineLimit int
	// process runs the bot as its own process, `engelbot run`, so that
	// the test can stop it with a signal; the clock and timeline limit
	// are then the production ones.
	process bool
	// federating starts the community's homeserver federating on
	// loopback, so that users of a second one can reach it; its server
	// name is then 127.0.0.1:<port>.
	federating bool
}

func newEnvWith(t testing.TB, opts envOptions) *env {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	forge := servers.GiteaForTest(t)
	if err := forge.CreateRepo(ctx, org, repo, true); err != nil {
		t.Fatal(err)
	}
	api, err := forge.API(ctx)
	if err != nil {
		t.Fatal(err)
	}
	people := demo.People(opts.extraWorkers)
	for _, name := range opts.strangers {
		people = append(people, demo.Person{Name: name}) // no license: the seed leaves them out
	}
	start := demo.Start
	if opts.federating {
		start = demo.StartFederating
	}
	world, err := start(ctx, dir, people, func(name string) string { return name + "-test-password" }, nil)
	if err != nil {
		if strings.Contains(err.Error(), "not installed") {
			t.Fatalf("Dendrite is not installed: run scripts/install-servers.sh (%v)", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := world.Stop(); err != nil {
			t.Errorf("stopping Dendrite: %v", err)
		}
	})
	cfg := world.Config(dir)
	cfg.Ledger = config.Ledger{Backend: "forgejo", Branch: branch, Forgejo: config.Forgejo{
		URL: forge.URL, Owner: org, Repo: repo, Token: forge.Token, Timeout: 30 * time.Second,
	}}
	if opts.configure != nil {
		opts.configure(forge, cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	found(t, cfg, world)
	e := &env{t: t, dir: dir, opts: opts, world: world, forge: forge, api: api, cfg: cfg, clock: opts.clock}
	if opts.process {
		e.startProcess()
	} else {
		e.startBot()
	}
	t.Cleanup(e.stopBot)
	return e
}

// startBot runs Engelbot as `engelbot run` would, and waits until it has
// joined the rooms.
func (e *env) startBot() {
	e.t.Helper()
	log := zerolog.New(zerolog.NewTestWriter(e.t)).Level(zerolog.WarnLevel)
	a, err := app.OpenWith(e.t.Context(), e.cfg, log, app.Options{Clock: e.clock, TimelineLimit: e.opts.timelineLimit})
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	e.stopFn = func() {
		cancel()
		if err := <-done; err != nil {
			e.t.Errorf("engelbot stopped with: %v", err)
		}
	}
	e.awaitBotJoined()
}

// awaitBotJoined waits until the bot is in the community's rooms.
func (e *env) awaitBotJoined() {
	e.t.Helper()
	c := e.login("alice")
	defer c.Close()
	wctx, wcancel := context.WithTimeout(e.t.Context(), time.Minute)
	defer wcancel()
	if err := e.world.AwaitBotJoined(wctx, c); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) stopBot() {
	if e.stopFn != nil {
		e.stopFn()
		e.stopFn = nil
	}
}

func (e *env) login(name string) *chat.Client {
	e.t.Helper()
	c, err := e.world.Login(e.t.Context(), name)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(c.Close)
	return c
}

func (e *env) room(key string) string { return e.world.Rooms[key] }

// ask sends a command and waits for Engelbot's answer.
func (e *env) ask(c *chat.Client, roomKey, text string) (string, chat.Reply) {
	e.t.Helper()
	return e.askIn(c, idOf(e.room(roomKey)), text)
}

// askIn is ask in any room, a direct chat for instance.
func (e *env) askIn(c *chat.Client, roomID id.RoomID, text string) (string, chat.Reply) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.t.Context(), 2*time.Minute)
	defer cancel()
	evt, err := c.Send(ctx, roomID, text)
	if err != nil {
		e.t.Fatal(err)
	}
	r, err := c.Await(ctx, evt)
	if err != nil {
		e.t.Fatalf("%s: %v", text, err)
	}
	return string(evt), r
}

// head is the ledger branch's commit on the forge.
func (e *env) head() string {
	e.t.Helper()
	b, _, err := e.api.GetRepoBranch(org, repo, branch)
	if err != nil {
		e.t.Fatal(err)
	}
	return b.Commit.ID
}

// commitsSince lists the commits on the branch after base, newest first.
func (e *env) commitsSince(base string) []*gitea.Commit {
	e.t.Helper()
	var out []*gitea.Commit
	for page := 1; ; page++ {
		cs, _, err := e.api.ListRepoCommits(org, repo, gitea.ListCommitOptions{SHA: branch, ListOptions: gitea.ListOptions{Page: page, PageSize: 50}})
		if err != nil {
			e.t.Fatal(err)
		}
		for _, c := range cs {
			if c.SHA == base {
				return out
			}
			out = append(out, c)
		}
		if len(cs) == 0 {
			e.t.Fatalf("commit %s is not on %s", base, branch)
		}
	}
}

// files lists the paths a commit touched.
func (e *env) files(sha string) []string {
	e.t.Helper()
	c, _, err := e.api.GetSingleCommit(org, repo, sha)
	if err != nil {
		e.t.Fatal(err)
	}
	var paths []string
	for _, f := range c.Files {
		paths = append(paths, f.Filename)
	}
	return paths
}

// read returns a file of the ledger as the forge has it.
func (e *env) read(path string) string {
	e.t.Helper()
	f, _, err := e.api.GetContents(org, repo, branch, path)
	if err != nil {
		e.t.Fatalf("reading %s from the forge: %v", path, err)
	}
	data, err := base64.StdEncoding.DecodeString(*f.Content)
	if err != nil {
		e.t.Fatal(err)
	}
	return string(data)
}

// readIndex returns an index's shards as the forge has them, one after
// the other, for a test that looks for a row's text.
func (e *env) readIndex(dir string) string {
	e.t.Helper()
	entries, _, err := e.api.ListContents(org, repo, branch, dir)
	if err != nil {
		e.t.Fatalf("listing %s on the forge: %v", dir, err)
	}
	var b strings.Builder
	for _, entry := range entries {
		b.WriteString(e.read(entry.Path))
	}
	return b.String()
}

// auditRows returns the master-events rows for a Matrix event, read from
// the forge.
func (e *env) auditRows(eventID string) []ledger.Event {
	e.t.Helper()
	entries, _, err := e.api.ListContents(org, repo, branch, ledger.EventsDir)
	if err != nil {
		e.t.Fatal(err)
	}
	var rows []ledger.Event
	for _, entry := range entries {
		events, err := ledger.DecodeCSV[ledger.Event](entry.Path, []byte(e.read(entry.Path)))
		if err != nil {
			e.t.Fatal(err)
		}
		for _, ev := range events {
			if ev.EventID == eventID {
				rows = append(rows, ev)
			}
		}
	}
	return rows
}

func hasPrefix(list []string, prefix string) bool {
	for _, x := range list {
		if strings.HasPrefix(x, prefix) {
			return true
		}
	}
	return false
}

func idOf(roomID string) id.RoomID { return id.RoomID(roomID) }

func idOf2(eventID string) id.EventID { return id.EventID(eventID) }

func demoWorker(i int) string { return fmt.Sprintf("w%02d", i) }

// taskOf is the task the i-th extra worker (w01 is 1) attacks.
func (e *env) taskOf(i int) string {
	name := fmt.Sprintf("w%02d", i)
	task, ok := e.world.Tasks[name]
	if !ok {
		e.t.Fatalf("%s has no task in the demo", name)
	}
	return task
}

// found sets the community up as an operator's would be: the first start
// on the empty ledger makes alice its founder, and the demo's people,
// roles, objectives and tasks are made by command, through the toolbox.
func found(t testing.TB, cfg *config.Config, w *demo.World) {
	t.Helper()
	a, err := app.OpenWith(t.Context(), cfg, zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := a.Close(); err != nil {
			t.Error(err)
		}
	}()
	if w.Tasks, err = demo.Build(t.Context(), a.Toolbox, w); err != nil {
		t.Fatal(err)
	}
}
