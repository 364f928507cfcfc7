package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrOldLayout: the ledger's indexes are still single files, the layout
// before they were split into shards. Such a ledger is read (verify,
// migrate) but never written; `engelbot migrate` rewrites it once.
var ErrOldLayout = errors.New("the ledger is in the old layout")

func oldLayout(files []string) error {
	return fmt.Errorf("%w: its indexes are single files (%s), which this version no longer writes; "+
		"run `engelbot migrate` once to split them into shards, as one audited commit, then start again",
		ErrOldLayout, strings.Join(files, ", "))
}

// MigrateAction is the action of the audit row a migration adds.
const MigrateAction = "ledger.migrate"

// Migration is what Migrate did.
type Migration struct {
	Commit  string   // the commit that carried it; "" when there was nothing to do
	Files   []string // the old index files it replaced
	Shards  int      // the shard files it wrote in their place
	Rows    int      // the rows it moved, each unchanged and in order
	Event   Event    // its audit row
	Already bool     // the ledger was in the current layout: nothing was written
}

// Migrate rewrites a ledger whose indexes are single files into shards, in
// one atomic commit with its own audit row: every row moves unchanged and
// keeps its order; pages, transactions and the audit trail stay as they
// are. On a ledger in the current layout it writes nothing, so running it
// twice is safe. Nothing else may write the ledger meanwhile; a bot of this
// version refuses to start on the old layout, and a commit that races it
// makes it start over.
func Migrate(ctx context.Context, st Store, opts Options) (Migration, error) {
	opts = opts.withDefaults()
	for attempt := 0; ; attempt++ {
		m, err := migrateOnce(ctx, st, opts)
		if errors.Is(err, ErrConflict) && attempt < 5 {
			continue
		}
		return m, err
	}
}

func migrateOnce(ctx context.Context, st Store, opts Options) (Migration, error) {
	tree, err := st.Tree(ctx, "")
	if err != nil {
		return Migration{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	s, err := load(ctx, st, tree, nil, opts.ShardRows, opts.Log)
	if err != nil {
		return Migration{}, fmt.Errorf("the ledger cannot be read: %w", err)
	}
	if len(s.legacy) == 0 {
		return Migration{Already: true}, nil
	}
	m := Migration{Files: s.legacy}
	c := Commit{Author: opts.Author}
	var listed []string
	for _, ix := range indexes {
		old, ok := tree.Files[legacyPath(ix.dir)]
		if !ok {
			continue
		}
		files, err := ix.allFiles(&s.tables)
		if err != nil {
			return Migration{}, fmt.Errorf("%s: %w", ix.dir, err)
		}
		for _, f := range files {
			c.Changes = append(c.Changes, Change{Op: OpCreate, Path: f.path, Content: f.data})
		}
		c.Changes = append(c.Changes, Change{Op: OpDelete, Path: legacyPath(ix.dir), SHA: old})
		m.Shards += len(files)
		m.Rows += ix.rows(&s.tables)
		listed = append(listed, legacyPath(ix.dir), ix.dir)
	}
	last, _ := s.events.last()
	now := opts.Clock().UTC().Truncate(time.Second)
	e := Event{
		Seq: last.Seq + 1, Time: now, EventID: "engelbot-migrate-" + tree.Commit, Actor: "engelbot",
		Command: "engelbot migrate", Action: MigrateAction, Target: "indexes", Files: strings.Join(listed, ";"),
		Result: fmt.Sprintf("split %d index files into %d shards of at most %d rows; all %d rows kept, unchanged and in order",
			len(m.Files), m.Shards, opts.ShardRows, m.Rows),
		PrevHash: last.Hash,
	}
	e.Hash = ChainHash(e)
	_, p, data, err := appendJournal(&s.events, now, opts.ShardRows, []Event{e})
	if err != nil {
		return Migration{}, err
	}
	c.Changes = append(c.Changes, s.change(p, data))
	c.Message = commitMessage([]Event{e})
	res, err := st.Commit(ctx, c)
	if err != nil {
		return Migration{}, err
	}
	m.Commit, m.Event = res.Commit, e
	return m, nil
}

// OldLayout lists the index files of the layout before shards that the
// snapshot was read from; empty for a ledger in the current layout.
func (s *Snapshot) OldLayout() []string { return s.legacy }
