package forgejo

import (
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/ledgertest"
)

// ReadBlobs hands over exactly the files the tree lists, by their SHAs, in
// one request of git's protocol; an unknown SHA is an error, not a hole.
func TestReadBlobs(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	c, repo := f.repo(t, "")
	mustCommit(t, f, c, repo,
		ledger.Change{Op: ledger.OpCreate, Path: "indexes/tasks/0001.csv", Content: []byte("task_id\n6_1_1_1\n")},
		ledger.Change{Op: ledger.OpCreate, Path: "master-events/2026-11-001.csv", Content: []byte("seq\n1\n")},
		ledger.Change{Op: ledger.OpCreate, Path: "pages/tasks/6_1_1_1.md", Content: []byte("# a page\n")},
	)
	tree, err := c.Tree(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	var shas []string
	for _, sha := range tree.Files {
		shas = append(shas, sha, sha) // a SHA asked for twice is handed over once
	}
	blobs := map[string][]byte{}
	deflated := 0
	err = c.ReadBlobs(t.Context(), shas, func(b ledger.Blob) error {
		if _, twice := blobs[b.SHA]; twice {
			t.Errorf("%s handed over twice", b.SHA)
		}
		blobs[b.SHA] = b.Content
		if b.Deflated != nil {
			deflated++
			if got := inflate(t, b.Deflated); string(got) != string(b.Content) {
				t.Errorf("%s: Deflated inflates to %q, not its content %q", b.SHA, got, b.Content)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, sha := range tree.Files {
		want, err := c.ReadFile(t.Context(), p)
		if err != nil {
			t.Fatal(err)
		}
		if string(blobs[sha]) != string(want.Content) {
			t.Errorf("%s: ReadBlobs gave %q, ReadFile %q", p, blobs[sha], want.Content)
		}
	}
	if deflated == 0 {
		t.Error("no blob came with its compressed stream, though three files unlike each other cannot be deltas")
	}
	if len(blobs) != len(tree.Files) {
		t.Errorf("%d blobs for %d files", len(blobs), len(tree.Files))
	}
	if err := c.ReadBlobs(t.Context(), []string{"0123456789012345678901234567890123456789"}, func(ledger.Blob) error { return nil }); err == nil {
		t.Error("a SHA the repository does not hold was answered")
	}
	stop := errors.New("enough")
	if err := c.ReadBlobs(t.Context(), shas, func(ledger.Blob) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("got's error became %v", err)
	}
}

// countingClient counts the files read one by one; ReadBlobs fails after
// handing over blobsBefore blobs when failBlobs is set: at once as on a
// forge with partial clones turned off, or half-way as when the
// connection breaks.
type countingClient struct {
	*Client
	reads       atomic.Int32
	failBlobs   bool
	blobsBefore int
}

func (c *countingClient) ReadFile(ctx context.Context, p string) (ledger.File, error) {
	c.reads.Add(1)
	return c.Client.ReadFile(ctx, p)
}

func (c *countingClient) ReadBlobs(ctx context.Context, shas []string, got func(ledger.Blob) error) error {
	if !c.failBlobs {
		return c.Client.ReadBlobs(ctx, shas, got)
	}
	broken := errors.New("the fetch broke off")
	n := 0
	err := c.Client.ReadBlobs(ctx, shas, func(b ledger.Blob) error {
		if n == c.blobsBefore {
			return broken
		}
		n++
		return got(b)
	})
	if !errors.Is(err, broken) {
		return fmt.Errorf("the fetch did not break off after %d blobs: %v", c.blobsBefore, err)
	}
	return err
}

// Opening a ledger of many files fetches them in one go; when the forge
// will not, it reads them one by one, and either way reads the same rows.
func TestLoadFetchesShardsAtOnce(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	c, _ := f.repo(t, "")
	l, err := ledger.Open(t.Context(), c, ledger.Options{ShardRows: 1})
	if err != nil {
		t.Fatal(err)
	}
	const tasks = 40 // a shard each, and an audit row each
	// Sent together in two halves, so that they share a few commits, and
	// the audit trail has at least two shards: an earlier one, held
	// packed, and the last.
	errs := make(chan error, tasks)
	for half := range 2 {
		for i := half * tasks / 2; i < (half+1)*tasks/2; i++ {
			go func() {
				_, err := l.Apply(t.Context(), ledgertest.AddTask(fmt.Sprintf("$t%d", i), fmt.Sprintf("6_1_1_%d", i+1)))
				errs <- err
			}()
		}
		for range tasks / 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	}
	l.Close()
	var (
		want, wantEvents []string
		allByOne         int // files read one by one when the bulk read fails at once
	)
	for _, c := range []*countingClient{{Client: c}, {Client: c, failBlobs: true}, {Client: c, failBlobs: true, blobsBefore: tasks / 2}} {
		var logged bytes.Buffer
		log := zerolog.New(&logged)
		l, err := ledger.Open(t.Context(), c, ledger.Options{ShardRows: 1, Log: &log})
		if err != nil {
			t.Fatal(err)
		}
		// The operator is told why the start is slower, and only then.
		if warned := strings.Contains(logged.String(), "did not hand over the ledger's files in one fetch"); warned != c.failBlobs {
			t.Errorf("bulk read failing %v after %d blobs: the log says %q", c.failBlobs, c.blobsBefore, logged.String())
		}
		var ids []string
		read := l.Current().Read()
		for task := range read.Tasks() {
			ids = append(ids, task.ID)
		}
		// The audit trail's earlier shards are held as the forge sent
		// them compressed, when it did: they must read back the same.
		var events []string
		for e := range read.Events() {
			events = append(events, fmt.Sprint(e.Seq, e.EventID, e.Hash))
		}
		l.Close()
		if wantEvents == nil {
			wantEvents = events
		}
		if len(events) < tasks || !slices.Equal(events, wantEvents) {
			t.Errorf("bulk read failing %v after %d blobs: %d audit rows, unlike the first load's %d", c.failBlobs, c.blobsBefore, len(events), len(wantEvents))
		}
		if want == nil {
			want = ids
		}
		if len(ids) != tasks || !slices.Equal(ids, want) {
			t.Errorf("bulk read failing %v after %d blobs: tasks %v, want %d: %v", c.failBlobs, c.blobsBefore, ids, tasks, want)
		}
		reads := int(c.reads.Load())
		switch {
		case !c.failBlobs && reads > 2:
			t.Errorf("%d files read one by one, though the forge hands them over at once", reads)
		case c.failBlobs && c.blobsBefore == 0:
			if reads < tasks {
				t.Errorf("only %d files read one by one after the bulk read failed; want at least %d", reads, tasks)
			}
			allByOne = reads
		case c.failBlobs && reads > allByOne-c.blobsBefore:
			// Each blob that came spares the read of a file.
			t.Errorf("%d files read one by one after the bulk read brought %d of them; %d without any", reads, c.blobsBefore, allByOne)
		}
	}
}

func inflate(t *testing.T, deflated []byte) []byte {
	t.Helper()
	data, err := io.ReadAll(flate.NewReader(bytes.NewReader(deflated)))
	if err != nil {
		t.Fatalf("Deflated does not inflate: %v", err)
	}
	return data
}
