package ledger

// cowBuckets is how many buckets a cowMap splits its keys into. A commit
// copies only the buckets it changes: with 10,000 owners a bucket holds
// about 20, so a commit copies a few dozen entries, not the whole map.
const cowBuckets = 512

// cowMap is a string-keyed map that is never changed in place: an edit
// copies the buckets it writes to and shares the rest. It lets each
// snapshot hold its own running sums without copying them whole.
type cowMap[V any] struct {
	b *[cowBuckets]map[string]V // nil when empty
}

func bucketOf(k string) int {
	// FNV-1a: stable, cheap, and spreads aliases and row IDs well enough.
	h := uint32(2166136261)
	for i := 0; i < len(k); i++ {
		h ^= uint32(k[i])
		h *= 16777619
	}
	return int(h % cowBuckets)
}

func (m cowMap[V]) get(k string) (V, bool) {
	if m.b == nil {
		var zero V
		return zero, false
	}
	v, ok := m.b[bucketOf(k)][k]
	return v, ok
}

// len counts the entries; it walks the buckets, so it is for tests and verify.
func (m cowMap[V]) len() int {
	n := 0
	if m.b != nil {
		for _, b := range m.b {
			n += len(b)
		}
	}
	return n
}

// each calls f for every entry, in no particular order.
func (m cowMap[V]) each(f func(k string, v V)) {
	if m.b == nil {
		return
	}
	for _, b := range m.b {
		for k, v := range b {
			f(k, v)
		}
	}
}

func (m cowMap[V]) edit() cowEdit[V] { return cowEdit[V]{base: m} }

// cowEdit is a cowMap being changed.
type cowEdit[V any] struct {
	base   cowMap[V]
	next   *[cowBuckets]map[string]V
	copied *[cowBuckets]bool
}

func (e *cowEdit[V]) get(k string) (V, bool) {
	if e.next != nil {
		v, ok := e.next[bucketOf(k)][k]
		return v, ok
	}
	return e.base.get(k)
}

// bucket returns bucket i ready to write, copying it on first write.
func (e *cowEdit[V]) bucket(i int) map[string]V {
	if e.next == nil {
		e.next, e.copied = new([cowBuckets]map[string]V), new([cowBuckets]bool)
		if e.base.b != nil {
			*e.next = *e.base.b
		}
	}
	if !e.copied[i] {
		old := e.next[i]
		b := make(map[string]V, len(old)+1)
		for k, v := range old {
			b[k] = v
		}
		e.next[i], e.copied[i] = b, true
	}
	return e.next[i]
}

func (e *cowEdit[V]) set(k string, v V) { e.bucket(bucketOf(k))[k] = v }

func (e *cowEdit[V]) del(k string) {
	if _, ok := e.get(k); ok {
		delete(e.bucket(bucketOf(k)), k)
	}
}

// done is the edited map; the edit must not be used after.
func (e *cowEdit[V]) done() cowMap[V] {
	if e.next == nil {
		return e.base
	}
	return cowMap[V]{b: e.next}
}

// cowFrom copies a plain map into a cowMap.
func cowFrom[V any](m map[string]V) cowMap[V] {
	if len(m) == 0 {
		return cowMap[V]{}
	}
	b := new([cowBuckets]map[string]V)
	for k, v := range m {
		i := bucketOf(k)
		if b[i] == nil {
			b[i] = make(map[string]V, len(m)/cowBuckets+1)
		}
		b[i][k] = v
	}
	return cowMap[V]{b: b}
}
