package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"smartup0.org/engelbot/demo"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/publish"
	"smartup0.org/engelbot/toolbox"
)

// Publish is section 6: the public site published from a grown ledger of
// the query sizes and from the demo's ledger, each to a site repository of
// its own on the forge that already holds a hand-written mkdocs.yml and
// home page, as a community's 1_general_forum would.
type Publish struct {
	Cases []*PublishCase
}

// PublishCase is one ledger published three times: the first publish, the
// same again with nothing changed, and once more after one write command.
type PublishCase struct {
	Name      string
	Render    Durations // rendering alone, from the loaded ledger
	Files     int       // files in the section
	SiteBytes int       // their bytes
	Steps     []PublishStep
}

// PublishStep is one publish, end to end: render, read the site
// repository, plan, and the one commit (or none).
type PublishStep struct {
	Name                      string
	Took                      time.Duration
	Commits                   int // on the site repository's branch, before → after
	Created, Updated, Deleted int
	Bytes                     int // content of the files created or updated
	Requests                  int // forge requests
}

// siteSeed is the site repository before the first publish.
var siteSeed = []ledger.Change{
	{Op: ledger.OpCreate, Path: "mkdocs.yml", Content: []byte("site_name: SmartupOS\ntheme:\n  name: material\nnav:\n  - Home: index.md\n")},
	{Op: ledger.OpCreate, Path: "docs/index.md", Content: []byte("# SmartupOS\n\nHand-written home page.\n")},
}

// runPublish measures both cases.
func runPublish(ctx context.Context, f *forge, tmp string, opts Options) (*Publish, error) {
	out := &Publish{}
	grown := Community{Owners: opts.QueryOwners, Tasks: opts.QueryTasks, Mixed: true, Now: time.Now()}
	opts.progress("section 6: generating a grown ledger of %d owners and %d tasks", grown.Owners, grown.Tasks)
	st, err := localgit.Open(filepath.Join(tmp, "grown.git"), branch)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if _, err := st.Commit(ctx, ledger.Commit{Message: "benchmark seed", Changes: grown.Grown()}); err != nil {
		return nil, fmt.Errorf("committing the grown ledger: %w", err)
	}
	l, tb, _, err := openLedger(ctx, st)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	opts.progress("section 6: publishing the grown ledger")
	c, err := runPublishCase(ctx, f, "site-grown", fmt.Sprintf("grown ledger, %s owners / %s tasks", thousands(grown.Owners), thousands(grown.Tasks)), l,
		func() error {
			// Owner 0's first task is claimed in every community.
			_, err := command(ctx, tb, 0, eventID("publish", 1), "start_work", TaskID(0))
			return err
		})
	if err != nil {
		return nil, err
	}
	out.Cases = append(out.Cases, c)

	opts.progress("section 6: publishing the demo's ledger")
	dl, change, err := demoLedger(ctx, filepath.Join(tmp, "demo.git"))
	if err != nil {
		return nil, err
	}
	defer dl.Close()
	if c, err = runPublishCase(ctx, f, "site-demo", "the demo's ledger", dl, change); err != nil {
		return nil, err
	}
	out.Cases = append(out.Cases, c)
	return out, nil
}

// demoLedger builds the demo's community by its commands on a local git
// ledger, and returns a write for the third publish (carol starts work).
func demoLedger(ctx context.Context, path string) (*ledger.Ledger, func() error, error) {
	st, err := localgit.Open(path, branch)
	if err != nil {
		return nil, nil, err
	}
	l, err := ledger.Open(ctx, st, ledger.Options{})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	w := demo.Offline(0)
	alice, _ := w.Person("alice")
	carol, _ := w.Person("carol")
	tb := toolbox.New(l, toolbox.Config{Founder: alice.UserID, ServerName: demo.ServerName})
	if _, err := tb.Bootstrap(ctx, "alice"); err != nil {
		l.Close()
		return nil, nil, err
	}
	if _, err := demo.Build(ctx, tb, w); err != nil {
		l.Close()
		return nil, nil, err
	}
	change := func() error {
		r := tb.Run(ctx, toolbox.Request{Sender: carol.UserID, EventID: eventID("demo-publish", 1),
			Room: toolbox.Room{Kind: toolbox.RoomDirect}, Command: "start_work", Args: []string{"6_1_7_1"}})
		if r.Refused || r.Err != nil {
			return fmt.Errorf("carol's !start_work: %q (%v)", r.Text, r.Err)
		}
		return nil
	}
	return l, change, nil
}

// runPublishCase renders l three times, then publishes it to a new site
// repository: first, again unchanged, and after change.
func runPublishCase(ctx context.Context, f *forge, repoName, name string, l *ledger.Ledger, change func() error) (*PublishCase, error) {
	c := &PublishCase{Name: name}
	for range 3 {
		start := time.Now()
		site, err := publish.Current(ctx, l)
		if err != nil {
			return nil, err
		}
		c.Render = append(c.Render, time.Since(start))
		c.Files, c.SiteBytes = len(site.Files), 0
		for _, d := range site.Files {
			c.SiteBytes += len(d)
		}
	}
	r, err := f.newRepo(ctx, repoName, siteSeed)
	if err != nil {
		return nil, err
	}
	target := publish.Target{Folder: "ledger"}
	step := func(what string) error {
		before, err := r.commits(ctx)
		if err != nil {
			return err
		}
		reqs := r.counter.Read().Total
		start := time.Now()
		site, err := publish.Current(ctx, l)
		if err != nil {
			return err
		}
		res, err := publish.Apply(ctx, r.store, site, target)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		s := PublishStep{Name: what, Took: time.Since(start), Requests: r.counter.Read().Total - reqs}
		after, err := r.commits(ctx)
		if err != nil {
			return err
		}
		s.Commits = after - before
		for _, ch := range res.Changes {
			switch ch.Op {
			case ledger.OpCreate:
				s.Created++
			case ledger.OpUpdate:
				s.Updated++
			case ledger.OpDelete:
				s.Deleted++
			}
			s.Bytes += len(ch.Content)
		}
		c.Steps = append(c.Steps, s)
		return nil
	}
	if err := step("first publish"); err != nil {
		return nil, err
	}
	if err := step("again, nothing changed"); err != nil {
		return nil, err
	}
	if err := change(); err != nil {
		return nil, err
	}
	if err := step("after one !start_work"); err != nil {
		return nil, err
	}
	return c, nil
}
