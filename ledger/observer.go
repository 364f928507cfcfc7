package ledger

import "errors"

// Observer hears what the ledger does with its store, so that it can be
// watched from outside (the metrics package implements it; the ledger
// knows nothing of how it is counted). Its methods are called from the
// writer and from readers at the same time: they must be quick, safe for
// concurrent use, and must not call back into the ledger.
type Observer interface {
	// Loaded: the ledger was read from its store at the start.
	Loaded()
	// StoreAnswered: a read of the store (the branch head, the files) or
	// a commit succeeded just now: the forge is reachable.
	StoreAnswered()
	// Committed: a commit landed, carrying this many commands' audit rows.
	Committed(commands int)
	// StoreFailed: reading fresh data for a commit, or the commit itself,
	// failed with an error of this class (one of the Failure* constants).
	StoreFailed(class string)
	// Retrying: the writer starts a group's commit again after a failure
	// of this class, on fresh data.
	Retrying(class string)
}

// The classes of a failed read or commit, as the writer treats them.
const (
	// FailureConflict: the branch moved under the commit; re-read and retry.
	FailureConflict = "conflict"
	// FailureUnavailable: the store is down, busy or slow; retried for
	// Options.RetryFor.
	FailureUnavailable = "unavailable"
	// FailurePermanent: the store refuses the ledger (token, access,
	// repository or branch); not retried, an admin must act.
	FailurePermanent = "permanent"
)

// FailureClass is the class the writer gives err: what decides whether it
// retries.
func FailureClass(err error) string {
	switch {
	case errors.Is(err, ErrPermanent):
		return FailurePermanent
	case errors.Is(err, ErrConflict):
		return FailureConflict
	}
	return FailureUnavailable
}

// noObserver is the Observer of a ledger nobody watches.
type noObserver struct{}

func (noObserver) Loaded()            {}
func (noObserver) StoreAnswered()     {}
func (noObserver) Committed(int)      {}
func (noObserver) StoreFailed(string) {}
func (noObserver) Retrying(string)    {}
