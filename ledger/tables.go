package ledger

import "context"

// tables is every CSV index of a snapshot.
type tables struct {
	owners       *table[Owner]
	teams        *table[Team]
	roles        *table[Role]
	assignments  *table[Assignment]
	applications *table[Application]
	objectives   *table[Objective]
	tasks        *table[Task]
	sessions     *table[Session]
	assessments  *table[Assessment]
	proposals    *table[Proposal]
}

// overlays is every CSV index as a transaction sees it.
type overlays struct {
	owners       overlay[Owner]
	teams        overlay[Team]
	roles        overlay[Role]
	assignments  overlay[Assignment]
	applications overlay[Application]
	objectives   overlay[Objective]
	tasks        overlay[Task]
	sessions     overlay[Session]
	assessments  overlay[Assessment]
	proposals    overlay[Proposal]
}

// index describes one CSV index to the code that handles all of them
// alike: loading, transactions, commits.
type index struct {
	dir string // the folder of its shards (see shards.go)
	// load reads the shards at paths (in order), reusing prev's rows of
	// those whose SHA has not changed since prevTree.
	load func(ctx context.Context, st Store, t *tables, paths []string, tree map[string]string, prev *tables, prevTree cowMap[string], limit int) error
	// loadLegacy reads the index from its one file of the old layout.
	loadLegacy func(ctx context.Context, st Store, t *tables, sha string, limit int) error
	begin      func(o *overlays, t *tables)
	keep       func(o *overlays)
	drop       func(o *overlays)
	changed    func(o *overlays) bool  // by the transaction as a whole
	running    func(o *overlays) bool  // by the mutation running now
	check      func(o *overlays) error // the rows of the mutation running now can be written
	// files is the shards the transaction's changes write to, encoded.
	files func(o *overlays) ([]shardFile, error)
	// allFiles is every shard of the table, encoded: what migration writes.
	allFiles func(t *tables) ([]shardFile, error)
	// runningCSV is the rows the running mutation changed, encoded, for
	// Tx.CheckText: checking them alone keeps the check's cost off the
	// size of the table.
	runningCSV func(o *overlays) ([]byte, error)
	install    func(t *tables, o *overlays)
	settle     func(t *tables)                                  // after a load: hold the history packed (see cold.go)
	pages      func(t *tables, fn func(where, wikiPath string)) // the page of each row (where: its shard and key), for tables whose rows have one
	rows       func(t *tables) int
}

// paged is a row that points to its markdown page.
type paged interface{ wikiPath() string }

func (o Owner) wikiPath() string       { return o.WikiPath }
func (t Team) wikiPath() string        { return t.WikiPath }
func (r Role) wikiPath() string        { return r.WikiPath }
func (a Application) wikiPath() string { return a.WikiPath }
func (o Objective) wikiPath() string   { return o.WikiPath }
func (t Task) wikiPath() string        { return t.WikiPath }
func (s Session) wikiPath() string     { return s.WikiPath }

// indexOf describes the index in dir; history says whether its shards
// before the last are held packed in memory (see cold.go).
func indexOf[R record](dir string, history bool, tf func(*tables) **table[R], of func(*overlays) *overlay[R]) index {
	return index{
		dir: dir,
		load: func(ctx context.Context, st Store, t *tables, paths []string, tree map[string]string, prev *tables, prevTree cowMap[string], limit int) (err error) {
			var before *table[R]
			if prev != nil {
				before = *tf(prev)
			}
			*tf(t), err = loadIndex[R](ctx, st, dir, paths, tree, before, prevTree, limit, history)
			return err
		},
		loadLegacy: func(ctx context.Context, st Store, t *tables, sha string, limit int) (err error) {
			*tf(t), err = loadLegacy[R](ctx, st, dir, sha, limit)
			return err
		},
		begin:   func(o *overlays, t *tables) { *of(o) = overlay[R]{base: *tf(t)} },
		keep:    func(o *overlays) { of(o).keep() },
		drop:    func(o *overlays) { of(o).drop() },
		changed: func(o *overlays) bool { return of(o).changed() },
		running: func(o *overlays) bool { return len(of(o).cur) > 0 },
		check:   func(o *overlays) error { return of(o).check() },
		files:   func(o *overlays) ([]shardFile, error) { return of(o).files(dir) },
		allFiles: func(t *tables) ([]shardFile, error) {
			return (*tf(t)).allFiles(dir)
		},
		runningCSV: func(o *overlays) ([]byte, error) {
			rows := make([]R, 0, len(of(o).cur))
			for _, r := range of(o).cur {
				rows = append(rows, *r)
			}
			return encodeCSV(rows)
		},
		install: func(t *tables, o *overlays) { *tf(t) = of(o).result() },
		settle: func(t *tables) {
			if tb := *tf(t); tb.raw != nil {
				tb.settle() // a table the load made; one reused from before is settled already
			}
		},
		pages: func(t *tables, fn func(where, wikiPath string)) {
			tb := *tf(t)
			for k := range tb.starts {
				file := ShardPath(dir, k+1)
				for _, r := range tb.shardRows(k) {
					if p, ok := any(*r).(paged); ok {
						fn(file+" "+(*r).key(), p.wikiPath())
					}
				}
			}
		},
		rows: func(t *tables) int { return len((*tf(t)).rows) },
	}
}

// indexes lists the CSV indexes in the order a commit writes them.
var indexes = []index{
	indexOf(OwnersIndex, false, func(t *tables) **table[Owner] { return &t.owners }, func(o *overlays) *overlay[Owner] { return &o.owners }),
	indexOf(TeamsIndex, false, func(t *tables) **table[Team] { return &t.teams }, func(o *overlays) *overlay[Team] { return &o.teams }),
	indexOf(RolesIndex, false, func(t *tables) **table[Role] { return &t.roles }, func(o *overlays) *overlay[Role] { return &o.roles }),
	indexOf(AssignmentsIndex, false, func(t *tables) **table[Assignment] { return &t.assignments }, func(o *overlays) *overlay[Assignment] { return &o.assignments }),
	indexOf(ApplicationsIndex, false, func(t *tables) **table[Application] { return &t.applications }, func(o *overlays) *overlay[Application] { return &o.applications }),
	indexOf(ObjectivesIndex, false, func(t *tables) **table[Objective] { return &t.objectives }, func(o *overlays) *overlay[Objective] { return &o.objectives }),
	indexOf(TasksIndex, false, func(t *tables) **table[Task] { return &t.tasks }, func(o *overlays) *overlay[Task] { return &o.tasks }),
	indexOf(SessionsIndex, true, func(t *tables) **table[Session] { return &t.sessions }, func(o *overlays) *overlay[Session] { return &o.sessions }),
	indexOf(AssessmentsIndex, false, func(t *tables) **table[Assessment] { return &t.assessments }, func(o *overlays) *overlay[Assessment] { return &o.assessments }),
	indexOf(ProposalsIndex, false, func(t *tables) **table[Proposal] { return &t.proposals }, func(o *overlays) *overlay[Proposal] { return &o.proposals }),
}
