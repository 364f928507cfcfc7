package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"smartup0.org/engelbot/app"
	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/ledger"
)

// errProblems makes the exit status say that the ledger is not sound.
var errProblems = errors.New("the ledger has problems")

func cmdVerify(args []string) error {
	fs := flag.NewFlagSet("verify", flag.ExitOnError)
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
	// An old layout is checked as it is, so that it can be seen sound
	// before and after `engelbot migrate`.
	l, err := ledger.Open(context.Background(), store, ledger.Options{ReadOldLayout: true})
	if err != nil {
		return fmt.Errorf("the ledger cannot be read: %w", err)
	}
	defer l.Close()
	v, err := l.VerifyAll(context.Background())
	if err != nil {
		return fmt.Errorf("checking the ledger: %w", err)
	}
	snap, problems := v.Snapshot, v.Problems
	for _, p := range problems {
		fmt.Println(p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(os.Stderr, "%d problems in the ledger at commit %s\n", len(problems), snap.Head())
		return errProblems
	}
	fmt.Printf("The ledger at commit %s is sound: %d audit rows, chain unbroken.\n", snap.Head(), snap.EventCount())
	if old := snap.OldLayout(); len(old) > 0 {
		fmt.Fprintf(os.Stderr, "Its indexes are in the old layout (%d single files): run `engelbot migrate -config %s` before `engelbot run`.\n", len(old), *path)
	}
	return nil
}
