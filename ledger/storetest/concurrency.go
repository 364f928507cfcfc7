package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// writers is how many goroutines commit at once in the burst.
const writers = 8

type outcome struct {
	res ledger.CommitResult
	err error
}

// all runs every commit at the same moment, as far as goroutines allow, and
// returns their outcomes in order.
func all(t *testing.T, s ledger.Store, commits []ledger.Commit) []outcome {
	t.Helper()
	out := make([]outcome, len(commits))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range commits {
		wg.Go(func() {
			<-start
			res, err := s.Commit(t.Context(), c)
			out[i] = outcome{res, err}
		})
	}
	close(start)
	wg.Wait()
	return out
}

func concurrentCommitsOfNewFiles(t *testing.T, s ledger.Store) {
	base := tree(t, s, "")
	commits := make([]ledger.Commit, writers)
	for i := range commits {
		commits[i] = ledger.Commit{
			Message: fmt.Sprintf("storetest: writer %d", i),
			Author:  author(),
			Changes: []ledger.Change{create(fmt.Sprintf("burst/%d.md", i), fmt.Sprintf("writer %d\n", i))},
		}
	}
	out := all(t, s, commits)

	landed := make(map[string]string)
	heads := make(map[string]int)
	for i, o := range out {
		switch {
		case o.err == nil:
			landed[fmt.Sprintf("burst/%d.md", i)] = fmt.Sprintf("writer %d\n", i)
			if j, dup := heads[o.res.Commit]; dup {
				t.Errorf("writers %d and %d both report commit %s", j, i, o.res.Commit)
			}
			heads[o.res.Commit] = i
		case errors.Is(o.err, ledger.ErrConflict):
			t.Logf("writer %d lost a race: %v", i, o.err)
		default:
			t.Errorf("writer %d: %v; want success or an error wrapping ledger.ErrConflict", i, o.err)
		}
	}
	if len(landed) == 0 {
		t.Fatal("no writer of the burst succeeded")
	}
	final := head(t, s)
	if _, ok := heads[final]; !ok {
		t.Errorf("the head %s after the burst is none of the successful commits", final)
	}
	sameFiles(t, tree(t, s, ""), files(base.Files, landed))
}

func concurrentUpdatesOfOneFile(t *testing.T, s ledger.Store) {
	commit(t, s, "storetest: create", create("race/balance.csv", "sc\n0\n"))
	from := read(t, s, "race/balance.csv").SHA
	contents := []string{"sc\n10\n", "sc\n20\n"}
	commits := make([]ledger.Commit, len(contents))
	for i, content := range contents {
		commits[i] = ledger.Commit{
			Message: fmt.Sprintf("storetest: racer %d", i),
			Author:  author(),
			Changes: []ledger.Change{update("race/balance.csv", content, from)},
		}
	}
	out := all(t, s, commits)

	winner := -1
	for i, o := range out {
		switch {
		case o.err == nil && winner >= 0:
			t.Fatalf("both updates from the same SHA succeeded (commits %s and %s): one overwrote the other",
				out[winner].res.Commit, o.res.Commit)
		case o.err == nil:
			winner = i
		case !errors.Is(o.err, ledger.ErrConflict):
			t.Errorf("racer %d: %v; want success or an error wrapping ledger.ErrConflict", i, o.err)
		}
	}
	if winner < 0 {
		t.Fatalf("neither update won: %v; %v", out[0].err, out[1].err)
	}
	hasContent(t, s, "race/balance.csv", contents[winner])
	if h := head(t, s); h != out[winner].res.Commit {
		t.Errorf("the head is %s, want the winner's commit %s", h, out[winner].res.Commit)
	}
}
