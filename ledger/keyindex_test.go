package ledger

import "testing"

// Keys whose hashes collide are each found, and a key that is not there
// is not found through another's hash.
func TestKeyIndexFindsEveryKeyDespiteAClash(t *testing.T) {
	keys := []string{"$a", "$b", "$c", "$d"}
	x := newKeyIndex(len(keys))
	for i, k := range keys[:3] {
		x.add(k, i)
	}
	// Force a clash: "$d" is added under "$a"'s hash, as a colliding key would be.
	x.hashes, x.rows = append(x.hashes, keyHash("$a")), append(x.rows, 3)
	keyAt := func(i int) string { return keys[i] }
	x.seal(keyAt)
	for i, k := range keys {
		if got, ok := x.find(k, keyAt); !ok || got != i {
			t.Errorf("find(%q) = %d, %v; want %d", k, got, ok, i)
		}
	}
	if _, ok := x.find("$z", keyAt); ok {
		t.Error("a key that is not there was found")
	}
	// A key whose hash is present but whose row holds another key.
	x.hashes, x.rows = append(x.hashes, keyHash("$y")), append(x.rows, 0)
	x.seal(keyAt)
	if _, ok := x.find("$y", keyAt); ok {
		t.Error("a key was answered by another key's row")
	}
}

// seal reports a key that two rows hold, whether its hash is shared with
// other keys or not, and nothing when every key is distinct.
func TestKeyIndexSealReportsAKeyTwice(t *testing.T) {
	for name, c := range map[string]struct {
		keys   []string
		clash  bool // file the last key under "$a"'s hash, as if they collided
		twice  string
		unique bool
	}{
		"distinct":          {keys: []string{"$a", "$b", "$c"}, unique: true},
		"a key twice":       {keys: []string{"$a", "$b", "$a"}, twice: "$a"},
		"distinct in clash": {keys: []string{"$a", "$b", "$d"}, clash: true, unique: true},
		"twice in a clash":  {keys: []string{"$a", "$d", "$d"}, clash: true, twice: "$d"},
	} {
		x := newKeyIndex(len(c.keys))
		for i, k := range c.keys {
			if c.clash && i > 0 && k == "$d" {
				x.hashes, x.rows = append(x.hashes, keyHash("$a")), append(x.rows, int32(i))
				continue
			}
			x.add(k, i)
		}
		keyAt := func(i int) string { return c.keys[i] }
		dup, twice := x.seal(keyAt)
		if twice == c.unique || dup != c.twice {
			t.Errorf("%s: seal = %q, %v; want %q, %v", name, dup, twice, c.twice, !c.unique)
		}
		if c.unique {
			for i, k := range c.keys {
				if got, ok := x.find(k, keyAt); !ok || got != i {
					t.Errorf("%s: find(%q) = %d, %v; want %d", name, k, got, ok, i)
				}
			}
		}
	}
}
