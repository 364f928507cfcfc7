package ledger_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
)

// A refusal no retry can clear (a rejected token, no write permission, a
// repository or branch that does not exist, a request the forge finds
// invalid) ends the group at its first attempt, with one log line naming
// the cause, while conflicts and a forge in trouble are retried until they
// clear.
func TestPermanentRefusalIsNotRetried(t *testing.T) {
	permanent := func(status int, msg string) error {
		return forgeAnswer{status: status, msg: msg, class: ledger.ErrPermanent}
	}
	for _, tc := range []struct {
		name string
		// failures is what the first commit attempts get; later ones reach the store.
		failures     []error
		wantAttempts int32
		wantErr      error // nil: the mutation lands
	}{
		{"token refused (401)", repeat(permanent(401, "token is required"), 50), 1, ledger.ErrPermanent},
		{"no write permission (403)", repeat(permanent(403, "user should have a permission to write to the target branch"), 50), 1, ledger.ErrPermanent},
		{"repository missing (404)", repeat(permanent(404, "not found"), 50), 1, ledger.ErrPermanent},
		{"branch missing (404)", repeat(permanent(404, "branch does not exist"), 50), 1, ledger.ErrPermanent},
		{"invalid request (422)", repeat(permanent(422, "a directory exists where you're trying to create a file"), 50), 1, ledger.ErrPermanent},
		{"stale sha until it clears", repeat(forgeAnswer{422, "sha does not match", ledger.ErrConflict}, 2), 3, nil},
		{"push race until it clears", repeat(forgeAnswer{403, "cannot lock ref 'refs/heads/main'", ledger.ErrConflict}, 2), 3, nil},
		{"forge error until it clears", repeat(forgeAnswer{502, "bad gateway", nil}, 2), 3, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := &faultStore{Store: newLocalStore(t)}
			store.onCommit = func(_ context.Context, n int32) error {
				if int(n) <= len(tc.failures) {
					return tc.failures[n-1]
				}
				return nil
			}
			var log logBuffer
			// The budget only bounds a writer that retries what it should not.
			l, err := ledger.Open(t.Context(), store, ledger.Options{RetryFor: 3 * time.Second, Log: log.logger()})
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()

			res, err := l.Apply(t.Context(), taskMutation("$p1", "6_1_1_1"))
			if got := store.commits.Load(); got != tc.wantAttempts {
				t.Errorf("%d commit attempts, want %d (answer %+v, %v)", got, tc.wantAttempts, res, err)
			}
			if tc.wantErr == nil {
				if err != nil || res.Commit == "" {
					t.Fatalf("Apply = %+v, %v; want the mutation committed once the failure cleared", res, err)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) || !errors.Is(err, ledger.ErrUnavailable) {
				t.Fatalf("Apply error %v: want it to match both %v and ledger.ErrUnavailable", err, tc.wantErr)
			}
			if _, ok := l.Current().Applied("$p1"); ok {
				t.Error("the refused mutation shows as applied")
			}
			checkOneLine(t, &log, tc.failures[0])
		})
	}
}

// The same holds when the refusal comes while the writer re-reads the
// branch before committing: a token revoked or a branch deleted after
// start-up fails the head check, and that is not retried either.
func TestPermanentRefusalOnRefreshIsNotRetried(t *testing.T) {
	store := &faultStore{Store: newLocalStore(t)}
	var log logBuffer
	l, err := ledger.Open(t.Context(), store, ledger.Options{RetryFor: 3 * time.Second, Log: log.logger()})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	refused := forgeAnswer{status: 401, msg: "token is required", class: ledger.ErrPermanent}
	store.heads.Store(0)
	store.onHead = func(int32) error { return refused }

	_, err = l.Apply(t.Context(), taskMutation("$r1", "6_1_1_1"))
	if !errors.Is(err, ledger.ErrPermanent) || !errors.Is(err, ledger.ErrUnavailable) {
		t.Fatalf("Apply error %v: want ledger.ErrPermanent and ledger.ErrUnavailable", err)
	}
	if n := store.heads.Load(); n != 1 {
		t.Errorf("%d head checks, want 1: a refused token was asked again", n)
	}
	if n := store.commits.Load(); n != 0 {
		t.Errorf("%d commit attempts without a fresh snapshot", n)
	}
	checkOneLine(t, &log, refused)
}

// checkOneLine checks that the writer logged one warning or error, and
// that it names the cause.
func checkOneLine(t *testing.T, log *logBuffer, cause error) {
	t.Helper()
	warnings := log.warnings(t)
	if len(warnings) != 1 || !strings.Contains(warnings[0].Error, cause.Error()) {
		t.Errorf("want one log line naming %q, got %d:\n%s", cause, len(warnings), log)
	}
}

func repeat(err error, n int) []error {
	out := make([]error, n)
	for i := range out {
		out[i] = err
	}
	return out
}
