package main

import (
	"context"
	"fmt"

	"smartup0.org/engelbot/ledger"
)

// cmdMigrate rewrites a ledger of the layout before index shards into
// shards, then checks the result as `engelbot verify` does. On a ledger in
// the current layout it writes nothing.
func cmdMigrate(args []string) error {
	_, store, opts, err := ledgerStore("migrate", args)
	if err != nil {
		return err
	}
	ctx := context.Background()
	m, err := ledger.Migrate(ctx, store, opts)
	if err != nil {
		return fmt.Errorf("migrating the ledger: %w (nothing was written)", err)
	}
	if m.Already {
		fmt.Println("The ledger is in the current layout already; nothing was written.")
	} else {
		fmt.Printf("Commit %s: %s (audit row %d).\n", m.Commit, m.Event.Result, m.Event.Seq)
	}
	_, err = verified(ctx, store, opts, " (`engelbot verify` on the old layout reports the same ones)")
	return err
}
