package main

import (
	"context"
	"flag"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"smartup0.org/engelbot/demo"
)

func cmdChat(args []string) error {
	fs := flag.NewFlagSet("chat", flag.ExitOnError)
	dir := fs.String("dir", ".demo", "the folder of the running demo")
	as := fs.String("as", "carol", "who to be: alice, bob, carol, dave, nina, erin or mallory")
	_ = fs.Parse(args)
	w, err := demo.LoadWorld(filepath.Join(*dir, "demo.json"))
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return w.Console(ctx, *as, os.Stdin, os.Stdout)
}
