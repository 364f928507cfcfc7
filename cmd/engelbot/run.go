package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"smartup0.org/engelbot/app"
	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/ledger"
)

func cmdRun(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	path := fs.String("config", "config.yaml", "the configuration file")
	_ = fs.Parse(args)
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	log := app.NewLogger(cfg.Log, os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := app.Open(ctx, cfg, log)
	if errors.Is(err, ledger.ErrOldLayout) {
		// The ledger's message cannot know the file the operator started with.
		return fmt.Errorf("%w\nFor this configuration: engelbot migrate -config %s", err, *path)
	}
	if err != nil {
		return err
	}
	return a.Run(ctx)
}
