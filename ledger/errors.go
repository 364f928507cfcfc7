package ledger

import (
	"errors"
	"fmt"
)

// Refusal is a mutation's answer when the community's rules say no. Its text
// is for the owner, in plain words; nothing is written.
type Refusal struct{ Reason string }

func (r *Refusal) Error() string { return r.Reason }

// Refuse returns a Refusal with a formatted reason.
func Refuse(format string, args ...any) error {
	return &Refusal{Reason: fmt.Sprintf(format, args...)}
}

// IsRefusal reports whether err is a refusal, and its reason.
func IsRefusal(err error) (string, bool) {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reason, true
	}
	return "", false
}

// ErrUnavailable: the ledger could not be written for a reason other than the
// rules (the forge is down, keeps conflicting, or times out). Nothing was written.
var ErrUnavailable = errors.New("the ledger could not be written just now")

func errDuplicateKey(k string) error { return fmt.Errorf("duplicate key %q", k) }

// ErrClosed: the ledger was closed (the process is shutting down) before
// the mutation was committed. It matches ErrUnavailable too. Nothing was
// written, except when Shutdown cut a commit short: that one may have
// landed, and its event ID keeps a retry from doubling it.
var ErrClosed = fmt.Errorf("%w: the ledger is closed", ErrUnavailable)
