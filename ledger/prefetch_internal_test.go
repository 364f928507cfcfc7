package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"
)

// blobStore is a Store of files in memory whose ReadBlobs hands the blobs
// over newest path first (unlike the order asked), except those it is
// told to leave out; reading a file one by one fails for those in fail.
type blobStore struct {
	files   map[string][]byte
	leave   map[string]bool // paths whose blobs the fetch does not bring
	fail    map[string]error
	singles atomic.Int32 // files read one by one
}

func (s *blobStore) Head(context.Context) (string, error) { return "c1", nil }
func (s *blobStore) Tree(context.Context, string) (Tree, error) {
	t := Tree{Commit: "c1", Files: map[string]string{}}
	for p, d := range s.files {
		t.Files[p] = BlobSHA(d)
	}
	return t, nil
}
func (s *blobStore) ReadFile(_ context.Context, p string) (File, error) {
	s.singles.Add(1)
	if err := s.fail[p]; err != nil {
		return File{}, err
	}
	d, ok := s.files[p]
	if !ok {
		return File{}, ErrNotFound
	}
	return File{Path: p, Content: d, SHA: BlobSHA(d)}, nil
}
func (s *blobStore) Commit(context.Context, Commit) (CommitResult, error) {
	return CommitResult{}, ErrPermanent
}
func (s *blobStore) ReadBlobs(ctx context.Context, shas []string, got func(Blob) error) error {
	bySHA := map[string][]byte{}
	left := map[string]bool{}
	for p, d := range s.files {
		bySHA[BlobSHA(d)] = d
		left[BlobSHA(d)] = s.leave[p]
	}
	for i := len(shas) - 1; i >= 0; i-- {
		if left[shas[i]] {
			continue
		}
		if err := got(Blob{SHA: shas[i], Content: bySHA[shas[i]]}); err != nil {
			return err
		}
	}
	return nil
}

// A load reads every file from the fetch, in whatever order it comes, and
// the ones it does not bring one by one; when one of those fails, the
// error is that failure alone, not joined with the cancellations of the
// reads it stopped.
func TestEachFileTakesFetchedFilesAndReportsOneFailure(t *testing.T) {
	const n = 2 * bulkFrom
	s := &blobStore{files: map[string][]byte{}, leave: map[string]bool{}, fail: map[string]error{}}
	var paths []string
	for i := range n {
		p := ShardPath(TasksIndex, i+1)
		paths = append(paths, p)
		s.files[p] = []byte(fmt.Sprintf("task_id\n6_1_1_%d\n", i))
	}
	boom := errors.New("boom")
	for _, c := range []struct {
		name    string
		leave   []int // files the fetch does not bring
		fail    int   // of those, one whose own read fails; -1 for none
		singles int32
	}{
		{"all fetched", nil, -1, 0},
		{"two left out", []int{3, n - 1}, -1, 2},
		{"one left out fails", []int{3, 7, n - 1}, 7, -1},
	} {
		clear(s.leave)
		clear(s.fail)
		for _, i := range c.leave {
			s.leave[paths[i]] = true
		}
		if c.fail >= 0 {
			s.fail[paths[c.fail]] = boom
		}
		s.singles.Store(0)
		tree, _ := s.Tree(t.Context(), "")
		nop := zerolog.Nop()
		st, stop := prefetch(t.Context(), s, tree, loadOrder(), folders(tree.Files), nil, &nop)
		if _, ok := st.(*prefetched); !ok {
			t.Fatalf("%s: %d files were not fetched at once", c.name, n)
		}
		got := make([]string, n)
		err := eachFile(t.Context(), st, paths, tree.Files, func(i int, f fileBytes) error {
			got[i] = string(f.data)
			return nil
		})
		stop()
		if c.fail >= 0 {
			if !errors.Is(err, boom) || errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s: the load failed with %q, not the one failure", c.name, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for i, p := range paths {
			if got[i] != string(s.files[p]) {
				t.Errorf("%s: %s read as %q", c.name, p, got[i])
			}
		}
		if c.singles >= 0 && s.singles.Load() != c.singles {
			t.Errorf("%s: %d files read one by one, want %d", c.name, s.singles.Load(), c.singles)
		}
	}
}
