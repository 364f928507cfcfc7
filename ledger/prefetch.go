package ledger

import (
	"context"
	"strings"
	"sync"

	"github.com/rs/zerolog"
)

// bulkFrom is how many files a load must read before it asks a
// BlobReader for them all at once: below it, reading them one by one
// costs about as much.
const bulkFrom = 32

// prefetch starts fetching at once, when st can (BlobReader), the files of
// the indexes and journals that prev does not hold already (dirs: the
// tree's files grouped by folder, see folders, read in the order of order;
// and any index file of the old layout), and returns a store that answers
// those reads from what the fetch brought, each as soon as it has arrived,
// and any other from st. The load decodes the first files while the
// others are on their way. When the fetch fails, the files it did not
// bring are read one by one, as without, and log says so: the load is
// slower, and the operator should know why.
//
// stop must be called once the load is done with the store: it ends a
// fetch still running (after a failed load) and lets its files go.
func prefetch(ctx context.Context, st Store, tree Tree, order []string, dirs map[string][]string, prev *Snapshot, log *zerolog.Logger) (_ Store, stop func()) {
	br, ok := st.(BlobReader)
	if !ok {
		return st, func() {}
	}
	p := &prefetched{Store: st, files: tree.Files, waiting: map[string]int{}, arrival: map[string]chan struct{}{}, blobs: map[string]Blob{},
		decoding: make(chan struct{}, readers), ended: make(chan struct{})}
	var shas []string
	want := func(path string) {
		sha, ok := tree.Files[path]
		if !ok || !strings.HasSuffix(path, ".csv") {
			return
		}
		if prev != nil {
			if old, ok := prev.tree.get(path); ok && old == sha {
				return
			}
		}
		if p.waiting[sha] == 0 {
			shas = append(shas, sha)
			p.arrival[sha] = make(chan struct{})
		}
		p.waiting[sha]++ // two files of the same content are one blob
	}
	for _, dir := range order {
		want(legacyPath(dir))
		for _, path := range dirs[dir] {
			want(path)
		}
	}
	if len(shas) < bulkFrom {
		return st, func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		defer close(p.ended)
		// One request: parts fetched side by side only compete with the
		// forge's packing and this side's decoding for the same cores.
		err := safely(0, func(int) error { return br.ReadBlobs(ctx, shas, p.got) })
		if err != nil && ctx.Err() == nil {
			p.mu.Lock()
			defer p.mu.Unlock()
			log.Warn().Err(err).Int("files", len(shas)).Int("brought", p.brought).
				Msg("the forge did not hand over the ledger's files in one fetch (partial clones turned off on the forge?); reading the rest one by one, which is slower")
		}
	}()
	return p, func() {
		cancel()
		<-p.ended
		p.mu.Lock()
		defer p.mu.Unlock()
		p.blobs = nil
	}
}

// prefetched answers reads of the files being fetched at once from what
// the fetch brought, waiting for a file that is yet to come.
type prefetched struct {
	Store
	files map[string]string // path → blob SHA, as the tree lists them
	// decoding bounds the files the load decodes at once (see eachFile):
	// the files arrive faster than they decode.
	decoding chan struct{}

	ended chan struct{} // closed when the fetch has ended: a blob not here by then will not come

	mu sync.Mutex
	// arrival is closed for each blob SHA when the blob arrives: a read
	// waits for its own blob, and no other read wakes.
	arrival map[string]chan struct{}
	waiting map[string]int  // blob SHA → reads of it to come
	blobs   map[string]Blob // blob SHA → the blob, arrived and still to be read
	brought int             // blobs the fetch brought
}

func (p *prefetched) got(b Blob) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	ch, wanted := p.arrival[b.SHA]
	if !wanted {
		return nil
	}
	select {
	case <-ch: // here already: a blob handed over twice is taken once
	default:
		p.brought++
		p.blobs[b.SHA] = b
		close(ch)
	}
	return nil
}

func (p *prefetched) ReadFile(ctx context.Context, name string) (File, error) {
	if sha, ok := p.files[name]; ok {
		if b, ok := p.take(ctx, sha); ok {
			return File{Path: name, Content: b.Content, SHA: sha}, nil
		}
	}
	return p.Store.ReadFile(ctx, name)
}

// take waits for blob sha if the fetch is to bring it, and hands it over;
// the last read of a blob lets it go. It reports false for a blob the
// fetch does not bring, or no longer will, or once ctx ends.
func (p *prefetched) take(ctx context.Context, sha string) (Blob, bool) {
	p.mu.Lock()
	ch, wanted := p.arrival[sha]
	p.mu.Unlock()
	if !wanted {
		return Blob{}, false
	}
	select {
	case <-ch:
	case <-p.ended:
	case <-ctx.Done():
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	b, ok := p.blobs[sha]
	if !ok {
		return Blob{}, false
	}
	if p.waiting[sha]--; p.waiting[sha] == 0 {
		delete(p.blobs, sha)
	}
	return b, true
}

func (p *prefetched) acquire(ctx context.Context) error {
	select {
	case p.decoding <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *prefetched) release() { <-p.decoding }
