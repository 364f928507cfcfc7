package doctor

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strconv"

	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/storage"
)

// ledger checks the ledger's repository and then the books themselves:
// that they parse and pass the same verification `engelbot verify` runs.
// Then the founder, whom a first start on an empty ledger needs.
func (r *run) ledger(ctx context.Context) {
	switch r.cfg.Ledger.Backend {
	case "forgejo":
		r.forgeLedger(ctx)
	case "local":
		r.localLedger(ctx)
	}
	r.founder()
}

func (r *run) forgeLedger(ctx context.Context) {
	repo, branch := r.repo(ctx, "ledger", r.cfg.Ledger, config.EnvForgeToken)
	r.ledgerRepo = repo
	switch {
	case repo == nil:
		r.skip("ledger", "needs the repository (see ledger repository above)")
		return
	case repo.Empty:
		r.ledgerKnown, r.ledgerEmpty = true, true
		r.ok("ledger", "nothing to verify: the repository is empty, and the first start sets the community up in it")
		return
	case !branch:
		r.skip("ledger", "needs the branch (see ledger branch above)")
		return
	}
	store, err := storage.Forge(r.cfg.Ledger)
	if err != nil {
		r.fail("ledger", "%s", describe(err))
		return
	}
	r.verify(ctx, store)
}

// localLedger checks a ledger kept on disk. Opening a missing repository
// would create it, which is the first start's job, not the doctor's.
func (r *run) localLedger(ctx context.Context) {
	path := r.cfg.Ledger.Local.Path
	entries, err := os.ReadDir(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) || (err == nil && len(entries) == 0):
		r.ledgerKnown, r.ledgerEmpty = true, true
		r.ok("ledger", "%s does not exist yet: the first start creates it and sets the community up", path)
		return
	case err != nil:
		r.fail("ledger", "ledger.local.path %s: %v", path, err)
		return
	}
	store, err := localgit.Open(path, r.cfg.Ledger.Branch)
	if err != nil {
		r.fail("ledger", "%s: check ledger.local.path and ledger.branch", describe(err))
		return
	}
	defer store.Close()
	r.verify(ctx, store)
}

// verify reads the ledger and checks it as `engelbot verify` does.
func (r *run) verify(ctx context.Context, store ledger.Store) {
	const check = "ledger"
	l, err := ledger.Open(ctx, store, ledger.Options{ReadOldLayout: true})
	if err != nil {
		r.fail(check, "the ledger cannot be read: %s. The file named was most likely edited by hand: put it right with a commit on the forge", describe(err))
		return
	}
	defer l.Close()
	v, err := l.VerifyAll(ctx)
	if err != nil {
		r.fail(check, "checking the ledger: %s", describe(err))
		return
	}
	r.ledgerKnown = true
	r.ledgerEmpty = true
	for range v.Snapshot.Read().Owners() {
		r.ledgerEmpty = false
		break
	}
	switch n := len(v.Problems); {
	case n == 1:
		r.fail(check, "1 problem at commit %s: %s. `engelbot verify -config %s` says the same; a commit that explains or undoes the change puts it right",
			short(v.Snapshot.Head()), v.Problems[0], r.path)
		return
	case n > 1:
		r.fail(check, "%s at commit %s, the first: %s. `engelbot verify -config %s` lists them all",
			plural(n, "problem"), short(v.Snapshot.Head()), v.Problems[0], r.path)
		return
	}
	if old := v.Snapshot.OldLayout(); len(old) > 0 {
		r.fail(check, "sound at commit %s, but in the old layout (%d single index files), which `engelbot run` refuses: run `engelbot migrate -config %s` once",
			short(v.Snapshot.Head()), len(old), r.path)
		return
	}
	r.ok(check, "sound at commit %s: %s, chain unbroken, %s checked", short(v.Snapshot.Head()),
		plural(v.Snapshot.EventCount(), "audit row"), plural(v.Commits, "commit"))
}

// founder checks that a first start can set the community up: on an
// empty ledger it makes founder: the first owner, so it needs one.
func (r *run) founder() {
	const check = "founder"
	switch {
	case !r.ledgerKnown:
		r.skip(check, "needs the ledger to tell whether this is a first start")
	case !r.ledgerEmpty:
		r.ok(check, "the ledger has its Book of Owners (founder: counts only on an empty ledger)")
	case r.cfg.Founder == "":
		r.fail(check, "the ledger is empty, and a first start makes founder: its first owner, but founder: is not set: set it to the Matrix ID of the person who sets the community up")
	default:
		r.ok(check, "the ledger is empty: the first start makes %s its first owner", r.cfg.Founder)
	}
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
