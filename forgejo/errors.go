package forgejo

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// Error classes besides ledger.ErrConflict and ledger.ErrNotFound, to be
// tested with errors.Is. Only ErrUnavailable is worth retrying as is; the
// others need a person to fix the configuration or the request, and they
// also match ledger.ErrPermanent so that the ledger's writer answers at
// once instead of asking again for minutes.
var (
	// ErrUnavailable: the forge did not answer in time, could not be
	// reached, or failed on its side (5xx, 429). For a Commit the change may
	// or may not have been applied: re-read before trying again.
	ErrUnavailable = errors.New("forgejo: forge unavailable")
	// ErrUnauthorized: the forge rejected the token (401): wrong, expired or revoked.
	ErrUnauthorized = ledger.PermanentClass("forgejo: the forge rejected the access token")
	// ErrForbidden: the token's user may not do this (403), e.g. no write access.
	ErrForbidden = ledger.PermanentClass("forgejo: the token's user lacks permission")
	// ErrMissing: the repository or the branch does not exist, or the token's
	// user cannot see it (404).
	ErrMissing = ledger.PermanentClass("forgejo: repository or branch not found")
	// ErrRejected: the forge refused the request as invalid (400, 422 other
	// than a conflict, 423 archived repository); retrying will not help.
	ErrRejected = ledger.PermanentClass("forgejo: the forge refused the request")
)

// Error is a failed call to the forge's API.
type Error struct {
	Op      string // what was attempted: "read branch head", "commit", …
	Repo    string // owner/repo@branch
	Status  int    // the HTTP status, or 0 when no answer came
	Message string // the forge's message (never the token)
	Class   error  // one of this package's or ledger's sentinels, or nil
	Cause   error  // the transport error when no answer came
}

// Error says what failed, what the forge answered, and the class.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "forgejo: %s on %s: ", e.Op, e.Repo)
	switch {
	case e.Status != 0:
		fmt.Fprintf(&b, "HTTP %d", e.Status)
		if e.Message != "" {
			fmt.Fprintf(&b, " %q", e.Message)
		}
	case e.Cause != nil:
		b.WriteString(e.Cause.Error())
	}
	if e.Class != nil {
		b.WriteString(" (")
		b.WriteString(strings.TrimPrefix(e.Class.Error(), "forgejo: "))
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap exposes both the class and the transport cause to errors.Is.
func (e *Error) Unwrap() []error {
	var errs []error
	for _, err := range []error{e.Class, e.Cause} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// op names the API call being classified, because the same status means
// different things on different endpoints.
type op int

const (
	opHead op = iota
	opTree
	opRead
	opCommit
	opHistory
)

// classify maps a forge answer to an error class. It is written against
// what Gitea 1.26 and Forgejo answer:
//   - a stale SHA: Gitea 422 "sha does not match", Forgejo 409;
//   - a create on an existing path: 422 "repository file already exists";
//   - an update or delete of a path that is gone: 404 "object does not exist";
//   - a lost push race: 403 "cannot lock ref …" (git's hook refusal) or
//     500 "PushOutOfDate … non-fast-forward";
//   - a 500 whose message is empty: the forge hides internal errors from
//     non-admin tokens, so a lost push race looks exactly like that;
//   - a history of a repository without commits: 409 "Git Repository is
//     empty", which is no conflict but a branch that does not exist.
func classify(o op, status int, message string) error {
	msg := strings.ToLower(message)
	racy := containsAny(msg, "cannot lock ref", "pushoutofdate", "non-fast-forward", "fetch first")
	switch {
	case status >= 200 && status < 300:
		return nil
	case status == http.StatusConflict:
		if o == opHistory {
			return ErrMissing
		}
		return ledger.ErrConflict
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusForbidden:
		if o == opCommit && racy {
			return ledger.ErrConflict
		}
		return ErrForbidden
	case status == http.StatusNotFound:
		switch {
		case o == opCommit && strings.Contains(msg, "object does not exist"):
			return ledger.ErrConflict
		case o == opRead:
			return ledger.ErrNotFound
		}
		return ErrMissing
	case status == http.StatusUnprocessableEntity:
		if o == opCommit && containsAny(msg, "sha does not match", "already exists", "commitid does not match") {
			return ledger.ErrConflict
		}
		return ErrRejected
	case status == http.StatusBadRequest, status == http.StatusLocked, status == http.StatusRequestEntityTooLarge:
		return ErrRejected
	case status == http.StatusTooManyRequests:
		return ErrUnavailable
	case status >= 500:
		if o == opCommit && (racy || strings.TrimSpace(msg) == "") && status == http.StatusInternalServerError {
			return ledger.ErrConflict
		}
		return ErrUnavailable
	}
	return nil
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
