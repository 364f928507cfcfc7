package toolbox

import "context"

// Recorded returns the answer the ledger recorded for the command with this
// event ID, if the command wrote anything. A command the bot will not run
// again (it waited too long) still gets the answer it earned, not a claim
// that nothing happened.
func (tb *Toolbox) Recorded(ctx context.Context, eventID string) (Reply, bool, error) {
	snap, err := tb.ledger.Snapshot(ctx)
	if err != nil {
		return Reply{}, false, err
	}
	e, ok := snap.Applied(eventID)
	if !ok {
		return Reply{}, false, nil
	}
	return Reply{Text: e.Result, Duplicate: true}, true, nil
}
