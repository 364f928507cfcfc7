package ledger

import (
	"context"
	"fmt"
	"iter"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DefaultShardRows is how many rows an append-only file holds before the
// next one starts. Bounded files keep a write's cost independent of
// history: an append re-uploads at most one shard, never the whole trail.
const DefaultShardRows = 1000

// journalRow is a row of an append-only file, with the key it is found by.
type journalRow interface {
	Event | SCTx | SKTx | TreasuryTx | Vote
	journalKey() string
}

func (e Event) journalKey() string { return e.EventID }
func (t SCTx) journalKey() string  { return t.ID }
func (t SKTx) journalKey() string  { return t.ID }

// shard is one file of a journal: <dir>/YYYY-MM-NNN.csv.
//
// Only the last shard, the one that grows, is held decoded. The others
// keep their file's bytes and are decoded when read: the ledger's history
// is read whole only by verify, publishing and the monthly decay, while a
// decoded row takes several times its bytes (the bench's 400,000 SC rows
// held about 107 MB decoded).
type shard[R journalRow] struct {
	path string
	sha  string
	data []byte // the file's bytes; deflated when packed
	// packed: data is deflated. Earlier shards are, since they are read
	// whole rarely; CSV deflates to about a sixth.
	packed bool
	rows   []R // decoded: the last shard only (see list)
	// deflated is, between a load and settle, data compressed as the
	// store sent it, for cold to keep instead of compressing again.
	deflated []byte
	n        int // rows in the shard
	// byKey finds a row by key in journals whose rows are looked up that
	// way (the audit trail, by event ID); nil in the others. It holds the
	// keys' hashes, not the keys, so that a packed shard keeps nothing of
	// its decoded rows (see keyIndex).
	byKey *keyIndex
	// latest is the newest timestamp of an SC or SK row in the shard, so
	// that a look at recent rows skips older shards without reading them.
	latest time.Time
}

// list is the shard's rows, decoded now if the shard is not the last.
func (s *shard[R]) list() []R { return s.listAs(shareValues) }

// listAs is list, a shard's values made as mode says (see readCSV).
func (s *shard[R]) listAs(mode valueMode) []R {
	if s.rows != nil || s.n == 0 {
		return s.rows
	}
	rows, err := decodeCSV[R](s.path, s.bytes(), mode)
	if err != nil {
		// The same bytes decoded when the shard was loaded or written.
		panic(fmt.Sprintf("ledger: shard %s no longer decodes: %v", s.path, err))
	}
	return rows
}

// bytes is the shard's file content.
func (s *shard[R]) bytes() []byte {
	if !s.packed {
		return s.data
	}
	return inflate(s.path, s.data)
}

// cold is the shard as an earlier one: its bytes, not its rows.
func (s *shard[R]) cold() *shard[R] {
	if s.rows == nil && (s.packed || s.n == 0) && s.deflated == nil {
		return s
	}
	c := *s
	c.rows = nil
	if !c.packed && (s.rows != nil || s.n > 0) {
		c.data, c.packed = fileBytes{data: c.data, deflated: c.deflated}.packed(), true
	}
	c.deflated = nil
	return &c
}

// hot is the shard as the last one: decoded.
func (s *shard[R]) hot() *shard[R] {
	if (s.rows != nil || s.n == 0) && s.deflated == nil {
		return s
	}
	c := *s
	c.deflated = nil
	if s.rows != nil || s.n == 0 {
		return &c
	}
	c.rows = s.list()
	c.data, c.packed = s.bytes(), false
	return &c
}

// keyed reports whether rows of type R are looked up by key (find).
func keyed[R journalRow]() bool {
	var r R
	_, ok := any(r).(Event)
	return ok
}

// journal is an append-only table split into shards: master-events, and
// the SC, SK and treasury transactions, and the votes. Shards are immutable once a snapshot holds
// them; an append makes a new last shard.
type journal[R journalRow] struct {
	dir    string
	shards []*shard[R] // in path order, which is chronological
}

// journalPath names a shard for a month and a counter.
func journalPath(dir string, t time.Time, n int) string {
	return fmt.Sprintf("%s/%s-%03d.csv", dir, t.UTC().Format("2006-01"), n)
}

func (j *journal[R]) holds(p string) bool {
	return path.Dir(p) == j.dir && strings.HasSuffix(p, ".csv")
}

// parseShard reads a shard's file, its values made as mode says (see
// readCSV); hot keeps its rows decoded.
func parseShard[R journalRow](p, sha string, data []byte, hot bool, mode valueMode) (*shard[R], error) {
	rows, err := decodeCSV[R](p, data, mode)
	if err != nil {
		return nil, err
	}
	s := &shard[R]{path: p, sha: sha, data: data, n: len(rows)}
	if keyed[R]() {
		s.byKey = newKeyIndex(len(rows))
	}
	for i, r := range rows {
		if k := r.journalKey(); k != "" && s.byKey != nil {
			s.byKey.add(k, i)
		}
		if t, ok := rowTime(r); ok && t.After(s.latest) {
			s.latest = t
		}
	}
	if s.byKey != nil {
		s.byKey.seal(func(i int) string { return rows[i].journalKey() }) // a key twice is verify's to report
	}
	if hot {
		s.rows = rows
	}
	return s, nil
}

// load reads the journal's shards (paths: the files of its folder, as the
// tree lists them), reusing those of prev whose SHA has not changed and
// reading the others a few at a time.
func (j *journal[R]) load(ctx context.Context, st Store, files map[string]string, paths []string, prev *journal[R]) error {
	reused := map[string]*shard[R]{}
	if prev != nil {
		for _, sh := range prev.shards {
			reused[sh.path] = sh
		}
	}
	var todo []string
	j.shards = nil
	for _, p := range paths {
		if !j.holds(p) {
			continue
		}
		if old, ok := reused[p]; ok && old.sha == files[p] {
			j.shards = append(j.shards, old)
			continue
		}
		todo = append(todo, p)
	}
	newest := ""
	for _, p := range paths {
		if j.holds(p) && p > newest {
			newest = p
		}
	}
	read := make([]*shard[R], len(todo))
	err := eachFile(ctx, st, todo, files, func(i int, f fileBytes) error {
		p := todo[i]
		// Its bytes are held as read until settle: the load sums the
		// rows first (scan), decoding them again rather than holding every
		// shard's rows decoded at once.
		sh, err := parseShard[R](p, files[p], f.data, false, loadValues[R](p == newest))
		if err != nil {
			return err
		}
		sh.deflated = f.deflated
		read[i] = sh
		return nil
	})
	if err != nil {
		return err
	}
	j.shards = append(j.shards, read...)
	sort.Slice(j.shards, func(a, b int) bool { return j.shards[a].path < j.shards[b].path })
	return nil
}

// settle holds a loaded journal as it is kept: only the newest shard, the
// one that grows, decoded; the others packed, a few at a time.
func (j *journal[R]) settle(ctx context.Context) error {
	return forEach(ctx, len(j.shards), func(i int) error {
		if i == len(j.shards)-1 {
			j.shards[i] = j.shards[i].hot()
		} else {
			j.shards[i] = j.shards[i].cold()
		}
		return nil
	})
}

// find returns the row with a key.
func (j *journal[R]) find(key string) (R, bool) {
	// Newest first: what is looked up is almost always recent.
	for i := len(j.shards) - 1; i >= 0; i-- {
		s := j.shards[i]
		if s.byKey == nil {
			continue
		}
		var rows []R // decoded once, if at all
		decoded := func() []R {
			if rows == nil {
				rows = s.list()
			}
			return rows
		}
		if k, ok := s.byKey.find(key, func(i int) string { return decoded()[i].journalKey() }); ok {
			return decoded()[k], true
		}
	}
	var zero R
	return zero, false
}

func (j *journal[R]) last() (R, bool) {
	for i := len(j.shards) - 1; i >= 0; i-- {
		if n := j.shards[i].n; n > 0 {
			return j.shards[i].list()[n-1], true
		}
	}
	var zero R
	return zero, false
}

// count is the number of rows in the whole journal.
func (j *journal[R]) count() int {
	n := 0
	for _, s := range j.shards {
		n += s.n
	}
	return n
}

// all yields every row, oldest first.
func (j *journal[R]) all() iter.Seq[R] {
	return func(yield func(R) bool) {
		for _, s := range j.shards {
			for _, r := range s.list() {
				if !yield(r) {
					return
				}
			}
		}
	}
}

// scan yields every row, as all does, for a pass that keeps none (the
// load's sums): the values of a shard not held decoded are slices of its
// file (see loadValues), which allocates far less than copies.
func (j *journal[R]) scan() iter.Seq[R] {
	return func(yield func(R) bool) {
		for _, s := range j.shards {
			for _, r := range s.listAs(loadValues[R](false)) {
				if !yield(r) {
					return
				}
			}
		}
	}
}

// backward yields every row, newest first, decoding a packed shard only
// when the rows before it were not enough.
func (j *journal[R]) backward() iter.Seq[R] {
	return func(yield func(R) bool) {
		for i := len(j.shards) - 1; i >= 0; i-- {
			for r := range backward(j.shards[i].list()) {
				if !yield(r) {
					return
				}
			}
		}
	}
}

// backward yields rows from the last to the first.
func backward[R any](rows []R) iter.Seq[R] {
	return func(yield func(R) bool) {
		for i := len(rows) - 1; i >= 0; i-- {
			if !yield(rows[i]) {
				return
			}
		}
	}
}

// target says which shard rows appended at time t go to, and whether it
// must be created: a new one each month and whenever the last is full.
func (j *journal[R]) target(t time.Time, maxRows int) (p string, create bool) {
	if len(j.shards) == 0 {
		return journalPath(j.dir, t, 1), true
	}
	lastShard := j.shards[len(j.shards)-1]
	month := t.UTC().Format("2006-01")
	base := path.Base(lastShard.path)
	if strings.HasPrefix(base, month+"-") && lastShard.n < maxRows {
		return lastShard.path, false
	}
	n := 1
	if strings.HasPrefix(base, month+"-") {
		cur, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(base, month+"-"), ".csv"))
		n = cur + 1
	}
	return journalPath(j.dir, t, n), true
}

// appendRows plans an append: the shard's path, whether it is new, and its
// whole new content.
func (j *journal[R]) appendRows(t time.Time, maxRows int, rows []R) (p string, create bool, data []byte, err error) {
	p, create = j.target(t, maxRows)
	var base []byte
	if !create {
		base = j.shards[len(j.shards)-1].data
	}
	data, err = appendCSV(base, rows...)
	return p, create, data, err
}

// appended is the journal after an append lands. It reads the new shard
// back, so the writer calls it before committing: bytes that do not read
// back are refused then, rather than found unreadable in the branch.
func (j *journal[R]) appended(p string, create bool, data []byte) (journal[R], error) {
	sh, err := parseShard[R](p, BlobSHA(data), data, true, shareValues)
	if err != nil {
		return journal[R]{}, fmt.Errorf("the appended shard does not read back: %w", err)
	}
	shards := append([]*shard[R](nil), j.shards...)
	if create {
		if n := len(shards); n > 0 {
			shards[n-1] = shards[n-1].cold() // only the newest shard is held decoded
		}
		shards = append(shards, sh)
	} else {
		shards[len(shards)-1] = sh
	}
	return journal[R]{dir: j.dir, shards: shards}, nil
}

// appendJournal plans an append of rows to j and reads it back: the
// journal as it is once the append lands, and the shard file to write.
func appendJournal[R journalRow](j *journal[R], t time.Time, maxRows int, rows []R) (next journal[R], p string, data []byte, err error) {
	p, create, data, err := j.appendRows(t, maxRows, rows)
	if err != nil {
		return journal[R]{}, "", nil, fmt.Errorf("%s: %w", j.dir, err)
	}
	next, err = j.appended(p, create, data)
	if err != nil {
		return journal[R]{}, "", nil, fmt.Errorf("%s: %w", p, err)
	}
	return next, p, data, nil
}

// appendLog is a transaction's pending appends to a journal, with the same
// keep/drop layering as overlay.
type appendLog[R journalRow] struct {
	done, cur []R
}

func (a *appendLog[R]) add(r R)      { a.cur = append(a.cur, r) }
func (a *appendLog[R]) keep()        { a.done = append(a.done, a.cur...); a.cur = nil }
func (a *appendLog[R]) drop()        { a.cur = nil }
func (a *appendLog[R]) pending() int { return len(a.done) + len(a.cur) }

// check reports a row of the running mutation that cannot be written.
func (a *appendLog[R]) check() error {
	for _, r := range a.cur {
		if err := checkRow(r); err != nil {
			return fmt.Errorf("row %s: %w", r.journalKey(), err)
		}
	}
	return nil
}

// rows are the kept appends, to be committed.
func (a *appendLog[R]) rows() []R { return a.done }

func (a *appendLog[R]) all() iter.Seq[R] {
	return func(yield func(R) bool) {
		for _, r := range a.done {
			if !yield(r) {
				return
			}
		}
		for _, r := range a.cur {
			if !yield(r) {
				return
			}
		}
	}
}

// grown yields the rows next holds beyond prev, when next is prev with
// rows appended (the usual case after someone else's commit): prev's full
// shards unchanged, its last one unchanged or grown, new shards after. ok
// is false for anything else, such as a hand edit of an older row.
func grown[R journalRow](prev, next journal[R]) (rows iter.Seq[R], ok bool) {
	k := len(prev.shards) - 1
	if len(next.shards) <= k {
		return nil, false
	}
	for i := 0; i < k; i++ {
		if next.shards[i].path != prev.shards[i].path || next.shards[i].sha != prev.shards[i].sha {
			return nil, false
		}
	}
	from := 0 // the first new row in next.shards[max(k, 0)]
	if k >= 0 {
		old, cur := prev.shards[k], next.shards[k]
		if cur.path != old.path || cur.n < old.n {
			return nil, false
		}
		if cur.sha != old.sha && !slices.Equal(cur.list()[:old.n], old.list()) {
			return nil, false
		}
		from = old.n
	}
	return func(yield func(R) bool) {
		for i, s := range next.shards[max(k, 0):] {
			start := 0
			if i == 0 {
				start = from
			}
			for _, r := range s.list()[start:] {
				if !yield(r) {
					return
				}
			}
		}
	}, true
}

// rowTime is when an SC or SK row was written.
func rowTime(r any) (time.Time, bool) {
	switch r := r.(type) {
	case SCTx:
		return r.Time, true
	case SKTx:
		return r.Time, true
	}
	return time.Time{}, false
}

// from yields the rows from the oldest shard holding a row dated t or later
// to the end: every row dated t or later, and every row written after one.
// Older shards are skipped by their newest timestamp, unread.
func (j *journal[R]) from(t time.Time) iter.Seq[R] {
	return func(yield func(R) bool) {
		first := len(j.shards)
		for i, s := range j.shards {
			if !s.latest.Before(t) {
				first = i
				break
			}
		}
		for _, s := range j.shards[first:] {
			for _, r := range s.list() {
				if !yield(r) {
					return
				}
			}
		}
	}
}

// fromRow yields the rows from the n-th (counting from 0) to the end,
// skipping whole shards by their length.
func (j *journal[R]) fromRow(n int) iter.Seq[R] {
	return func(yield func(R) bool) {
		skip := max(n, 0)
		for _, s := range j.shards {
			if skip >= s.n {
				skip -= s.n
				continue
			}
			for _, r := range s.list()[skip:] {
				if !yield(r) {
					return
				}
			}
			skip = 0
		}
	}
}
