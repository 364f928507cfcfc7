package toolbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// !publish renders the ledger's public view and commits it to the public
// site's repository now, as the schedule does. The toolbox only asks:
// the app, through Publisher, renders and writes, so the toolbox sees no
// forge and no site layout.

// Publisher publishes the ledger's public pages. The app implements it
// when the configuration names a site repository and hands it over with
// SetPublisher.
type Publisher interface {
	// Publish renders the ledger as it is now and writes what changed to
	// the site repository as one commit; nothing when nothing changed.
	Publish(ctx context.Context) (PublishResult, error)
}

// PublishResult is what one publish did, in plain facts for the answer.
type PublishResult struct {
	Where  string // the site repository, e.g. Smartup_Zero/1_general_forum
	Commit string // the site repository's new commit; "" when nothing changed
	// Created, Updated and Deleted count the files the commit changed.
	Created, Updated, Deleted int
}

// ErrSiteConfig marks a publish refused because of the site itself (its
// mkdocs.yml cannot be edited safely): a person who keeps the site must
// act, not the forge's operator. Publishers wrap it.
var ErrSiteConfig = errors.New("the site's configuration cannot be edited safely")

// SetPublisher gives the toolbox the public site. Call it before the bot
// runs. Without it !publish answers what to configure.
func (tb *Toolbox) SetPublisher(p Publisher) { tb.publisher = p }

var cmdPublish = &Command{
	Name: "publish", Tier: TierAdmin,
	Summary: "publish the ledger's public pages to the community's site now",
	Help: "Renders what is public in the ledger (by alias, never a real name; nothing marked private) as the site's ledger section and " +
		"commits it to the public site's repository as one commit, as the schedule does (hourly by default). Only the section's own folder and " +
		"its one entry in the site's navigation are ever changed. When the ledger has not changed since the last publish, nothing is written; " +
		"any change to the ledger, a private one too, moves the audit chain's head the site shows, so it is published with the next run. " +
		"Needs the `public:` settings of the configuration.",
	run: runPublish,
}

func runPublish(ctx context.Context, tb *Toolbox, _ *call) Reply {
	if tb.publisher == nil {
		return refused("Publishing is not configured, so nothing was published. Whoever runs Engelbot sets `public:` in its configuration " +
			"(`backend`, and for a forge `forgejo.url`, `owner`, `repo` — default `1_general_forum` — and a token of its own in " +
			"`ENGELBOT_PUBLIC_TOKEN`), then restarts it. Meanwhile `engelbot publish -config FILE -out DIR` writes the site to a folder.")
	}
	res, err := tb.publisher.Publish(ctx)
	if err != nil {
		r := refused("I couldn't publish: " + publishFailure(err) + " Nothing was written to the site.")
		r.Err = err
		return r
	}
	if res.Commit == "" {
		return Reply{Text: fmt.Sprintf("Nothing public changed since the last publish; the site in `%s` is up to date and nothing was written.", safeCode(res.Where))}
	}
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{{res.Created, "new"}, {res.Updated, "updated"}, {res.Deleted, "removed"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	files := res.Created + res.Updated + res.Deleted
	noun := "files"
	if files == 1 {
		noun = "file"
	}
	return Reply{Text: fmt.Sprintf("**Published.** Commit `%s` in `%s`: %d %s changed (%s).",
		shortCommit(res.Commit), safeCode(res.Where), files, noun, strings.Join(parts, ", "))}
}

// publishFailure says in plain words why a publish failed. A site that
// needs a person is named with the reason (it concerns files of the site,
// never a secret); other failures keep their details for the log.
func publishFailure(err error) string {
	if errors.Is(err, ErrSiteConfig) {
		return "the site cannot be edited safely (" + mdText(err.Error()) + "); whoever keeps the site should fix it."
	}
	return "the ledger could not be read, or the site's repository did not take the commit (it did not answer, or refuses the token); " +
		"the log says which, and `engelbot doctor` on the server checks the settings."
}

// shortCommit is a commit ID shortened as git shows it.
func shortCommit(id string) string {
	if len(id) > 7 {
		return id[:7]
	}
	return id
}

// safeCode keeps text inside an inline code span.
func safeCode(s string) string { return strings.ReplaceAll(s, "`", "'") }
