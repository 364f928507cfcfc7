package publish

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"smartup0.org/engelbot/ledger"
)

// Result is what one publish did to the site repository.
type Result struct {
	// Commit is the site repository's new commit; "" when nothing changed,
	// or when the site was written to a folder.
	Commit  string
	Changes []ledger.Change // empty: nothing public changed
	Summary string          // the section's one-line summary
}

// Changed reports whether the publish wrote anything.
func (r Result) Changed() bool { return len(r.Changes) > 0 }

// Author is who the site repository's commits are by.
var Author = ledger.Signature{Name: "Engelbot", Email: "engelbot@localhost"}

// Retries bound how often a publish re-reads and re-plans after losing a
// race against another push to the site repository (a person committing
// a page meanwhile), and how long it waits between tries.
const (
	maxAttempts = 6
	retryBase   = 200 * time.Millisecond
	retryDouble = 4
)

// emptiness is a store that can tell a repository with no commit at all
// (a forge's "empty repository") from a missing one. The forge client is
// one; an empty site repository gets the section and a minimal
// mkdocs.yml as its first commit.
type emptiness interface {
	Empty(ctx context.Context) (bool, error)
}

// Apply places site in the site repository store as one commit, its
// message the site's summary: it reads the branch, plans (see Plan) and
// commits, and when another push won the race it reads and plans again. An
// empty plan writes nothing.
func Apply(ctx context.Context, store ledger.Store, site Site, t Target) (Result, error) {
	res := Result{Summary: site.Summary}
	for attempt := 1; ; attempt++ {
		repo, err := readRepo(ctx, store)
		if err != nil {
			return res, fmt.Errorf("reading the site repository: %w", err)
		}
		changes, err := Plan(repo, site, t)
		if err != nil {
			return res, err
		}
		if len(changes) == 0 {
			return res, nil
		}
		out, err := store.Commit(ctx, ledger.Commit{Message: commitMessage(site.Summary), Author: Author, Changes: changes})
		if err == nil {
			res.Commit, res.Changes = out.Commit, changes
			return res, nil
		}
		if !errors.Is(err, ledger.ErrConflict) || attempt == maxAttempts {
			return res, fmt.Errorf("committing to the site repository: %w", err)
		}
		if err := ledger.Backoff(ctx, attempt, retryBase, retryDouble); err != nil {
			return res, err
		}
	}
}

// readRepo reads what Plan needs: the branch's listing and the
// configuration MkDocs reads (configFile).
func readRepo(ctx context.Context, store ledger.Store) (Repo, error) {
	tree, err := store.Tree(ctx, "")
	if err != nil {
		if e, ok := store.(emptiness); ok {
			if empty, eerr := e.Empty(ctx); eerr == nil && empty {
				return Repo{}, nil
			}
		}
		return Repo{}, err
	}
	repo := Repo{Files: tree.Files}
	name := configFile(tree.Files)
	if _, ok := tree.Files[name]; ok {
		f, err := store.ReadFile(ctx, name)
		if err != nil {
			return Repo{}, err
		}
		repo.MkDocs = f.Content
	}
	return repo, nil
}

// commitMessage is the site commit's message: the section's summary,
// on one line, with a fallback for a section that gave none.
func commitMessage(summary string) string {
	summary = strings.Join(strings.Fields(summary), " ")
	if summary == "" {
		summary = "the ledger's public pages"
	}
	return "Publish " + summary
}
