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
