package localgit

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"smartup0.org/engelbot/ledger"
)

const (
	childRepoEnv = "LOCALGIT_TEST_CHILD_REPO"
	childNameEnv = "LOCALGIT_TEST_CHILD_NAME"
	increments   = 15
)

// TestProcessesShareBranch runs two processes that each add 1 to a counter
// file many times (read, compute, commit from the SHA read, retry on
// conflict) and also add a file of their own each time. A lost update
// would show as a counter below the number of increments.
func TestProcessesShareBranch(t *testing.T) {
	s, path := newRepo(t)
	mustCommit(t, s, "counter", create("counter.txt", "0"))

	children := []string{"p1", "p2"}
	var wg sync.WaitGroup
	outs := make([]string, len(children))
	errs := make([]error, len(children))
	for i, name := range children {
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), childRepoEnv+"="+path, childNameEnv+"="+name)
			out, err := cmd.CombinedOutput()
			outs[i], errs[i] = string(out), err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("process %s: %v\n%s", children[i], err, outs[i])
		}
	}

	f, err := s.ReadFile(t.Context(), "counter.txt")
	if err != nil {
		t.Fatal(err)
	}
	total := increments * len(children)
	if string(f.Content) != strconv.Itoa(total) {
		t.Errorf("counter = %s after %d increments: updates were lost", f.Content, total)
	}
	tr, err := s.Tree(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range children {
		for i := range increments {
			if _, ok := tr.Files[fmt.Sprintf("%s/%d.md", name, i)]; !ok {
				t.Errorf("%s/%d.md is missing", name, i)
			}
		}
	}
	// Two commits before the children's: the README and the counter.
	if n := strings.Count(gitCLI(t, "-C", path, "log", "--oneline"), "\n"); n != total+2 {
		t.Errorf("git log shows %d commits, want %d", n, total+2)
	}
	gitCLI(t, "-C", path, "fsck", "--strict", "--no-dangling")
}

// TestChildProcess is one writer of TestProcessesShareBranch; run alone it
// does nothing.
func TestChildProcess(t *testing.T) {
	path := os.Getenv(childRepoEnv)
	if path == "" {
		return
	}
	name := os.Getenv(childNameEnv)
	s, err := Open(path, "main")
	if err != nil {
		t.Fatal(err)
	}
	for i := range increments {
		for attempt := 0; ; attempt++ {
			if attempt == 1000 {
				t.Fatalf("increment %d: still conflicting after %d attempts", i, attempt)
			}
			f, err := s.ReadFile(t.Context(), "counter.txt")
			if err != nil {
				t.Fatal(err)
			}
			n, err := strconv.Atoi(string(f.Content))
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Commit(t.Context(), ledger.Commit{
				Message: fmt.Sprintf("%s increments to %d", name, n+1),
				Changes: []ledger.Change{
					{Op: ledger.OpCreate, Path: fmt.Sprintf("%s/%d.md", name, i), Content: []byte(name)},
					{Op: ledger.OpUpdate, Path: "counter.txt", Content: []byte(strconv.Itoa(n + 1)), SHA: f.SHA},
				},
			})
			if err == nil {
				break
			}
			if !errors.Is(err, ledger.ErrConflict) {
				t.Fatal(err)
			}
		}
	}
}
