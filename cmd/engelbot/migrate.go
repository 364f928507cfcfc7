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

// cmdMigrate rewrites a ledger of the layout before index shards into
// shards, then checks the result as `engelbot verify` does. On a ledger in
// the current layout it writes nothing.
func cmdMigrate(args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ExitOnError)
	path := fs.String("config", "config.yaml", "the configuration file")
	_ = fs.Parse(args)
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	store, err := app.OpenStore(cfg)
	if err != nil {
		return err
	}
	ctx := context.Background()
	m, err := ledger.Migrate(ctx, store, ledger.Options{})
	if err != nil {
		return fmt.Errorf("migrating the ledger: %w (nothing was written)", err)
	}
	if m.Already {
		fmt.Println("The ledger is in the current layout already; nothing was written.")
	} else {
		fmt.Printf("Commit %s: %s (audit row %d).\n", m.Commit, m.Event.Result, m.Event.Seq)
	}
	l, err := ledger.Open(ctx, store, ledger.Options{})
	if err != nil {
		return fmt.Errorf("the migrated ledger cannot be read: %w", err)
	}
	defer l.Close()
	v, err := l.VerifyAll(ctx)
	if err != nil {
		return fmt.Errorf("checking the ledger: %w", err)
	}
	for _, p := range v.Problems {
		fmt.Println(p)
	}
	if len(v.Problems) > 0 {
		fmt.Fprintf(os.Stderr, "%d problems in the ledger at commit %s (`engelbot verify` on the old layout reports the same ones)\n", len(v.Problems), v.Snapshot.Head())
		return errProblems
	}
	fmt.Printf("The ledger at commit %s is sound: %d audit rows, chain unbroken.\n", v.Snapshot.Head(), v.Snapshot.EventCount())
	return nil
}
