package localgit

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// readTree decodes a tree's entries, in git's order. It does the work of
// go-git's object.Tree.Decode without a buffered reader and an allocation
// per entry: the names are slices of one string. Ledger folders hold
// thousands of files, and every read and commit decodes the folders on its
// path.
func readTree(st storer.EncodedObjectStorer, h plumbing.Hash) ([]object.TreeEntry, error) {
	obj, err := st.EncodedObject(plumbing.TreeObject, h)
	if err != nil {
		return nil, fmt.Errorf("localgit: tree %s: %w", h, err)
	}
	r, err := obj.Reader()
	if err != nil {
		return nil, fmt.Errorf("localgit: tree %s: %w", h, err)
	}
	var sb strings.Builder
	sb.Grow(int(obj.Size()))
	_, err = io.Copy(&sb, r)
	_ = r.Close()
	if err != nil {
		return nil, fmt.Errorf("localgit: tree %s: %w", h, err)
	}
	data := sb.String()
	entries := make([]object.TreeEntry, 0, len(data)/40)
	for len(data) > 0 {
		sp := strings.IndexByte(data, ' ')
		if sp < 0 {
			return nil, fmt.Errorf("localgit: tree %s: malformed entry", h)
		}
		mode, err := strconv.ParseUint(data[:sp], 8, 32)
		if err != nil {
			return nil, fmt.Errorf("localgit: tree %s: mode %q: %w", h, data[:sp], err)
		}
		rest := data[sp+1:]
		nul := strings.IndexByte(rest, 0)
		if nul < 0 || len(rest) < nul+1+len(plumbing.ZeroHash) {
			return nil, fmt.Errorf("localgit: tree %s: malformed entry", h)
		}
		e := object.TreeEntry{Name: rest[:nul], Mode: filemode.FileMode(mode)}
		copy(e.Hash[:], rest[nul+1:])
		entries = append(entries, e)
		data = rest[nul+1+len(plumbing.ZeroHash):]
	}
	return entries, nil
}

// writeTree stores entries, which must be in git's order, as a tree.
func writeTree(st storer.EncodedObjectStorer, entries []object.TreeEntry) (plumbing.Hash, error) {
	size := 0
	for _, e := range entries {
		size += len(e.Name) + 8 + len(e.Hash)
	}
	buf := make([]byte, 0, size)
	for _, e := range entries {
		buf = strconv.AppendUint(buf, uint64(e.Mode), 8)
		buf = append(buf, ' ')
		buf = append(buf, e.Name...)
		buf = append(buf, 0)
		buf = append(buf, e.Hash[:]...)
	}
	obj := st.NewEncodedObject()
	obj.SetType(plumbing.TreeObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(buf); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

// compareEntry orders a tree entry against a name the way git does: as if
// a folder's name ended in "/" (so "a.b" comes before the folder "a", which
// comes before "a0").
func compareEntry(e object.TreeEntry, name string, dir bool) int {
	n := min(len(e.Name), len(name))
	if c := strings.Compare(e.Name[:n], name[:n]); c != 0 {
		return c
	}
	return cmpInt(charAt(e.Name, n, e.Mode == filemode.Dir), charAt(name, n, dir))
}

func charAt(name string, i int, dir bool) int {
	switch {
	case i < len(name):
		return int(name[i])
	case dir:
		return '/'
	}
	return 0
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// search finds where an entry for name (a folder if dir) is or would go.
func search(entries []object.TreeEntry, name string, dir bool) (int, bool) {
	i := sort.Search(len(entries), func(i int) bool { return compareEntry(entries[i], name, dir) >= 0 })
	return i, i < len(entries) && entries[i].Name == name && (entries[i].Mode == filemode.Dir) == dir
}

// lookup finds the entry called name, file or folder.
func lookup(entries []object.TreeEntry, name string) (object.TreeEntry, bool) {
	if i, ok := search(entries, name, false); ok {
		return entries[i], true
	}
	if i, ok := search(entries, name, true); ok {
		return entries[i], true
	}
	return object.TreeEntry{}, false
}
