package state

import "errors"

// Sentinel errors, to be tested with errors.Is.
var (
	// ErrEmptyEventID means an event was given without the Matrix event ID that identifies it.
	ErrEmptyEventID = errors.New("event has no ID")
	// ErrNotClaimed means Finish was called for an event that was never claimed (or was forgotten).
	ErrNotClaimed = errors.New("event was not claimed")
	// ErrAlreadyFinished means Finish was called twice for one event: it was handled twice.
	ErrAlreadyFinished = errors.New("event was already finished")
	// ErrCorrupt means a stored value cannot be read back.
	ErrCorrupt = errors.New("corrupt state value")
)
