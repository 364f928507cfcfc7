package ledger

import (
	"math"
	"sort"
	"strings"
)

// keyIndex finds a row of a shard by its key through the key's 64-bit
// hash, so that it does not hold the key strings: a packed shard's
// decoded rows are then garbage as a whole, not kept alive by their keys.
// The hashes are a sorted slice, 12 bytes a row (a map would take two to
// three times that). A find checks the row's key, so a hash that two keys
// share never answers for the wrong one.
type keyIndex struct {
	hashes []uint64 // sorted
	rows   []int32  // rows[i] is the row whose key hashes to hashes[i]
	// clash holds the keys whose hash an earlier key of the shard had.
	clash map[string]int
}

func newKeyIndex(n int) *keyIndex {
	return &keyIndex{hashes: make([]uint64, 0, n), rows: make([]int32, 0, n)}
}

func keyHash(k string) uint64 {
	// FNV-1a, 64 bits.
	h := uint64(14695981039346656037)
	for i := 0; i < len(k); i++ {
		h ^= uint64(k[i])
		h *= 1099511628211
	}
	return h
}

// add records key k at row i; the index is sorted once all are added
// (seal), before any find.
func (x *keyIndex) add(k string, i int) {
	x.hashes = append(x.hashes, keyHash(k))
	x.rows = append(x.rows, int32(i))
}

// seal sorts the index and moves rows whose hash an earlier row of the
// shard has to the clash map, keyed by keyAt. A key an earlier row has
// already is not added again (find answers the earliest) and is returned
// as dup.
func (x *keyIndex) seal(keyAt func(i int) string) (dup string, twice bool) {
	sort.Sort(byHash{x})
	hs, rs := x.hashes[:0], x.rows[:0]
	for i := range x.hashes {
		if len(hs) > 0 && hs[len(hs)-1] == x.hashes[i] {
			k := keyAt(int(x.rows[i]))
			_, inClash := x.clash[k]
			if inClash || k == keyAt(int(rs[len(rs)-1])) {
				if !twice {
					dup, twice = k, true
				}
				continue
			}
			if x.clash == nil {
				x.clash = map[string]int{}
			}
			// A copy: the key may be a slice of its whole file (loadValues).
			x.clash[strings.Clone(k)] = int(x.rows[i])
			continue
		}
		hs, rs = append(hs, x.hashes[i]), append(rs, x.rows[i])
	}
	x.hashes, x.rows = hs, rs
	return dup, twice
}

type byHash struct{ *keyIndex }

func (b byHash) Len() int { return len(b.hashes) }
func (b byHash) Less(i, j int) bool {
	if b.hashes[i] != b.hashes[j] {
		return b.hashes[i] < b.hashes[j]
	}
	return b.rows[i] < b.rows[j] // the earliest row of a clash stays in the slice
}
func (b byHash) Swap(i, j int) {
	b.hashes[i], b.hashes[j] = b.hashes[j], b.hashes[i]
	b.rows[i], b.rows[j] = b.rows[j], b.rows[i]
}

// find returns the position of k, given the key of the row at a position.
func (x *keyIndex) find(k string, keyAt func(i int) string) (int, bool) {
	h := keyHash(k)
	if j := sort.Search(len(x.hashes), func(j int) bool { return x.hashes[j] >= h }); j < len(x.hashes) && x.hashes[j] == h {
		if i := int(x.rows[j]); keyAt(i) == k {
			return i, true
		}
	}
	i, ok := x.clash[k]
	return i, ok
}

// keyList holds many keys as one string and where each ends: 4 bytes a
// key beyond its text, where a string of its own takes 16 and more.
type keyList struct {
	text string
	ends []uint32 // key i is text[ends[i-1]:ends[i]]
}

// newKeyList copies the n keys keyAt gives into a keyList; ok is false if
// their text is too long to be indexed by 32 bits.
func newKeyList(n int, keyAt func(i int) string) (keyList, bool) {
	size := 0
	for i := range n {
		size += len(keyAt(i))
	}
	if size > math.MaxUint32 {
		return keyList{}, false
	}
	var b strings.Builder
	b.Grow(size)
	ends := make([]uint32, n)
	for i := range n {
		b.WriteString(keyAt(i))
		ends[i] = uint32(b.Len())
	}
	return keyList{text: b.String(), ends: ends}, true
}

// at is key i.
func (l keyList) at(i int) string {
	start := uint32(0)
	if i > 0 {
		start = l.ends[i-1]
	}
	return l.text[start:l.ends[i]]
}
