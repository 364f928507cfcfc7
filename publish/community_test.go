package publish_test

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/identity"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/publish"
	"smartup0.org/engelbot/toolbox"
)

// community is a small community built the way a real one is: the bot's
// bootstrap, then commands typed by its owners through the toolbox, with a
// real identity mapping in a repository of its own. It is the ground the
// privacy and MkDocs tests stand on.
type community struct {
	t       *testing.T
	l       *ledger.Ledger
	store   *localgit.Store
	ids     *identity.Book
	idStore *localgit.Store
	tb      *toolbox.Toolbox
	clock   time.Time
	events  int
}

const (
	server = "s.test"
	lead   = "3_1_leadership_team"
	ops    = "3_7_operational_team"
	// hostileTeam is given a hostile name.
	hostileTeam = "3_2_design_team"
)

var (
	dm        = toolbox.Room{Kind: toolbox.RoomDirect}
	opsRoom   = toolbox.Room{Kind: toolbox.RoomTeam, Team: ops}
	forumRoom = toolbox.Room{Kind: toolbox.RoomForum}
)

// hostileTitles are titles built to turn into markup in MkDocs' Markdown
// with any common extension, each of which must show as the text it is.
var hostileTitles = []string{
	"<script>alert(1)</script>",
	"[x](http://evil)",
	"![i](http://evil/i.png)",
	"{: onclick=x}",
	"!!! note",
	"# heading",
	"a | b | c",
	"` tick",
	"---",
	"&lt; literal",
	"@room ping",
	"*em* _em_ ~~del~~ ==mark== ^^ins^^ :smile: ++ctrl++",
	"<img src=x onerror=alert(1)>",
	"www.evil.example and http://evil.example/x",
}

func newCommunity(t *testing.T) *community {
	t.Helper()
	ctx := t.Context()
	st, err := localgit.Open(filepath.Join(t.TempDir(), "ledger.git"), "main")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	c := &community{t: t, store: st, clock: time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)}
	l, err := ledger.Open(ctx, st, ledger.Options{Clock: func() time.Time { return c.clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	c.l = l
	idStore, err := localgit.Open(filepath.Join(t.TempDir(), "identity.git"), "main")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idStore.Close() })
	c.ids, c.idStore = identity.New(idStore), idStore
	c.tb = toolbox.New(l, toolbox.Config{Founder: "@fay:" + server, Identity: recorder{c.ids}})
	if _, err := c.tb.Bootstrap(ctx, "fay"); err != nil {
		t.Fatal(err)
	}
	return c
}

// recorder writes the toolbox's identity entries into the identity
// mapping, as the app does.
type recorder struct{ book *identity.Book }

func (r recorder) Record(ctx context.Context, e toolbox.IdentityEntry, queued func()) error {
	return r.book.RecordQueued(ctx, identity.Entry(e), queued)
}

// run sends a command as who (a Matrix localpart) and fails the test if it
// is refused.
func (c *community) run(who string, room toolbox.Room, name string, args ...string) toolbox.Reply {
	c.t.Helper()
	r := c.try(who, room, name, args...)
	if r.Refused {
		c.t.Fatalf("!%s %q by %s refused: %s", name, args, who, r.Text)
	}
	return r
}

// try sends a command and returns the reply, refused or not.
func (c *community) try(who string, room toolbox.Room, name string, args ...string) toolbox.Reply {
	c.t.Helper()
	c.events++
	c.clock = c.clock.Add(time.Minute)
	return c.tb.Run(c.t.Context(), toolbox.Request{
		Sender: "@" + who + ":" + server, EventID: fmt.Sprintf("$ev%d", c.events), Room: room,
		Command: name, Args: args, Sent: c.clock,
	})
}

// mutate sets part of the scene directly, for what no command writes
// (hostile names of teams and roles, which admins type in the config).
func (c *community) mutate(what string, fn func(tx *ledger.Tx)) {
	c.t.Helper()
	c.events++
	_, err := c.l.Apply(c.t.Context(), ledger.Mutation{
		EventID: fmt.Sprintf("$set%d", c.events), Actor: "fay", Command: what,
		Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
			fn(tx)
			return ledger.Outcome{Action: "test." + what, Target: "test", Reply: "ok"}, nil
		},
	})
	if err != nil {
		c.t.Fatal(err)
	}
}

var idPattern = regexp.MustCompile(`\b(?:[456]_[0-9_]*[0-9a-z_]*[0-9a-z]|prop_[0-9]+)\b`)

// newID finds the first ID with prefix in a reply.
func (c *community) newID(r toolbox.Reply, prefix string) string {
	c.t.Helper()
	for _, id := range idPattern.FindAllString(r.Text, -1) {
		if strings.HasPrefix(id, prefix) {
			return id
		}
	}
	c.t.Fatalf("no %s… ID in the reply: %s", prefix, r.Text)
	return ""
}

// render publishes the community's ledger as it is now.
func (c *community) render(tr publish.Treasury) publish.Site {
	c.t.Helper()
	snap, err := c.l.Snapshot(c.t.Context())
	if err != nil {
		c.t.Fatal(err)
	}
	site, err := publish.Render(publish.Input{Ledger: snap.ReadAt(c.clock), Commit: snap.Head(), Treasury: tr, Now: c.clock})
	if err != nil {
		c.t.Fatal(err)
	}
	return site
}

// sampleTreasury is a treasury with a few movements, as the caller fills it.
func sampleTreasury() publish.Treasury {
	d := func(day int) time.Time { return time.Date(2026, 9, day, 12, 0, 0, 0, time.UTC) }
	return publish.Treasury{
		BalanceCents: 150000, SCOutstanding: 120, Multiple: 3, Within: true,
		History: []publish.TreasuryPoint{
			{Time: d(1), BalanceCents: 100000, SCOutstanding: 0},
			{Time: d(5), BalanceCents: 100000, SCOutstanding: 60},
			{Time: d(9), BalanceCents: 150000, SCOutstanding: 120},
		},
	}
}

// canaries are unique strings put in every private place the ledger or
// the identity mapping has; none may reach the site.
type canaries map[string]string // what → the canary

// populate builds the community: owners with real names and e-mails,
// roles, objectives, tasks (hostile titles among them) through their whole
// life, SC and SK, an application and its rejection, an objection, a
// deactivation. Every private field holds a canary.
func (c *community) populate() canaries {
	cn := canaries{}
	canary := func(what string) string {
		s := fmt.Sprintf("zq%sx%d", strings.ReplaceAll(what, " ", ""), len(cn)+1000)
		cn[what] = s
		return s
	}
	// Owners: the Matrix localpart differs from the alias, so that a
	// Matrix ID on the site is caught.
	type owner struct{ mx, alias, license string }
	owners := []owner{
		{canary("mxbob"), "bob", "work"}, {canary("mxcarol"), "carol", "work"},
		{canary("mxdave"), "dave", "organizational"}, {canary("mxerin"), "erin", "work"},
	}
	for _, o := range owners {
		c.run("fay", dm, "add_owner", "@"+o.mx+":"+server, o.alias, o.license,
			"Real "+canary("realname "+o.alias), canary("email"+o.alias)+"@mail.example")
	}
	who := map[string]string{"fay": "fay"}
	for _, o := range owners {
		who[o.alias] = o.mx
	}
	cn["server-of-a-matrix-id"] = ":" + server

	obj := c.newID(c.run("fay", dm, "create_objective", "Grow the community"), "5_")
	capRole := c.newID(c.run("fay", dm, "create_role", ops, "captain", "Ops captain"), "4_1")
	senior := c.newID(c.run("fay", dm, "create_role", ops, "senior", "Ops lead"), "4_2")
	junior := c.newID(c.run("fay", dm, "create_role", ops, "junior", "Ops helper"), "4_3")
	c.run("fay", dm, "assign_role", capRole, "bob")
	c.run("fay", dm, "assign_role", senior, "carol")
	c.run("fay", dm, "assign_role", junior, "dave")
	teamObj := c.newID(c.run(who["bob"], opsRoom, "team_objective", obj, "Keep", "the", "lights", "on"), "5_")
	_ = teamObj

	// An application with a private motivation, rejected for a private reason.
	app := c.run(who["erin"], dm, "apply", senior, "I", "want", "this", canary("motivation"))
	appID := regexp.MustCompile(`app_[0-9]+`).FindString(app.Text)
	if appID == "" {
		c.t.Fatalf("no application ID in %s", app.Text)
	}
	c.run(who["bob"], opsRoom, "reject", appID, "because", canary("reject reason"))

	// Tasks: one worked through to its award, one contested, and the
	// hostile titles.
	mk := func(title string) string {
		return c.newID(c.run(who["bob"], opsRoom, "create_task", append([]string{"M"}, strings.Fields(title)...)...), "6_")
	}
	done := mk("Paint the door")
	c.run(who["bob"], opsRoom, "assign", done, "carol", "attacker")
	c.run(who["bob"], opsRoom, "assign", done, "dave", "defender")
	c.run(who["carol"], opsRoom, "start_work", done)
	c.clock = c.clock.Add(2 * time.Hour)
	c.run(who["carol"], opsRoom, "stop_work", "did", "it", canary("session summary"))
	c.run(who["bob"], opsRoom, "assess", done, "8", "7", "9", canary("assessment note"))
	c.run(who["bob"], opsRoom, "approve", done)

	fought := mk("Count the chairs")
	c.run(who["bob"], opsRoom, "assign", fought, "carol", "attacker")
	c.run(who["carol"], opsRoom, "start_work", fought)
	c.run(who["carol"], opsRoom, "stop_work")
	c.run(who["bob"], opsRoom, "assess", fought, "5", "5", "5")
	c.run(who["bob"], opsRoom, "approve", fought)
	c.run(who["dave"], opsRoom, "object", fought, "no", canary("objection reason"))

	for i, title := range hostileTitles {
		// create_task reads a | as the start of the description; a title
		// that holds one, or that the toolbox refuses, may still reach the
		// ledger some other way (an older version, a repair): the site must
		// hold all the same.
		if !strings.Contains(title, "|") {
			r := c.try(who["bob"], opsRoom, "create_task", append([]string{"S"}, strings.Fields(title)...)...)
			if !r.Refused {
				continue
			}
		}
		c.mutate("hostile task", func(tx *ledger.Tx) {
			tx.PutTask(ledger.Task{ID: fmt.Sprintf("6_9_9_%d", i+1), Team: ops, Objective: teamObj,
				Title: title, Size: "S", BudgetSC: 25, State: ledger.TaskOpen})
		})
	}
	// Names an admin types elsewhere (a team's name, a role's title) and
	// an objective's title are typed text too.
	c.mutate("hostile names", func(tx *ledger.Tx) {
		team, _ := tx.Team(hostileTeam)
		team.Name = hostileTitles[0]
		tx.PutTeam(team)
		role, _ := tx.Role(junior)
		role.Title = hostileTitles[1]
		tx.PutRole(role)
	})
	c.run("fay", dm, "create_objective", strings.Fields(hostileTitles[2])...)

	c.run(who["bob"], opsRoom, "award_sk", "carol", "documentation", canary("sk note"))
	// Governance: a binding proposal in the forum, objected to and voted
	// on; an advisory one in the team's room, which stays the team's.
	c.run(who["bob"], opsRoom, "award_sk", "carol", "conflict_resolution")
	c.run(who["bob"], opsRoom, "award_sk", "carol", "governance_participation")
	c.clock = c.clock.Add(time.Minute)
	prop := c.newID(c.run(who["carol"], forumRoom, "propose", strings.Fields(hostileTitles[0]+" | we meet "+canary("proposal text"))...), "prop_")
	c.run(who["carol"], opsRoom, "propose", strings.Fields(canary("advisory title")+" | the team only")...)
	c.run(who["dave"], forumRoom, "object", prop, "no", canary("proposal objection"))
	c.run(who["dave"], forumRoom, "vote", prop, "no")
	c.run(who["carol"], opsRoom, "kudos", "dave", "thanks", canary("kudos reason"))
	c.run("fay", dm, "deactivate", "erin", canary("deactivation reason"))

	// The founders' money covers the award; the window passes and the
	// scheduled job awards the uncontested SC.
	c.run("fay", dm, "deposit", "100", "seed", "money")
	c.clock = c.clock.Add(50 * time.Hour)
	c.tb.RunJobs(c.t.Context())
	return cn
}
