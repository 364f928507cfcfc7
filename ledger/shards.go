package ledger

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

// An index is a folder of shards, indexes/<name>/0001.csv, 0002.csv, …,
// each a CSV file with the header and at most Options.ShardRows rows (a
// shard written by hand, or under another limit, may hold more). Rows are
// in the order they were first written and stay in their shard for good:
// a new row goes into the last shard while it has room, else into a new
// one. So a command that changes or adds a row re-uploads one bounded file,
// whatever the size of the index, and a person finds a row by its order of
// creation (a task's page links its record; the shards are in that order).

// ShardPath names shard n (counted from 1) of the index in dir.
func ShardPath(dir string, n int) string { return fmt.Sprintf("%s/%04d.csv", dir, n) }

// legacyPath is where an index lived before it was split into shards: one
// file beside its folder's name. Only migration reads it.
func legacyPath(dir string) string { return dir + ".csv" }

// shardFile is one shard's path and content, to be written.
type shardFile struct {
	path string
	data []byte
}

// shardNumber reads the n of <dir>/NNNN.csv.
func shardNumber(p string) (int, bool) {
	name, ok := strings.CutSuffix(path.Base(p), ".csv")
	if !ok || len(name) < 4 {
		return 0, false
	}
	n, err := strconv.Atoi(name)
	if err != nil || n < 1 || name != fmt.Sprintf("%04d", n) {
		return 0, false
	}
	return n, true
}

// folders groups the tree's files under the folders of the indexes and
// the journals, so that a load walks the tree (pages and all) once, not
// once per index and journal.
func folders(files map[string]string) map[string][]string {
	dirs := map[string]bool{}
	for _, d := range loadOrder() {
		dirs[d] = true
	}
	out := map[string][]string{}
	for p := range files {
		if d := path.Dir(p); dirs[d] {
			out[d] = append(out[d], p)
		}
	}
	// In name order, which is the order of the shards' numbers and the
	// order a load reads them in (see loadOrder).
	for _, paths := range out {
		slices.Sort(paths)
	}
	return out
}

// loadOrder is the folders in the order load reads them.
func loadOrder() []string {
	order := make([]string, 0, len(indexes)+5)
	for _, ix := range indexes {
		order = append(order, ix.dir)
	}
	return append(order, EventsDir, SCDir, SKDir, TreasuryDir, VotesDir)
}

// shardPaths orders an index's files by shard number and checks that they
// are 0001.csv … NNNN.csv without a gap: a shard missing or misnamed would
// lose rows or put them out of order.
func shardPaths(dir string, paths []string) ([]string, error) {
	nums := make(map[int]string, len(paths))
	for _, p := range paths {
		n, ok := shardNumber(p)
		if !ok {
			return nil, fmt.Errorf("%s: %s is not a shard (shards are named 0001.csv, 0002.csv, …)", dir, p)
		}
		nums[n] = p
	}
	out := make([]string, 0, len(nums))
	for n := 1; n <= len(nums); n++ {
		p, ok := nums[n]
		if !ok {
			return nil, fmt.Errorf("%s: shard %s is missing, so the rows after it would be out of order", dir, ShardPath(dir, n))
		}
		out = append(out, p)
	}
	return out, nil
}

// loadIndex reads an index's shards, reusing the rows of every shard whose
// SHA prev already had: after someone else's commit only the shards that
// changed travel. history says whether the table holds its earlier shards
// packed (see cold.go).
func loadIndex[R record](ctx context.Context, st Store, dir string, paths []string, tree map[string]string, prev *table[R], prevTree cowMap[string], limit int, history bool) (*table[R], error) {
	if prev != nil && len(prev.starts) == len(paths) && prev.limit == limit && sameSHAs(paths, tree, prevTree) {
		return prev, nil
	}
	// Each shard's rows: prev's where its SHA is unchanged, else read and
	// decoded, a few shards at a time.
	parts := make([][]*R, len(paths))
	raw := make([]fileBytes, len(paths))
	var todo []int // the shards to read
	for k, p := range paths {
		if prev != nil && k < len(prev.starts) {
			if old, ok := prevTree.get(p); ok && old == tree[p] {
				parts[k] = prev.shardRows(k)
				continue
			}
		}
		todo = append(todo, k)
	}
	todoPaths := make([]string, len(todo))
	for i, k := range todo {
		todoPaths[i] = paths[k]
	}
	err := eachFile(ctx, st, todoPaths, tree, func(i int, f fileBytes) error {
		k := todo[i]
		decoded, err := decodeCSV[R](paths[k], f.data, loadValues[R](k == len(paths)-1 || !history))
		if err != nil {
			return err
		}
		raw[k] = f
		parts[k] = make([]*R, len(decoded))
		for i := range decoded {
			parts[k][i] = &decoded[i]
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var rows []*R
	starts := make([]int, 0, len(paths))
	for _, part := range parts {
		starts = append(starts, len(rows))
		rows = append(rows, part...)
	}
	t, err := newTable(rows, starts, limit, history)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	t.raw, t.history = raw, history
	return t, nil
}

func sameSHAs(paths []string, tree map[string]string, prevTree cowMap[string]) bool {
	for _, p := range paths {
		if old, ok := prevTree.get(p); !ok || old != tree[p] {
			return false
		}
	}
	return true
}

// loadLegacy reads an index from its one file of the old layout, laid out
// in memory as the shards migration will write.
func loadLegacy[R record](ctx context.Context, st Store, dir, sha string, limit int) (*table[R], error) {
	p := legacyPath(dir)
	data, err := readAt(ctx, st, p, sha)
	if err != nil {
		return nil, err
	}
	decoded, err := DecodeCSV[R](p, data)
	if err != nil {
		return nil, err
	}
	rows := make([]*R, len(decoded))
	for i := range decoded {
		rows[i] = &decoded[i]
	}
	t, err := newTable(rows, shardStarts(len(rows), limit), limit, false)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return t, nil
}

// shardStarts is where the shards of n rows start, limit rows to a shard:
// the layout a whole index is written in at once (migration, generated
// ledgers).
func shardStarts(n, limit int) []int {
	var starts []int
	for i := 0; i < n; i += max(limit, 1) {
		starts = append(starts, i)
	}
	return starts
}

// allFiles encodes every shard of t, named in dir.
func (t *table[R]) allFiles(dir string) ([]shardFile, error) {
	out := make([]shardFile, 0, len(t.starts))
	for k := range t.starts {
		data, err := encodeRows(t.shardRows(k))
		if err != nil {
			return nil, err
		}
		out = append(out, shardFile{path: ShardPath(dir, k+1), data: data})
	}
	return out, nil
}

// IndexChanges lays rows out as the shards of the index in dir, shardRows
// to a file, as commits to create them: for tools that build a ledger
// outside the writer (the benchmarks' generated communities).
func IndexChanges[R record](dir string, rows []R, shardRows int) []Change {
	ptrs := make([]*R, len(rows))
	for i := range rows {
		ptrs[i] = &rows[i]
	}
	t, err := newTable(ptrs, shardStarts(len(ptrs), shardRows), shardRows, false)
	if err != nil {
		panic(err)
	}
	files, err := t.allFiles(dir)
	if err != nil {
		panic(err)
	}
	out := make([]Change, len(files))
	for i, f := range files {
		out[i] = Change{Op: OpCreate, Path: f.path, Content: f.data}
	}
	return out
}
