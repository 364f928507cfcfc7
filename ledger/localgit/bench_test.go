package localgit

import (
	"fmt"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/storage/memory"

	"smartup0.org/engelbot/ledger"
)

// seedPacked commits a tree of perFolder files in each folder (and nothing
// else) on the branch, stored as a packfile, as git gc leaves a long-lived
// repository: writing thousands of loose objects would take the benchmark's
// setup seconds.
func seedPacked(tb testing.TB, s *Store, folders []string, perFolder int) {
	tb.Helper()
	head, err := s.head()
	if err != nil {
		tb.Fatal(err)
	}
	mem := memory.NewStorage()
	empty, err := writeTree(mem, nil)
	if err != nil {
		tb.Fatal(err)
	}
	ed, err := newTreeEditor(mem, empty)
	if err != nil {
		tb.Fatal(err)
	}
	for _, folder := range folders {
		for i := range perFolder {
			p := fmt.Sprintf("%s/%05d.md", folder, i)
			if err := ed.apply(create(p, benchContent(p, 0)), splitOrFail(tb, p)); err != nil {
				tb.Fatal(err)
			}
		}
	}
	tree, err := ed.write()
	if err != nil {
		tb.Fatal(err)
	}
	commit, err := writeCommit(mem, tree, &head, ledger.Commit{Message: "seed"})
	if err != nil {
		tb.Fatal(err)
	}
	hashes := make([]plumbing.Hash, 0, len(mem.Objects))
	for h := range mem.Objects {
		hashes = append(hashes, h)
	}
	err = s.withObjects(func(st objectStorage) error {
		w, err := st.PackfileWriter()
		if err != nil {
			return err
		}
		if _, err := packfile.NewEncoder(w, mem, false).Encode(hashes, 10); err != nil {
			return err
		}
		return w.Close()
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.moveRef(tb.Context(), head, commit); err != nil {
		tb.Fatal(err)
	}
}

func splitOrFail(tb testing.TB, p string) []string {
	tb.Helper()
	segs, err := splitPath(p)
	if err != nil {
		tb.Fatal(err)
	}
	return segs
}

// benchContent is a page of a realistic size (about 400 bytes).
func benchContent(path string, version int) string {
	return fmt.Sprintf("---\ntitle: %s\nauthor: ana\nrole: 6_1_attacker\ndate: 2025-01-01\nparent: 6_1\npublic: true\n---\n\n"+
		"Version %d of this page. It describes a task, its state and who works on it, in a few lines of prose "+
		"as a captain would write them, with a link or two and a short list of what is done and what is not.\n", path, version)
}

// BenchmarkCommit measures one small update in a ledger of 10,000 files.
func BenchmarkCommit(b *testing.B) {
	cases := []struct {
		name    string
		folders []string
	}{
		{"10000_files_in_4_folders", []string{"pages/tasks", "pages/sessions", "pages/applications", "indexes"}},
		{"10000_files_in_1_folder", []string{"pages/tasks"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			s, _ := newRepo(b)
			seedPacked(b, s, c.folders, 10000/len(c.folders))
			path := c.folders[0] + "/00042.md"
			prev := benchContent(path, 0)
			version := 0
			b.ReportAllocs()
			for b.Loop() {
				version++
				next := benchContent(path, version)
				mustCommit(b, s, "update", update(path, next, prev))
				prev = next
			}
		})
	}
}

// BenchmarkReadFile measures reading one page at the head of a ledger of
// 10,000 files.
func BenchmarkReadFile(b *testing.B) {
	s, _ := newRepo(b)
	seedPacked(b, s, []string{"pages/tasks", "pages/sessions", "pages/applications", "indexes"}, 2500)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.ReadFile(b.Context(), "pages/tasks/00042.md"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHead measures the freshness check a reader makes before every
// query.
func BenchmarkHead(b *testing.B) {
	s, _ := newRepo(b)
	b.ReportAllocs()
	for b.Loop() {
		mustHead(b, s)
	}
}

// BenchmarkTree measures listing every file of a ledger of 10,000 files, as
// a reader does when it loads the ledger.
func BenchmarkTree(b *testing.B) {
	s, _ := newRepo(b)
	seedPacked(b, s, []string{"pages/tasks", "pages/sessions", "pages/applications", "indexes"}, 2500)
	b.ReportAllocs()
	for b.Loop() {
		tr, err := s.Tree(b.Context(), "")
		if err != nil {
			b.Fatal(err)
		}
		if len(tr.Files) != 10000 {
			b.Fatalf("Tree lists %d files, want 10,000", len(tr.Files))
		}
	}
}

// BenchmarkHistory measures walking 20 commands' commits in a ledger of
// 10,000 files, each changing a task page and an index as a command does:
// a step costs the folders on the changed paths, not the whole ledger.
func BenchmarkHistory(b *testing.B) {
	s, _ := newRepo(b)
	seedPacked(b, s, []string{"pages/tasks", "pages/sessions", "pages/applications", "indexes"}, 2500)
	const commits = 20
	for i := range commits {
		page, index := fmt.Sprintf("pages/tasks/%05d.md", i), fmt.Sprintf("indexes/%05d.md", i%3)
		mustCommit(b, s, "command",
			update(page, benchContent(page, 1), benchContent(page, 0)),
			update(index, benchContent(index, i/3+1), benchContent(index, i/3)))
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := s.History(b.Context(), func(c ledger.CommitInfo) bool {
			if len(c.Files) != 2 {
				b.Fatalf("commit %s changed %d files, want 2", c.ID, len(c.Files))
			}
			n++
			return n < commits
		})
		if err != nil || n != commits {
			b.Fatalf("History walked %d commits: %v", n, err)
		}
	}
}
