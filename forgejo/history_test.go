package forgejo

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
)

// listedCommit is one entry of the forge's commit listing, as Gitea 1.26
// answers it (stat and verification off).
func listedCommit(sha, message string, parents []string, files ...string) map[string]any {
	var ps, fs []map[string]string
	for _, p := range parents {
		ps = append(ps, map[string]string{"sha": p, "url": "http://x/" + p})
	}
	for _, f := range files {
		fs = append(fs, map[string]string{"filename": f, "status": "modified"})
	}
	return map[string]any{
		"sha": sha,
		"commit": map[string]any{
			"message":   message,
			"author":    map[string]string{"name": "Ana", "email": "ana@example.org", "date": "2026-01-02T03:04:05Z"},
			"committer": map[string]string{"name": "Forge", "email": "forge@example.org", "date": "2026-01-02T03:04:05Z"},
		},
		"parents": ps,
		"files":   fs,
	}
}

// servePages answers the commit listing page by page, as the forge does.
func servePages(w http.ResponseWriter, r *http.Request, listing []map[string]any) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if page < 1 || limit < 1 {
		answer(w, 400, map[string]string{"message": "bad paging " + r.URL.RawQuery})
		return
	}
	start := min((page-1)*limit, len(listing))
	end := min(start+limit, len(listing))
	w.Header().Set("X-HasMore", strconv.FormatBool(end < len(listing)))
	w.Header().Set("X-Total-Count", strconv.Itoa(len(listing)))
	answer(w, 200, listing[start:end])
}

func headAt(w http.ResponseWriter, commit string) {
	answer(w, 200, map[string]any{"name": "main", "commit": map[string]string{"id": commit}})
}

// TestHistoryFollowsFirstParents pages through a listing in which the
// forge, like git log, puts a merged branch's commit among the branch's
// own: History gives only the first-parent line.
func TestHistoryFollowsFirstParents(t *testing.T) {
	head, side, add, root := strings.Repeat("1", 40), strings.Repeat("2", 40), strings.Repeat("3", 40), strings.Repeat("4", 40)
	listing := []map[string]any{
		listedCommit(head, "Merge the side branch\n", []string{add, side}, "side.md"),
		listedCommit(side, "Side work\n", []string{add}, "side.md"),
		listedCommit(add, "Add pages\n\nwith a body\n", []string{root}, "pages/b/c.md", "a.md"),
		listedCommit(root, "Initial commit\n", nil, "README.md"),
	}
	var mu sync.Mutex
	var queries []url.Values
	c := fakeForge(t, 5*time.Second, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/repos/o/r/branches/main":
			headAt(w, head)
		case "/api/v1/repos/o/r/commits":
			mu.Lock()
			queries = append(queries, r.URL.Query())
			mu.Unlock()
			servePages(w, r, listing)
		default:
			answer(w, 404, map[string]string{"message": "unexpected " + r.URL.String()})
		}
	})
	c.historyLimit = 2

	var got []ledger.CommitInfo
	if err := c.History(t.Context(), func(ci ledger.CommitInfo) bool {
		got = append(got, ci)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	ana := ledger.Signature{Name: "Ana", Email: "ana@example.org"}
	want := []ledger.CommitInfo{
		{ID: head, Parent: add, Message: "Merge the side branch", Author: ana, Files: []string{"side.md"}},
		{ID: add, Parent: root, Message: "Add pages\n\nwith a body", Author: ana, Files: []string{"a.md", "pages/b/c.md"}},
		{ID: root, Message: "Initial commit", Author: ana, Files: []string{"README.md"}},
	}
	if len(got) != len(want) {
		t.Fatalf("History gave %d commits, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.Parent != w.Parent || g.Message != w.Message || g.Author != w.Author || !slices.Equal(g.Files, w.Files) {
			t.Errorf("commit %d = %+v, want %+v", i, g, w)
		}
	}

	if len(queries) != 2 {
		t.Fatalf("History asked for %d pages, want 2 (4 commits, 2 a page)", len(queries))
	}
	for i, q := range queries {
		// The walk starts from the head's ID, not the branch name, so that
		// a commit made while it pages does not shift the pages.
		wantQ := url.Values{"sha": {head}, "stat": {"false"}, "verification": {"false"}, "files": {"true"},
			"page": {strconv.Itoa(i + 1)}, "limit": {"2"}}
		if q.Encode() != wantQ.Encode() {
			t.Errorf("page %d asked with %s, want %s", i+1, q.Encode(), wantQ.Encode())
		}
	}
}

func TestHistoryErrors(t *testing.T) {
	head, parent := strings.Repeat("1", 40), strings.Repeat("2", 40)
	for _, tc := range []struct {
		name     string
		branch   int // the status of the branch request; 200 answers head
		commits  func(w http.ResponseWriter, r *http.Request)
		want     error
		notWants []error
	}{
		{"branch missing", 404, nil, ErrMissing, nil},
		{"repository gone between the requests", 200, func(w http.ResponseWriter, r *http.Request) {
			answer(w, 404, map[string]string{"message": "The target couldn't be found."})
		}, ErrMissing, []error{ledger.ErrNotFound}},
		{"empty repository", 200, func(w http.ResponseWriter, r *http.Request) {
			answer(w, 409, map[string]string{"message": "Git Repository is empty."})
		}, ErrMissing, []error{ledger.ErrConflict}},
		{"forge failing", 200, func(w http.ResponseWriter, r *http.Request) {
			answer(w, 500, map[string]string{"message": ""})
		}, ErrUnavailable, []error{ledger.ErrConflict}},
		{"bad token", 200, func(w http.ResponseWriter, r *http.Request) {
			answer(w, 401, map[string]string{"message": "invalid token " + fakeToken})
		}, ErrUnauthorized, nil},
		{"not JSON", 200, func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte("<html>proxy error</html>"))
		}, ErrUnavailable, nil},
		{"commit without an ID", 200, func(w http.ResponseWriter, r *http.Request) {
			servePages(w, r, []map[string]any{listedCommit("", "m", nil)})
		}, ErrUnavailable, nil},
		{"listing ends before the root", 200, func(w http.ResponseWriter, r *http.Request) {
			servePages(w, r, []map[string]any{listedCommit(head, "m", []string{parent}, "a.md")})
		}, ErrUnavailable, nil},
		{"empty page that claims more", 200, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-HasMore", "true")
			answer(w, 200, []any{})
		}, ErrUnavailable, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := fakeForge(t, 5*time.Second, func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.URL.Path == "/api/v1/repos/o/r/branches/main" && tc.branch == 200:
					headAt(w, head)
				case r.URL.Path == "/api/v1/repos/o/r/branches/main":
					answer(w, tc.branch, map[string]string{"message": "branch does not exist"})
				case r.URL.Path == "/api/v1/repos/o/r/commits" && tc.commits != nil:
					tc.commits(w, r)
				default:
					answer(w, 404, map[string]string{"message": "unexpected " + r.URL.String()})
				}
			})
			calls := 0
			err := c.History(t.Context(), func(ledger.CommitInfo) bool { calls++; return true })
			if !errors.Is(err, tc.want) {
				t.Fatalf("History = %v, want %v", err, tc.want)
			}
			for _, nw := range tc.notWants {
				if errors.Is(err, nw) {
					t.Errorf("History = %v, which is also %v", err, nw)
				}
			}
			if strings.Contains(err.Error(), fakeToken) {
				t.Errorf("error text contains the token: %v", err)
			}
			t.Logf("%v (after %d commits)", err, calls)
		})
	}
}

// countingTransport counts the requests for the commit listing.
type countingTransport struct {
	mu    sync.Mutex
	pages int
}

func (ct *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/commits") {
		ct.mu.Lock()
		ct.pages++
		ct.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(r)
}

func (ct *countingTransport) take() int {
	ct.mu.Lock()
	defer ct.mu.Unlock()
	n := ct.pages
	ct.pages = 0
	return n
}

// historyAcrossPages checks History on a real forge against the commits
// it made: the same walk whatever the page size, one request a page, and
// no page fetched after fn says stop.
func historyAcrossPages(t *testing.T, f *forge) {
	c, repo := f.repo(t, "")
	root := mustHead(t, c)
	rootTree, err := c.Tree(t.Context(), root)
	if err != nil {
		t.Fatal(err)
	}
	c1 := mustCommit(t, f, c, repo, create("pages/tasks/t1.md", []byte("t1\n")), create("indexes/tasks.csv", []byte("id\nt1\n")))
	c2 := mustCommit(t, f, c, repo,
		update("indexes/tasks.csv", []byte("id\n"), ledger.BlobSHA([]byte("id\nt1\n"))),
		ledger.Change{Op: ledger.OpDelete, Path: "pages/tasks/t1.md", SHA: ledger.BlobSHA([]byte("t1\n"))})
	c3 := mustCommit(t, f, c, repo, create("pages/sessions/2026/s1.md", []byte("s1\n")))
	var rootFiles []string
	for p := range rootTree.Files {
		rootFiles = append(rootFiles, p)
	}
	slices.Sort(rootFiles)
	want := []struct {
		id, parent string
		files      []string
	}{
		{c3, c2, []string{"pages/sessions/2026/s1.md"}},
		{c2, c1, []string{"indexes/tasks.csv", "pages/tasks/t1.md"}},
		{c1, root, []string{"indexes/tasks.csv", "pages/tasks/t1.md"}},
		{root, "", rootFiles},
	}

	ct := &countingTransport{}
	counted, err := New(Config{URL: f.g.URL, Owner: f.owner, Repo: repo, Branch: "main", Token: f.g.Token,
		HTTPClient: &http.Client{Transport: ct, Timeout: DefaultTimeout}})
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{1, 3, historyPageSize} {
		t.Run(fmt.Sprintf("%d a page", limit), func(t *testing.T) {
			counted.historyLimit = limit
			var got []ledger.CommitInfo
			if err := counted.History(t.Context(), func(ci ledger.CommitInfo) bool {
				got = append(got, ci)
				return true
			}); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("History gave %d commits, want %d: %+v", len(got), len(want), got)
			}
			for i, w := range want {
				g := got[i]
				if g.ID != w.id || g.Parent != w.parent || !slices.Equal(g.Files, w.files) {
					t.Errorf("commit %d = %s (parent %q) with %q, want %s (parent %q) with %q",
						i, g.ID, g.Parent, g.Files, w.id, w.parent, w.files)
				}
			}
			if n, wantN := ct.take(), (len(want)+limit-1)/limit; n != wantN {
				t.Errorf("History read %d pages, want %d", n, wantN)
			}
		})
	}

	t.Run("stop after 2, 1 a page", func(t *testing.T) {
		counted.historyLimit = 1
		var seen []string
		if err := counted.History(t.Context(), func(ci ledger.CommitInfo) bool {
			seen = append(seen, ci.ID)
			return len(seen) < 2
		}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(seen, []string{c3, c2}) {
			t.Errorf("History gave %q, want %q", seen, []string{c3, c2})
		}
		if n := ct.take(); n != 2 {
			t.Errorf("History read %d pages after being told to stop at the second commit, want 2", n)
		}
	})
}
