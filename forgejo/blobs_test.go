package forgejo

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

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
		shas = append(shas, sha)
	}
	blobs, err := c.ReadBlobs(t.Context(), shas)
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
	if len(blobs) != len(shas) {
		t.Errorf("%d blobs for %d SHAs", len(blobs), len(shas))
	}
	if _, err := c.ReadBlobs(t.Context(), []string{"0123456789012345678901234567890123456789"}); err == nil {
		t.Error("a SHA the repository does not hold was answered")
	}
}

// countingClient counts the files read one by one; failBlobs makes
// ReadBlobs fail, as on a forge with partial clones turned off.
type countingClient struct {
	*Client
	reads     atomic.Int32
	failBlobs bool
}

func (c *countingClient) ReadFile(ctx context.Context, p string) (ledger.File, error) {
	c.reads.Add(1)
	return c.Client.ReadFile(ctx, p)
}

func (c *countingClient) ReadBlobs(ctx context.Context, shas []string) (map[string][]byte, error) {
	if c.failBlobs {
		return nil, errors.New("partial clones are turned off")
	}
	return c.Client.ReadBlobs(ctx, shas)
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
	// Sent together, so that they share a few commits.
	errs := make(chan error, tasks)
	for i := range tasks {
		go func() {
			_, err := l.Apply(t.Context(), ledgertest.AddTask(fmt.Sprintf("$t%d", i), fmt.Sprintf("6_1_1_%d", i+1)))
			errs <- err
		}()
	}
	for range tasks {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	for _, fail := range []bool{false, true} {
		cc := &countingClient{Client: c, failBlobs: fail}
		l, err := ledger.Open(t.Context(), cc, ledger.Options{ShardRows: 1})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for range l.Current().Read().Tasks() {
			n++
		}
		l.Close()
		if n != tasks {
			t.Errorf("bulk read failing %v: %d tasks loaded, want %d", fail, n, tasks)
		}
		switch reads := cc.reads.Load(); {
		case !fail && reads > 2:
			t.Errorf("%d files read one by one, though the forge hands them over at once", reads)
		case fail && reads < tasks:
			t.Errorf("only %d files read one by one after the bulk read failed; want at least %d", reads, tasks)
		}
	}
}
