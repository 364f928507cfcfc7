package ledger

import (
	"context"
	"path"
	"strings"
)

// bulkFrom is how many files a load must read before it asks a
// BlobReader for them all at once: below it, reading them one by one
// costs about as much.
const bulkFrom = 32

// prefetch reads at once, when st can (BlobReader), the files of the
// indexes and journals in tree that prev does not hold already, and
// returns a store that answers those reads from memory and any other from
// st. When the bulk read fails the load reads file by file, as without.
func prefetch(ctx context.Context, st Store, tree Tree, prev *Snapshot) Store {
	br, ok := st.(BlobReader)
	if !ok {
		return st
	}
	var shas []string
	for p, sha := range tree.Files {
		if !strings.HasSuffix(p, ".csv") || !loadedDir(path.Dir(p), p) {
			continue
		}
		if prev != nil {
			if old, ok := prev.tree.get(p); ok && old == sha {
				continue
			}
		}
		shas = append(shas, sha)
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

// loadedDir reports whether a file in dir is one a load reads: a shard of
// an index or a journal, or an index's file of the old layout.
func loadedDir(dir, p string) bool {
	switch dir {
	case EventsDir, SCDir, SKDir, TreasuryDir, VotesDir:
		return true
	}
	for _, ix := range indexes {
		if dir == ix.dir || p == legacyPath(ix.dir) {
			return true
		}
	}
	return false
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
