package ledger

import (
	"fmt"
	"iter"
	"sort"
	"strings"
	"sync/atomic"
)

// record is a row type with a primary key.
type record interface {
	Owner | Team | Role | Assignment | Application | Objective | Task | Session | Assessment | Proposal
	key() string
}

func (o Owner) key() string       { return o.Alias }
func (t Team) key() string        { return t.ID }
func (a Application) key() string { return a.ID }
func (o Objective) key() string   { return o.ID }
func (r Role) key() string        { return r.ID }
func (a Assignment) key() string  { return a.ID }
func (t Task) key() string        { return t.ID }
func (s Session) key() string     { return s.ID }

// table is one CSV index in memory, in file order. A table is never changed
// once a snapshot holds it; a commit builds a new one (see merge), so readers
// need no locks.
type table[R record] struct {
	// rows holds every row, except those of a packed shard that no commit
	// has changed since it was packed: those are nil (see row and packed).
	rows []*R
	idx  cowMap[int] // key → position in rows, of every row keys does not hold
	// keys, in a table whose history is held packed, finds the rows it was
	// loaded with by their keys' hashes (see keyIndex), checked against
	// keyText, their keys packed into one string: 200,000 session IDs
	// take a third of what a map of them does, and no packed shard is
	// decoded to check one. Rows added since are in idx. Never changed
	// once built.
	keys    *keyIndex
	keyText keyList
	// starts is the position of each shard's first row: shard k holds
	// rows[starts[k]:starts[k+1]] and is file k+1 of the index's folder.
	starts []int
	limit  int // rows the last shard holds before a new one starts
	// packed is, for a table whose history is held packed (see
	// cold.go), each shard's file deflated; nil for a shard held decoded.
	packed  [][]byte
	history bool // shards before the last are held packed
	// unpacked is the packed shard decoded last: a command that finds a
	// row by key and then changes it reads the same shard several times.
	unpacked atomic.Pointer[unpackedShard[R]]
	raw      []fileBytes // between load and settle: each shard's file as read, empty if not read
}

// newTable lays rows out in the shards that start at starts. With hashed,
// their keys are found through a keyIndex and a keyList.
func newTable[R record](rows []*R, starts []int, limit int, hashed bool) (*table[R], error) {
	t := &table[R]{rows: rows, starts: starts, limit: limit}
	if hashed {
		if list, ok := newKeyList(len(rows), func(i int) string { return (*rows[i]).key() }); ok {
			keys := newKeyIndex(len(rows))
			for i := range rows {
				keys.add(list.at(i), i)
			}
			if k, twice := keys.seal(list.at); twice {
				return nil, errDuplicateKey(k)
			}
			t.keys, t.keyText = keys, list
			return t, nil
		}
	}
	e := t.idx.edit()
	// A key that is a slice of its file would keep the whole file alive
	// after its row is packed.
	slices := loadValues[R](false) == sliceValues
	for i, r := range rows {
		k := (*r).key()
		if slices {
			k = strings.Clone(k)
		}
		if _, dup := e.get(k); dup {
			return nil, errDuplicateKey(k)
		}
		e.set(k, i)
	}
	t.idx = e.done()
	return t, nil
}

func (t *table[R]) get(k string) (*R, bool) {
	i, ok := t.pos(k)
	if !ok {
		return nil, false
	}
	return t.row(i), true
}

// pos is the position of the row with key k.
func (t *table[R]) pos(k string) (int, bool) {
	if i, ok := t.idx.get(k); ok {
		return i, true
	}
	if t.keys == nil {
		return 0, false
	}
	return t.keys.find(k, t.keyText.at)
}

// merge returns a new table with the changed rows replaced and the added
// ones appended in the order they were added, in the last shard while it
// has room and in new shards after; t is left as it was.
func (t *table[R]) merge(changed map[string]*R, added []string) *table[R] {
	n := &table[R]{rows: make([]*R, len(t.rows), len(t.rows)+len(added)), idx: t.idx, keys: t.keys, keyText: t.keyText, starts: t.starts, limit: t.limit,
		packed: t.packed, history: t.history}
	copy(n.rows, t.rows)
	for k, r := range changed {
		if i, ok := t.pos(k); ok {
			n.rows[i] = r
		}
	}
	if len(added) > 0 {
		e := t.idx.edit()
		for _, k := range added {
			p := len(n.rows)
			if last := len(n.starts) - 1; last < 0 || p-n.starts[last] >= max(n.limit, 1) {
				if last >= 0 {
					n.pack(last) // the shard that was last is history now
				}
				n.starts = append(n.starts[:len(n.starts):len(n.starts)], p) // never writes into t's array
			}
			e.set(k, p)
			n.rows = append(n.rows, changed[k])
		}
		n.idx = e.done()
	}
	return n
}

// shardOf is the shard that holds the row at position p.
func (t *table[R]) shardOf(p int) int {
	return sort.Search(len(t.starts), func(i int) bool { return t.starts[i] > p }) - 1
}

// shardEnd is the position after shard k's last row.
func (t *table[R]) shardEnd(k int) int {
	if k+1 < len(t.starts) {
		return t.starts[k+1]
	}
	return len(t.rows)
}

// shardRows is shard k's rows, unpacked if the shard is packed.
func (t *table[R]) shardRows(k int) []*R {
	rows := t.rows[t.starts[k]:t.shardEnd(k)]
	if k >= len(t.packed) || t.packed[k] == nil {
		return rows
	}
	if u := t.unpacked.Load(); u != nil && u.k == k {
		return u.rows
	}
	u := &unpackedShard[R]{k: k, rows: t.unpack(k, rows)}
	t.unpacked.Store(u)
	return u.rows
}

// unpackedShard is a packed shard's rows, decoded.
type unpackedShard[R record] struct {
	k    int
	rows []*R
}

// each calls fn for every row in file order, shard by shard, until fn
// returns false.
func (t *table[R]) each(fn func(r *R) bool) {
	for k := range t.starts {
		for _, r := range t.shardRows(k) {
			if !fn(r) {
				return
			}
		}
	}
}

func encodeRows[R record](rows []*R) ([]byte, error) {
	vals := make([]R, len(rows))
	for i, r := range rows {
		vals[i] = *r
	}
	return encodeCSV(vals)
}

// overlay is a table seen through a transaction's pending changes. Changes
// of the running mutation sit in cur until it succeeds (keep) or refuses
// (drop); those of earlier mutations of the same group sit in done.
type overlay[R record] struct {
	base      *table[R]
	done, cur map[string]*R
	added     []string  // new keys in order, done and cur alike
	curAdded  int       // how many of added belong to cur
	merged    *table[R] // result, once asked for
}

func (o *overlay[R]) get(k string) (R, bool) {
	if r, ok := o.cur[k]; ok {
		return *r, true
	}
	if r, ok := o.done[k]; ok {
		return *r, true
	}
	if r, ok := o.base.get(k); ok {
		return *r, true
	}
	var zero R
	return zero, false
}

// has reports whether a row with key k exists, without reading it.
func (o *overlay[R]) has(k string) bool {
	if _, ok := o.cur[k]; ok {
		return true
	}
	if _, ok := o.done[k]; ok {
		return true
	}
	_, ok := o.base.pos(k)
	return ok
}

func (o *overlay[R]) put(r R) {
	k := r.key()
	if !o.has(k) {
		o.added = append(o.added, k)
		o.curAdded++
	}
	if o.cur == nil {
		o.cur = make(map[string]*R)
	}
	o.cur[k] = &r
}

func (o *overlay[R]) all() iter.Seq[R] {
	return func(yield func(R) bool) {
		stopped := false
		o.base.each(func(r *R) bool {
			stopped = !yield(o.latest((*r).key(), r))
			return !stopped
		})
		if stopped {
			return
		}
		for _, k := range o.added {
			r, _ := o.get(k)
			if !yield(r) {
				return
			}
		}
	}
}

// latest is the row k as the transaction sees it, given its base row:
// only the transaction's own changes are looked up, never the base again
// (which, in a packed shard, would decode the shard once per row).
func (o *overlay[R]) latest(k string, base *R) R {
	if r, ok := o.cur[k]; ok {
		return *r
	}
	if r, ok := o.done[k]; ok {
		return *r
	}
	return *base
}

// check reports a row of the running mutation that cannot be written.
func (o *overlay[R]) check() error {
	for k, r := range o.cur {
		if err := checkRow(*r); err != nil {
			return fmt.Errorf("row %s: %w", k, err)
		}
	}
	return nil
}

func (o *overlay[R]) changed() bool { return len(o.cur) > 0 || len(o.done) > 0 }

func (o *overlay[R]) keep() {
	if len(o.cur) == 0 {
		return
	}
	if o.done == nil {
		o.done = make(map[string]*R, len(o.cur))
	}
	for k, r := range o.cur {
		o.done[k] = r
	}
	o.cur = nil
	o.curAdded = 0
	o.merged = nil
}

func (o *overlay[R]) drop() {
	o.cur = nil
	o.added = o.added[:len(o.added)-o.curAdded]
	o.curAdded = 0
}

// result is the table after the kept changes.
func (o *overlay[R]) result() *table[R] {
	if len(o.done) == 0 {
		return o.base
	}
	if o.merged == nil {
		o.merged = o.base.merge(o.done, o.added)
	}
	return o.merged
}

// changedKeys lists the keys the transaction changed, base rows in file
// order first, then new rows in the order they were added.
func (o *overlay[R]) changedKeys() []string {
	if len(o.cur) == 0 && len(o.done) == 0 {
		return nil
	}
	var keys []string
	for _, layer := range []map[string]*R{o.done, o.cur} {
		for k := range layer {
			if _, inBase := o.base.pos(k); inBase {
				keys = append(keys, k)
			}
		}
	}
	pos := func(k string) int { p, _ := o.base.pos(k); return p }
	sort.Slice(keys, func(i, j int) bool { return pos(keys[i]) < pos(keys[j]) })
	return append(keys, o.added...)
}

// touched lists the shards of the result that the kept changes write to,
// in order.
func (o *overlay[R]) touched() []int {
	res := o.result()
	seen := map[int]bool{}
	var ks []int
	mark := func(p int) {
		if k := res.shardOf(p); !seen[k] {
			seen[k] = true
			ks = append(ks, k)
		}
	}
	for k := range o.done {
		if p, ok := o.base.pos(k); ok {
			mark(p)
		}
	}
	for i := range o.added {
		mark(len(o.base.rows) + i)
	}
	sort.Ints(ks)
	return ks
}

// files encodes the shards the kept changes write to, named in dir.
func (o *overlay[R]) files(dir string) ([]shardFile, error) {
	res := o.result()
	var out []shardFile
	for _, k := range o.touched() {
		data, err := encodeRows(res.shardRows(k))
		if err != nil {
			return nil, err
		}
		out = append(out, shardFile{path: ShardPath(dir, k+1), data: data})
	}
	return out, nil
}
