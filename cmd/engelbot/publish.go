package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"smartup0.org/engelbot/app"
	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/publish"
)

func cmdPublish(args []string) error {
	fs := flag.NewFlagSet("publish", flag.ExitOnError)
	path := fs.String("config", "config.yaml", "the configuration file")
	out := fs.String("out", "", "write the site to this folder (its mkdocs.yml and docs) instead of the public site repository")
	_ = fs.Parse(args)
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var site ledger.Store
	where := *out
	if *out != "" {
		site = publish.Dir{Root: *out}
	} else {
		store, name, err := app.OpenSite(cfg)
		if err != nil {
			return err
		}
		if c, ok := store.(interface{ Close() error }); ok {
			defer c.Close()
		}
		site, where = store, name
	}
	store, err := app.OpenStore(cfg)
	if err != nil {
		return err
	}
	l, err := ledger.Open(ctx, store, ledger.Options{})
	if err != nil {
		return fmt.Errorf("the ledger cannot be read: %w", err)
	}
	defer l.Close()
	res, err := app.Publish(ctx, l, site, app.TargetOf(cfg))
	if err != nil {
		return fmt.Errorf("publishing to %s: %w", where, err)
	}
	switch {
	case !res.Changed():
		fmt.Printf("Nothing public changed: %s is up to date, nothing was written.\n", where)
	case res.Commit == "":
		fmt.Printf("Wrote %s to %s: %d files changed.\n", res.Summary, where, len(res.Changes))
	default:
		fmt.Printf("Published %s to %s: commit %s, %d files changed.\n", res.Summary, where, res.Commit, len(res.Changes))
	}
	for _, c := range res.Changes {
		fmt.Printf("  %-6s %s\n", c.Op, c.Path)
	}
	return nil
}
