package ledger

// What an admin's health check (!status) reads from the ledger without
// touching the store.

// Queued is how many mutations wait for the writer, not counting the group
// it is committing now.
func (l *Ledger) Queued() int { return len(l.queue) }

// LastEvent is the newest row of the audit trail, if there is one.
func (s *Snapshot) LastEvent() (Event, bool) { return s.events.last() }
