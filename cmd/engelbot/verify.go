package main

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// errProblems makes the exit status say that the ledger is not sound.
var errProblems = errors.New("the ledger has problems")

func cmdVerify(args []string) error {
	path, store, opts, err := ledgerStore("verify", args)
	if err != nil {
		return err
	}
	v, err := verified(context.Background(), store, opts, "")
	if err != nil {
		return err
	}
	if old := v.Snapshot.OldLayout(); len(old) > 0 {
		fmt.Fprintf(os.Stderr, "Its indexes are in the old layout (%d single files): run `engelbot migrate -config %s` before `engelbot run`.\n", len(old), path)
	}
	return nil
}
