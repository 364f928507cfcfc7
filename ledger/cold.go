package ledger

import "fmt"

// A table whose history is held packed keeps only its last shard decoded;
// every earlier shard is kept as its file's bytes, deflated, and decoded
// when one of its rows is read. The work-sessions index is one: a
// community's sessions pile up (200,000 held about 70 MB decoded in the
// bench's large ledger) while commands read the few open ones and the
// newest.
// Reading a row of a packed shard decodes that shard (a millisecond or
// two), so tables that queries read row by row (tasks, owners) stay
// decoded.

// pack holds shard k packed: its rows encoded and deflated, and their
// pointers dropped. t must be a table no snapshot holds yet.
func (t *table[R]) pack(k int) {
	if !t.history {
		return
	}
	data, err := encodeRows(t.shardRows(k))
	if err != nil {
		// Every row of the shard was checked before it was written.
		panic(fmt.Sprintf("ledger: a shard that was written no longer encodes: %v", err))
	}
	t.packRaw(k, fileBytes{data: data})
}

// packRaw holds shard k packed from its file's bytes.
func (t *table[R]) packRaw(k int, f fileBytes) {
	packed := make([][]byte, len(t.starts))
	copy(packed, t.packed)
	packed[k] = f.packed()
	t.packed = packed
	rows := t.rows[t.starts[k]:t.shardEnd(k)]
	clear(rows)
}

// unpack decodes packed shard k; a row a commit changed since it was
// packed (not nil in rows) replaces the packed one.
func (t *table[R]) unpack(k int, rows []*R) []*R {
	decoded, err := DecodeCSV[R](fmt.Sprintf("shard %d", k+1), inflate("an index shard", t.packed[k]))
	if err != nil || len(decoded) != len(rows) {
		panic(fmt.Sprintf("ledger: packed shard %d no longer decodes to its %d rows: %v", k+1, len(rows), err))
	}
	out := make([]*R, len(rows))
	for i := range decoded {
		if rows[i] != nil {
			out[i] = rows[i]
		} else {
			out[i] = &decoded[i]
		}
	}
	return out
}

// row is the row at position i.
func (t *table[R]) row(i int) *R {
	if r := t.rows[i]; r != nil {
		return r
	}
	k := t.shardOf(i)
	return t.shardRows(k)[i-t.starts[k]]
}

// settle holds a freshly loaded table's history packed, from the bytes
// the load read where it has them, and forgets those bytes. The load
// builds its indexes of the rows (refs) before, while they are decoded.
func (t *table[R]) settle() {
	raw := t.raw
	t.raw = nil
	if !t.history {
		return
	}
	for k := 0; k+1 < len(t.starts); k++ {
		if k < len(t.packed) && t.packed[k] != nil {
			continue
		}
		if k < len(raw) && raw[k].data != nil {
			t.packRaw(k, raw[k])
		} else {
			t.pack(k)
		}
	}
}
