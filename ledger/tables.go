package ledger

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
	path    string
	load    func(t *tables, data []byte) error
	loaded  func(t *tables) bool
	begin   func(o *overlays, t *tables)
	keep    func(o *overlays)
	drop    func(o *overlays)
	changed func(o *overlays) bool  // by the transaction as a whole
	running func(o *overlays) bool  // by the mutation running now
	check   func(o *overlays) error // the rows of the mutation running now can be written
	encode  func(o *overlays) ([]byte, error)
	// runningCSV is the rows the running mutation changed, encoded, for
	// Tx.CheckText: checking them alone keeps the check's cost off the
	// size of the table.
	runningCSV func(o *overlays) ([]byte, error)
	install    func(t *tables, o *overlays)
	pages      func(t *tables, fn func(key, wikiPath string)) // the page of each row, for tables whose rows have one
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

func indexOf[R record](path string, tf func(*tables) **table[R], of func(*overlays) *overlay[R]) index {
	return index{
		path: path,
		load: func(t *tables, data []byte) (err error) {
			*tf(t), err = loadTable[R](path, data)
			return err
		},
		loaded:  func(t *tables) bool { return *tf(t) != nil },
		begin:   func(o *overlays, t *tables) { *of(o) = overlay[R]{base: *tf(t)} },
		keep:    func(o *overlays) { of(o).keep() },
		drop:    func(o *overlays) { of(o).drop() },
		changed: func(o *overlays) bool { return of(o).changed() },
		running: func(o *overlays) bool { return len(of(o).cur) > 0 },
		check:   func(o *overlays) error { return of(o).check() },
		encode:  func(o *overlays) ([]byte, error) { return of(o).result().encode() },
		runningCSV: func(o *overlays) ([]byte, error) {
			rows := make([]R, 0, len(of(o).cur))
			for _, r := range of(o).cur {
				rows = append(rows, *r)
			}
			return encodeCSV(rows)
		},
		install: func(t *tables, o *overlays) { *tf(t) = of(o).result() },
		pages: func(t *tables, fn func(key, wikiPath string)) {
			for _, r := range (*tf(t)).rows {
				if p, ok := any(*r).(paged); ok {
					fn((*r).key(), p.wikiPath())
				}
			}
		},
	}
}

// indexes lists the CSV indexes in the order a commit writes them.
var indexes = []index{
	indexOf(OwnersFile, func(t *tables) **table[Owner] { return &t.owners }, func(o *overlays) *overlay[Owner] { return &o.owners }),
	indexOf(TeamsFile, func(t *tables) **table[Team] { return &t.teams }, func(o *overlays) *overlay[Team] { return &o.teams }),
	indexOf(RolesFile, func(t *tables) **table[Role] { return &t.roles }, func(o *overlays) *overlay[Role] { return &o.roles }),
	indexOf(AssignmentsFile, func(t *tables) **table[Assignment] { return &t.assignments }, func(o *overlays) *overlay[Assignment] { return &o.assignments }),
	indexOf(ApplicationsFile, func(t *tables) **table[Application] { return &t.applications }, func(o *overlays) *overlay[Application] { return &o.applications }),
	indexOf(ObjectivesFile, func(t *tables) **table[Objective] { return &t.objectives }, func(o *overlays) *overlay[Objective] { return &o.objectives }),
	indexOf(TasksFile, func(t *tables) **table[Task] { return &t.tasks }, func(o *overlays) *overlay[Task] { return &o.tasks }),
	indexOf(SessionsFile, func(t *tables) **table[Session] { return &t.sessions }, func(o *overlays) *overlay[Session] { return &o.sessions }),
	indexOf(AssessmentsFile, func(t *tables) **table[Assessment] { return &t.assessments }, func(o *overlays) *overlay[Assessment] { return &o.assessments }),
	indexOf(ProposalsFile, func(t *tables) **table[Proposal] { return &t.proposals }, func(o *overlays) *overlay[Proposal] { return &o.proposals }),
}
