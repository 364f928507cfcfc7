package app

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/rs/zerolog"

	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/publish"
	"smartup0.org/engelbot/storage"
	"smartup0.org/engelbot/toolbox"
)

// OpenSite opens the public site's repository the configuration names,
// and says what it is for messages (owner/repo, or the local path).
func OpenSite(cfg *config.Config) (ledger.Store, string, error) {
	p := cfg.Public
	if !p.Configured() {
		return nil, "", fmt.Errorf("no public site repository is configured: set public.backend (and public.forgejo.url, owner, repo and a token of its own in %s), or write to a folder with -out DIR", config.EnvPublicToken)
	}
	where := p.Local.Path
	if p.Backend == "forgejo" {
		where = p.Forgejo.Owner + "/" + p.Forgejo.Repo
	}
	store, err := storage.OpenSite(p.Ledger)
	if err != nil {
		return nil, "", fmt.Errorf("public site repository %s: %w", where, err)
	}
	return store, where, nil
}

// TargetOf is where in the site repository the configuration puts the
// ledger's section.
// A configuration made in code rather than loaded has no defaults: its
// folder is the default one.
func TargetOf(cfg *config.Config) publish.Target {
	folder := cfg.Public.Folder
	if folder == "" {
		folder = config.DefaultPublicFolder
	}
	return publish.Target{Folder: folder, NavTitle: cfg.Public.NavTitle}
}

// Publish renders the ledger now and places it in store (the site
// repository, or a publish.Dir).
func Publish(ctx context.Context, l *ledger.Ledger, store ledger.Store, t publish.Target) (publish.Result, error) {
	site, err := publish.Current(ctx, l)
	if err != nil {
		return publish.Result{}, err
	}
	return publish.Apply(ctx, store, site, t)
}

// sitePublisher publishes to the configured site repository, for
// !publish and the schedule, one publish at a time.
type sitePublisher struct {
	ledger *ledger.Ledger
	store  ledger.Store
	where  string
	target publish.Target
	mu     sync.Mutex
}

// Publish implements toolbox.Publisher.
func (p *sitePublisher) Publish(ctx context.Context) (toolbox.PublishResult, error) {
	res, err := p.publish(ctx)
	// Both are the site's to fix, by whoever keeps it.
	if errors.Is(err, publish.ErrBadMkDocs) || errors.Is(err, publish.ErrFolderNotOwned) {
		err = fmt.Errorf("%w: %w", toolbox.ErrSiteConfig, err)
	}
	if err != nil {
		return toolbox.PublishResult{Where: p.where}, err
	}
	out := toolbox.PublishResult{Where: p.where, Commit: res.Commit}
	for _, c := range res.Changes {
		switch c.Op {
		case ledger.OpCreate:
			out.Created++
		case ledger.OpUpdate:
			out.Updated++
		case ledger.OpDelete:
			out.Deleted++
		}
	}
	return out, nil
}

func (p *sitePublisher) publish(ctx context.Context) (publish.Result, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Publish(ctx, p.ledger, p.store, p.target)
}

// logPublish logs one scheduled publish's outcome.
func logPublish(log zerolog.Logger, why string, res publish.Result, err error) {
	switch {
	case err != nil:
		log.Error().Err(err).Str("why", why).Msg("publishing failed; the next scheduled publish tries again")
	case !res.Changed():
		log.Debug().Str("why", why).Msg("published: nothing public changed, nothing written")
	default:
		log.Info().Str("why", why).Str("commit", res.Commit).Int("files", len(res.Changes)).Str("summary", res.Summary).Msg("published the ledger's public pages")
	}
}
