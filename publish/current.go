package publish

import (
	"context"
	"fmt"

	"smartup0.org/engelbot/ledger"
)

// Current renders the public view of l at its current head, after the one
// cheap freshness check a query makes, with the treasury as the rules read
// it: what every publish (the command, !publish, the schedule) renders.
func Current(ctx context.Context, l *ledger.Ledger) (Site, error) {
	snap, err := l.Snapshot(ctx)
	if err != nil {
		return Site{}, fmt.Errorf("reading the ledger: %w", err)
	}
	now := l.Now()
	tx := snap.ReadAt(now)
	return Render(Input{Ledger: tx, Commit: snap.Head(), Now: now, Treasury: TreasuryOf(tx)})
}
