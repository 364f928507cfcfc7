package main

import (
	"context"
	"flag"
	"os"
	"os/signal"
	"syscall"

	"smartup0.org/engelbot/app"
	"smartup0.org/engelbot/config"
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
	if err != nil {
		return err
	}
	return a.Run(ctx)
}
