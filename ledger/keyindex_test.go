package ledger

import "testing"

// Keys whose hashes collide are each found, and a key that is not there
// is not found through another's hash.
func TestKeyIndexFindsEveryKeyDespiteAClash(t *testing.T) {
	keys := []string{"$a", "$b", "$c"}
	x := newKeyIndex(len(keys))
	for i, k := range keys {
		x.add(k, i)
	}
	// Force a clash: "$d" goes where "$a"'s hash is, as a colliding key would.
	x.clash = map[string]int{"$d": 3}
	keys = append(keys, "$d")
	keyAt := func(i int) string { return keys[i] }
	for i, k := range keys {
		if got, ok := x.find(k, keyAt); !ok || got != i {
			t.Errorf("find(%q) = %d, %v; want %d", k, got, ok, i)
		}
	}
	if _, ok := x.find("$z", keyAt); ok {
		t.Error("a key that is not there was found")
	}
	// A key whose hash is present but whose row holds another key.
	x.byHash[keyHash("$y")] = 0
	if _, ok := x.find("$y", keyAt); ok {
		t.Error("a key was answered by another key's row")
	}
}
