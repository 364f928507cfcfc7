package forgejo

import (
	"errors"
	"testing"

	"smartup0.org/engelbot/ledger"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name    string
		op      op
		status  int
		message string
		want    error
	}{
		{"ok", opCommit, 201, "", nil},
		{"Forgejo stale sha", opCommit, 409, "sha does not match", ledger.ErrConflict},
		{"Gitea stale sha", opCommit, 422, "sha does not match [given: 1, expected: 2]", ledger.ErrConflict},
		{"create on an existing path", opCommit, 422, "repository file already exists [path: a.md]", ledger.ErrConflict},
		{"update of a deleted path", opCommit, 404, "object does not exist [id: , rel_path: a.md]", ledger.ErrConflict},
		{"push race, hook refusal", opCommit, 403, "error: cannot lock ref 'refs/heads/main': is at 1 but expected 2", ledger.ErrConflict},
		{"push race, out of date", opCommit, 500, "PushOutOfDate Error: exit status 1 - To /r.git ! [rejected] (non-fast-forward)", ledger.ErrConflict},
		{"internal error hidden from a non-admin", opCommit, 500, "", ledger.ErrConflict},
		{"real permission error", opCommit, 403, "user should have a permission to write to the target branch", ErrForbidden},
		{"bad token", opCommit, 401, "token is required", ErrUnauthorized},
		{"repository missing", opCommit, 404, "not found", ErrMissing},
		{"branch missing", opCommit, 404, "branch does not exist [repo_id: 1 name: main]", ErrMissing},
		{"path is a directory", opCommit, 422, "a directory exists where you’re trying to create a file [path: a]", ErrRejected},
		{"archived", opCommit, 423, "repo is archived", ErrRejected},
		{"bad gateway", opCommit, 502, "", ErrUnavailable},
		{"other internal error", opCommit, 500, "database is locked", ErrUnavailable},
		{"rate limited", opHead, 429, "", ErrUnavailable},
		{"file missing", opRead, 404, "not found", ledger.ErrNotFound},
		{"branch missing on head", opHead, 404, "not found", ErrMissing},
		{"internal error on a read", opTree, 500, "", ErrUnavailable},
		{"race words outside a commit", opHead, 403, "cannot lock ref", ErrForbidden},
		{"sha words outside a commit", opTree, 422, "sha does not match", ErrRejected},
		{"history of an empty repository", opHistory, 409, "Git Repository is empty.", ErrMissing},
		{"history of a missing commit", opHistory, 404, "object does not exist", ErrMissing},
		{"history on a busy forge", opHistory, 500, "", ErrUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := classify(tc.op, tc.status, tc.message)
			if got != tc.want {
				t.Errorf("classify(%d, %q) = %v, want %v", tc.status, tc.message, got, tc.want)
			}
		})
	}
}

// The classes a person has to fix are ledger.ErrPermanent, so the ledger's
// writer stops at once; conflicts and an unavailable forge are not.
func TestPermanentClasses(t *testing.T) {
	for _, tc := range []struct {
		class     error
		permanent bool
	}{
		{ErrUnauthorized, true},
		{ErrForbidden, true},
		{ErrMissing, true},
		{ErrRejected, true},
		{ErrUnavailable, false},
		{ledger.ErrConflict, false},
		{ledger.ErrNotFound, false},
	} {
		err := error(&Error{Op: "commit", Repo: "o/r@main", Status: 400, Class: tc.class})
		if got := errors.Is(err, ledger.ErrPermanent); got != tc.permanent {
			t.Errorf("%v: errors.Is(ledger.ErrPermanent) = %v, want %v", err, got, tc.permanent)
		}
		if !errors.Is(err, tc.class) {
			t.Errorf("%v does not match its class", err)
		}
	}
}

func TestErrorUnwrapsClassAndCause(t *testing.T) {
	cause := errors.New("dial tcp: connection refused")
	err := error(&Error{Op: "commit", Repo: "o/r@main", Class: ErrUnavailable, Cause: cause})
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, cause) {
		t.Errorf("%v does not unwrap to both its class and its cause", err)
	}
	if errors.Is(err, ledger.ErrConflict) {
		t.Errorf("%v is a conflict", err)
	}
}
