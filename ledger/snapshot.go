package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// Snapshot is the whole ledger in memory at one commit. It is immutable:
// queries read it without locks, and a write produces a new one.
type Snapshot struct {
	head string
	tree cowMap[string] // every file on the branch → blob SHA
	// legacy lists the index files of the layout before shards that the
	// branch still holds: such a ledger is read for verify and migrate
	// only, never written (see migrate.go).
	legacy []string

	tables
	byMatrixID map[string]string // matrix ID → alias
	refs       refIndex          // alias → the rows that concern them
	events     journal[Event]
	sc         journal[SCTx]
	sk         journal[SKTx]
	treasury   journal[TreasuryTx]
	votes      journal[Vote]
	sums       sums // balances and totals as running sums of sc and sk
}

// Head is the commit the snapshot was read at.
func (s *Snapshot) Head() string { return s.head }

// EventCount is the number of rows in the audit trail.
func (s *Snapshot) EventCount() int { return s.events.count() }

// Applied returns the audit row of an event that is already in the ledger.
func (s *Snapshot) Applied(eventID string) (Event, bool) { return s.events.find(eventID) }

// load reads the ledger at tree, reusing from prev (which may be nil) every
// file whose SHA has not changed: after someone else's commit only the
// changed files travel. limit is the rows a new index shard takes.
func load(ctx context.Context, st Store, tree Tree, prev *Snapshot, limit int, log *zerolog.Logger) (*Snapshot, error) {
	s := &Snapshot{}
	var (
		prevTables *tables
		prevTree   cowMap[string]
	)
	if prev != nil {
		*s = *prev
		prevTables, prevTree = &prev.tables, prev.tree
	}
	s.head, s.tree, s.legacy = tree.Commit, cowFrom(tree.Files), nil
	folders := folders(tree.Files)
	st, stop := prefetch(ctx, st, tree, loadOrder(), folders, prev, log)
	defer stop()
	var loads []func(ctx context.Context) error
	for _, ix := range indexes {
		paths, err := shardPaths(ix.dir, folders[ix.dir])
		if err != nil {
			return nil, err
		}
		old, isLegacy := tree.Files[legacyPath(ix.dir)]
		switch {
		case isLegacy && len(paths) > 0:
			return nil, fmt.Errorf("%s and the folder %s both hold the index: the branch is half in the old layout and half in the new one; restore it to the commit before", legacyPath(ix.dir), ix.dir)
		case isLegacy:
			s.legacy = append(s.legacy, legacyPath(ix.dir))
			loads = append(loads, func(ctx context.Context) error { return ix.loadLegacy(ctx, st, &s.tables, old, limit) })
		default:
			loads = append(loads, func(ctx context.Context) error {
				return ix.load(ctx, st, &s.tables, paths, tree.Files, prevTables, prevTree, limit)
			})
		}
	}

	var (
		pe  *journal[Event]
		psc *journal[SCTx]
		psk *journal[SKTx]
		ptr *journal[TreasuryTx]
		pv  *journal[Vote]
	)
	if prev != nil {
		pe, psc, psk, ptr, pv = &prev.events, &prev.sc, &prev.sk, &prev.treasury, &prev.votes
	}
	s.events, s.sc, s.sk = journal[Event]{dir: EventsDir}, journal[SCTx]{dir: SCDir}, journal[SKTx]{dir: SKDir}
	s.treasury = journal[TreasuryTx]{dir: TreasuryDir}
	s.votes = journal[Vote]{dir: VotesDir}
	loads = append(loads,
		func(ctx context.Context) error { return s.events.load(ctx, st, tree.Files, folders[s.events.dir], pe) },
		func(ctx context.Context) error { return s.sc.load(ctx, st, tree.Files, folders[s.sc.dir], psc) },
		func(ctx context.Context) error { return s.sk.load(ctx, st, tree.Files, folders[s.sk.dir], psk) },
		func(ctx context.Context) error {
			return s.treasury.load(ctx, st, tree.Files, folders[s.treasury.dir], ptr)
		},
		func(ctx context.Context) error { return s.votes.load(ctx, st, tree.Files, folders[s.votes.dir], pv) },
	)
	// Each load fills its own table or journal. From a fetch in progress
	// they all run at once, so that files are decoded in the order they
	// arrive (see eachFile); otherwise one after the other, each reading a
	// few files at a time.
	if _, fetching := st.(*prefetched); fetching {
		if err := all(ctx, loads...); err != nil {
			return nil, err
		}
	} else {
		for _, load := range loads {
			if err := load(ctx); err != nil {
				return nil, err
			}
		}
	}

	if prev != nil && s.tasks == prev.tasks && s.assignments == prev.assignments && s.sessions == prev.sessions {
		s.refs = prev.refs // the rows it indexes did not change
	} else {
		s.refs = buildRefs(&s.tables)
	}
	for _, ix := range indexes {
		ix.settle(&s.tables)
	}
	s.byMatrixID = make(map[string]string, len(s.owners.rows))
	for _, o := range s.owners.rows {
		s.byMatrixID[o.MatrixID] = o.Alias
	}
	// Summed from the bytes just read (scan decodes them with slices, see
	// loadValues), then packed.
	s.sums = reloadSums(prev, s)
	for _, settle := range []func(context.Context) error{s.events.settle, s.sc.settle, s.sk.settle, s.treasury.settle, s.votes.settle} {
		if err := settle(ctx); err != nil {
			return nil, err
		}
	}

	return s, nil
}

// change writes content at path: an update of the file the snapshot's
// tree holds there, else a new file.
func (s *Snapshot) change(path string, content []byte) Change {
	if sha, ok := s.tree.get(path); ok {
		return Change{Op: OpUpdate, Path: path, Content: content, SHA: sha}
	}
	return Change{Op: OpCreate, Path: path, Content: content}
}

// readAt reads a file and checks that it is the version the tree listed; a
// mismatch means the branch moved while loading, which the caller treats as
// a conflict and retries.
func readAt(ctx context.Context, st Store, p, sha string) ([]byte, error) {
	f, err := st.ReadFile(ctx, p)
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("%s vanished while loading: %w", p, ErrConflict)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	if f.SHA != sha {
		return nil, fmt.Errorf("%s changed while loading: %w", p, ErrConflict)
	}
	return f.Content, nil
}

// Owner returns an owner by alias.
func (s *Snapshot) Owner(alias string) (Owner, bool) {
	o, ok := s.owners.get(strings.ToLower(alias))
	if !ok {
		return Owner{}, false
	}
	return *o, true
}

// OwnerByMatrixID returns the owner with this Matrix user ID.
func (s *Snapshot) OwnerByMatrixID(mxid string) (Owner, bool) {
	alias, ok := s.byMatrixID[mxid]
	if !ok {
		return Owner{}, false
	}
	return s.Owner(alias)
}

// Read returns a transaction that only reads: the view queries use.
func (s *Snapshot) Read() *Tx { return newTx(s) }

// ReadAt is Read for a reader whose clock says now: rules that look at
// time (windows, daily caps) see the ledger's clock, not the machine's.
func (s *Snapshot) ReadAt(now time.Time) *Tx {
	tx := newTx(s)
	tx.now = now.UTC().Truncate(time.Second)
	return tx
}
