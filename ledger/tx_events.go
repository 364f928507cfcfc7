package ledger

import "iter"

// Events lists the audit trail (master-events), oldest first, as the view's
// snapshot holds it. A read view sees every row; a mutation does not see
// its own row, which the writer adds after it ran.
func (tx *Tx) Events() iter.Seq[Event] { return tx.snap.events.all() }

// LastEvent is the newest audit row: the head of the hash chain.
func (tx *Tx) LastEvent() (Event, bool) { return tx.snap.events.last() }
