package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"smartup0.org/engelbot/app"
	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/ledger"
)

// ledgerStore parses a subcommand's -config flag and opens the ledger's
// store it names; it returns the configuration file's path too, for the
// messages that name it, and the options to open the ledger with: its
// log on standard error, as the configuration sets it (a load that could
// not fetch the files at once says so there).
func ledgerStore(name string, args []string) (string, ledger.Store, ledger.Options, error) {
	fs := flag.NewFlagSet(name, flag.ExitOnError)
	path := fs.String("config", "config.yaml", "the configuration file")
	_ = fs.Parse(args)
	cfg, err := config.Load(*path)
	if err != nil {
		return *path, nil, ledger.Options{}, err
	}
	log := app.NewLogger(cfg.Log, os.Stderr)
	store, err := app.OpenStore(cfg)
	return *path, store, ledger.Options{Log: &log}, err
}

// verified reads the ledger (an old layout too, so that it can be seen
// sound before and after `engelbot migrate`), checks it as `engelbot
// verify` does, prints every problem, and says whether it is sound.
func verified(ctx context.Context, store ledger.Store, opts ledger.Options, note string) (ledger.Verification, error) {
	opts.ReadOldLayout = true
	l, err := ledger.Open(ctx, store, opts)
	if err != nil {
		return ledger.Verification{}, fmt.Errorf("the ledger cannot be read: %w", err)
	}
	defer l.Close()
	v, err := l.VerifyAll(ctx)
	if err != nil {
		return v, fmt.Errorf("checking the ledger: %w", err)
	}
	for _, p := range v.Problems {
		fmt.Println(p)
	}
	if len(v.Problems) > 0 {
		fmt.Fprintf(os.Stderr, "%d problems in the ledger at commit %s%s\n", len(v.Problems), v.Snapshot.Head(), note)
		return v, errProblems
	}
	fmt.Printf("The ledger at commit %s is sound: %d audit rows, chain unbroken.\n", v.Snapshot.Head(), v.Snapshot.EventCount())
	return v, nil
}
