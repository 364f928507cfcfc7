package ledger

import (
	"context"
	"strings"
)

// bulkFrom is how many files a load must read before it asks a
// BlobReader for them all at once: below it, reading them one by one
// costs about as much.
const bulkFrom = 32

// prefetch reads at once, when st can (BlobReader), the files of the
// indexes and journals (dirs: the tree's files grouped by folder, see
// folders; and any index file of the old layout) that prev does not hold
// already, and returns a store that answers those reads from memory and
// any other from st. When the bulk read fails the load reads file by file,
// as without.
func prefetch(ctx context.Context, st Store, tree Tree, dirs map[string][]string, prev *Snapshot) Store {
	br, ok := st.(BlobReader)
	if !ok {
		return st
	}
	var shas []string
	want := func(p string) {
		sha, ok := tree.Files[p]
		if !ok || !strings.HasSuffix(p, ".csv") {
			return
		}
		if prev != nil {
			if old, ok := prev.tree.get(p); ok && old == sha {
				return
			}
		}
		shas = append(shas, sha)
	}
	for _, paths := range dirs {
		for _, p := range paths {
			want(p)
		}
	}
	for _, ix := range indexes {
		want(legacyPath(ix.dir))
	}
	if len(shas) < bulkFrom {
		return st
	}
	// One request: parts fetched side by side only compete with the
	// forge's packing and this side's decoding for the same cores.
	blobs, err := br.ReadBlobs(ctx, shas)
	if err != nil {
		return st
	}
	return &prefetched{Store: st, files: tree.Files, blobs: blobs}
}

// prefetched answers reads of the files fetched at once from memory.
type prefetched struct {
	Store
	files map[string]string // path → blob SHA, as the tree lists them
	blobs map[string][]byte // blob SHA → content
}

func (p *prefetched) ReadFile(ctx context.Context, name string) (File, error) {
	if sha, ok := p.files[name]; ok {
		if data, ok := p.blobs[sha]; ok {
			return File{Path: name, Content: data, SHA: sha}, nil
		}
	}
	return p.Store.ReadFile(ctx, name)
}
