// Package forgejo stores the ledger's files on one branch of a Forgejo (or
// Gitea) repository through its /api/v1: it implements ledger.Store.
//
// It reads the branch head, trees, files and history (ledger.Historian),
// makes each ledger.Commit one atomic commit through the multi-file
// contents endpoint, and sorts the forge's failures into classes a caller
// can act on: a conflict (ledger.ErrConflict: re-read and retry), the forge
// being out of reach (ErrUnavailable: retry later), and configuration
// problems that no retry fixes (ErrUnauthorized, ErrForbidden, ErrMissing,
// ErrRejected, all of them also ledger.ErrPermanent).
//
// It must not know what the files mean: no task, owner or CSV is known
// here, only paths, bytes and blob SHAs. Errors never contain the token.
package forgejo
