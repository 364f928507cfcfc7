package forgejo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"code.gitea.io/sdk/gitea"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/servers"
)

// forge is one real Gitea shared by the subtests of a test, each on a
// repository of its own.
type forge struct {
	g     *servers.Gitea
	api   *gitea.Client
	owner string
	n     atomic.Int32 // repositories made so far, for unique names
}

func newForge(t *testing.T) *forge {
	t.Helper()
	g := servers.GiteaForTest(t)
	api, err := g.API(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return &forge{g: g, api: api, owner: "Smartup_Zero"}
}

// repo creates a fresh repository (branch main, one initial commit) and
// returns a Client on it acting with token ("" = the admin's).
func (f *forge) repo(t *testing.T, token string) (*Client, string) {
	t.Helper()
	name := fmt.Sprintf("ledger-%d", f.n.Add(1))
	if err := f.g.CreateRepo(t.Context(), f.owner, name, true); err != nil {
		t.Fatal(err)
	}
	if token == "" {
		token = f.g.Token
	}
	c, err := New(Config{URL: f.g.URL, Owner: f.owner, Repo: name, Branch: "main", Token: token})
	if err != nil {
		t.Fatal(err)
	}
	return c, name
}

// parents returns the parent commits of commit, as the forge reports them.
func (f *forge) parents(t *testing.T, repo, commit string) []string {
	t.Helper()
	cm, _, err := f.api.GetSingleCommit(f.owner, repo, commit)
	if err != nil {
		t.Fatalf("read commit %s: %v", commit, err)
	}
	var out []string
	for _, p := range cm.Parents {
		out = append(out, p.SHA)
	}
	return out
}

// mustCommit commits and checks that the branch moved by exactly one
// commit, from the previous head to the returned one.
func mustCommit(t *testing.T, f *forge, c *Client, repo string, changes ...ledger.Change) string {
	t.Helper()
	before := mustHead(t, c)
	res, err := c.Commit(t.Context(), ledger.Commit{Message: "test commit", Author: ledger.Signature{Name: "Engelbot", Email: "engelbot@example.org"}, Changes: changes})
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if after := mustHead(t, c); after != res.Commit {
		t.Fatalf("head after commit = %s, Commit returned %s", after, res.Commit)
	}
	if p := f.parents(t, repo, res.Commit); len(p) != 1 || p[0] != before {
		t.Fatalf("commit %s has parents %v, want exactly the previous head %s", res.Commit, p, before)
	}
	if res.Parent != before {
		t.Fatalf("Commit reported parent %s, want the previous head %s", res.Parent, before)
	}
	return res.Commit
}

func mustHead(t *testing.T, c *Client) string {
	t.Helper()
	h, err := c.Head(t.Context())
	if err != nil {
		t.Fatalf("Head: %v", err)
	}
	return h
}

// assertFile checks a file's content and SHA on the branch, through both
// ReadFile and Tree.
func assertFile(t *testing.T, c *Client, path string, content []byte) {
	t.Helper()
	f, err := c.ReadFile(t.Context(), path)
	if err != nil {
		t.Fatalf("ReadFile(%q): %v", path, err)
	}
	want := ledger.BlobSHA(content)
	if !bytes.Equal(f.Content, content) || f.SHA != want {
		t.Errorf("ReadFile(%q) = %q (sha %s), want %q (sha %s)", path, f.Content, f.SHA, content, want)
	}
	tree, err := c.Tree(t.Context(), "")
	if err != nil {
		t.Fatalf("Tree: %v", err)
	}
	if got := tree.Files[path]; got != want {
		t.Errorf("Tree lists %q with sha %q, want %s", path, got, want)
	}
}

func assertMissing(t *testing.T, c *Client, path string) {
	t.Helper()
	if _, err := c.ReadFile(t.Context(), path); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("ReadFile(%q): err = %v, want ErrNotFound", path, err)
	}
	tree, err := c.Tree(t.Context(), "")
	if err != nil {
		t.Fatalf("Tree: %v", err)
	}
	if sha, ok := tree.Files[path]; ok {
		t.Errorf("Tree still lists %q (sha %s)", path, sha)
	}
}

func create(path string, content []byte) ledger.Change {
	return ledger.Change{Op: ledger.OpCreate, Path: path, Content: content}
}

func update(path string, content []byte, sha string) ledger.Change {
	return ledger.Change{Op: ledger.OpUpdate, Path: path, Content: content, SHA: sha}
}

func TestGitea(t *testing.T) {
	t.Parallel()
	f := newForge(t)

	t.Run("create update delete", func(t *testing.T) {
		c, repo := f.repo(t, "")
		v1, v2 := []byte("id,state\nt1,open\n"), []byte("id,state\nt1,claimed\n")
		mustCommit(t, f, c, repo, create("tasks/2026-01.csv", v1))
		assertFile(t, c, "tasks/2026-01.csv", v1)

		mustCommit(t, f, c, repo, update("tasks/2026-01.csv", v2, ledger.BlobSHA(v1)))
		assertFile(t, c, "tasks/2026-01.csv", v2)

		mustCommit(t, f, c, repo, ledger.Change{Op: ledger.OpDelete, Path: "tasks/2026-01.csv", SHA: ledger.BlobSHA(v2)})
		assertMissing(t, c, "tasks/2026-01.csv")
	})

	t.Run("private or public", func(t *testing.T) {
		c, _ := f.repo(t, "")
		if private, err := c.Private(t.Context()); err != nil || !private {
			t.Fatalf("a private repository: private=%v, %v", private, err)
		}
		name := fmt.Sprintf("public-%d", f.n.Add(1))
		if err := f.g.CreateRepo(t.Context(), f.owner, name, false); err != nil {
			t.Fatal(err)
		}
		pub, err := New(Config{URL: f.g.URL, Owner: f.owner, Repo: name, Branch: "main", Token: f.g.Token})
		if err != nil {
			t.Fatal(err)
		}
		if private, err := pub.Private(t.Context()); err != nil || private {
			t.Fatalf("a public repository: private=%v, %v", private, err)
		}
	})

	t.Run("conflicts write nothing", func(t *testing.T) {
		c, _ := f.repo(t, "")
		v1, v2 := []byte("v1\n"), []byte("v2\n")
		gone := []byte("soon deleted\n")
		for _, ch := range [][]ledger.Change{
			{create("a.csv", v1), create("gone.md", gone)},
			{update("a.csv", v2, ledger.BlobSHA(v1))},
			{{Op: ledger.OpDelete, Path: "gone.md", SHA: ledger.BlobSHA(gone)}},
		} {
			if _, err := c.Commit(t.Context(), ledger.Commit{Message: "setup", Changes: ch}); err != nil {
				t.Fatalf("setup: %v", err)
			}
		}
		head := mustHead(t, c)
		for _, tc := range []struct {
			name    string
			changes []ledger.Change
		}{
			{"update with a stale sha", []ledger.Change{update("a.csv", []byte("lost\n"), ledger.BlobSHA(v1))}},
			{"delete with a stale sha", []ledger.Change{{Op: ledger.OpDelete, Path: "a.csv", SHA: ledger.BlobSHA(v1)}}},
			{"create on an existing path", []ledger.Change{create("a.csv", []byte("lost\n"))}},
			{"update of a deleted file", []ledger.Change{update("gone.md", []byte("lost\n"), ledger.BlobSHA(gone))}},
			{"delete of a deleted file", []ledger.Change{{Op: ledger.OpDelete, Path: "gone.md", SHA: ledger.BlobSHA(gone)}}},
			// One stale change sinks the whole commit: the good ones before it are not written.
			{"stale sha after good creates", []ledger.Change{
				create("pages/new-1.md", []byte("new\n")),
				create("pages/new-2.md", []byte("new\n")),
				update("a.csv", []byte("lost\n"), ledger.BlobSHA(v1)),
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := c.Commit(t.Context(), ledger.Commit{Message: tc.name, Changes: tc.changes})
				if !errors.Is(err, ledger.ErrConflict) {
					t.Fatalf("err = %v, want ErrConflict", err)
				}
				if h := mustHead(t, c); h != head {
					t.Errorf("head moved from %s to %s on a conflict", head, h)
				}
			})
		}
		assertFile(t, c, "a.csv", v2)
		assertMissing(t, c, "gone.md")
		assertMissing(t, c, "pages/new-1.md")
	})

	t.Run("multi-file commit is one commit", func(t *testing.T) {
		c, repo := f.repo(t, "")
		index := []byte("id\n")
		mustCommit(t, f, c, repo, create("tasks.csv", index), create("old.md", []byte("old\n")))

		// Contents git must keep byte for byte: empty, CRLF, binary, non-ASCII paths.
		files := map[string][]byte{
			"pages/tasks/6_1_2_3.md":    []byte("---\ntitle: T\n---\n\nBody, with \"quotes\".\n"),
			"pages/tasks/empty.md":      {},
			"pages/crlf.md":             []byte("line\r\nline\r\n"),
			"pages/bytes.bin":           {0, 1, 2, 0xfe, 0xff, '\n'},
			"pages/Zoë and Ünal.md":     []byte("ünïcödé\n"),
			"master-events/2026-01.csv": []byte("seq,hash\n1,abc\n"),
		}
		newIndex := []byte("id\nt1\n")
		var changes []ledger.Change
		for _, p := range slices.Sorted(maps.Keys(files)) {
			changes = append(changes, create(p, files[p]))
		}
		changes = append(changes, update("tasks.csv", newIndex, ledger.BlobSHA(index)),
			ledger.Change{Op: ledger.OpDelete, Path: "old.md", SHA: ledger.BlobSHA([]byte("old\n"))})
		commit := mustCommit(t, f, c, repo, changes...)

		cm, _, err := f.api.GetSingleCommit(f.owner, repo, commit)
		if err != nil {
			t.Fatal(err)
		}
		var touched []string
		for _, fl := range cm.Files {
			touched = append(touched, fl.Filename)
		}
		slices.Sort(touched)
		want := append(slices.Collect(maps.Keys(files)), "tasks.csv", "old.md")
		slices.Sort(want)
		if !slices.Equal(touched, want) {
			t.Errorf("the commit touched %q, want %q", touched, want)
		}

		tree, err := c.Tree(t.Context(), commit)
		if err != nil {
			t.Fatal(err)
		}
		files["tasks.csv"] = newIndex
		files["README.md"] = nil // from the repository's initial commit; checked below
		for p, content := range files {
			if p == "README.md" {
				if _, ok := tree.Files[p]; !ok {
					t.Errorf("Tree lacks the initial README.md")
				}
				continue
			}
			if tree.Files[p] != ledger.BlobSHA(content) {
				t.Errorf("Tree[%q] = %q, want %s", p, tree.Files[p], ledger.BlobSHA(content))
			}
			got, err := c.ReadFile(t.Context(), p)
			if err != nil || !bytes.Equal(got.Content, content) || got.SHA != ledger.BlobSHA(content) {
				t.Errorf("ReadFile(%q) = %q %s, %v; want %q", p, got.Content, got.SHA, err, content)
			}
		}
		if len(tree.Files) != len(files) {
			t.Errorf("Tree lists %d files, want %d (blobs only): %v", len(tree.Files), len(files), slices.Sorted(maps.Keys(tree.Files)))
		}
		if tree.Commit != commit {
			t.Errorf("Tree.Commit = %s, want %s", tree.Commit, commit)
		}
	})

	t.Run("tree of more than one page", func(t *testing.T) {
		c, repo := f.repo(t, "")
		const n = 205 // the test forge pages recursive trees by 100 entries
		var changes []ledger.Change
		for i := range n {
			changes = append(changes, create(fmt.Sprintf("pages/p%04d.md", i), fmt.Appendf(nil, "page %d\n", i)))
		}
		commit := mustCommit(t, f, c, repo, changes...)
		tree, err := c.Tree(t.Context(), commit)
		if err != nil {
			t.Fatal(err)
		}
		if len(tree.Files) != n+1 { // and README.md
			t.Fatalf("Tree lists %d files, want %d", len(tree.Files), n+1)
		}
		for i := range n {
			p := fmt.Sprintf("pages/p%04d.md", i)
			if tree.Files[p] != ledger.BlobSHA(fmt.Appendf(nil, "page %d\n", i)) {
				t.Fatalf("Tree[%q] = %q, wrong or missing", p, tree.Files[p])
			}
		}
	})

	t.Run("history across pages", func(t *testing.T) { historyAcrossPages(t, f) })

	t.Run("own branch, not the default one", func(t *testing.T) {
		_, repo := f.repo(t, "")
		if _, _, err := f.api.CreateBranch(f.owner, repo, gitea.CreateBranchOption{BranchName: "books/2026", OldBranchName: "main"}); err != nil {
			t.Fatal(err)
		}
		books, err := New(Config{URL: f.g.URL, Owner: f.owner, Repo: repo, Branch: "books/2026", Token: f.g.Token})
		if err != nil {
			t.Fatal(err)
		}
		main, err := New(Config{URL: f.g.URL, Owner: f.owner, Repo: repo, Branch: "main", Token: f.g.Token})
		if err != nil {
			t.Fatal(err)
		}
		mainHead := mustHead(t, main)
		readme, err := main.ReadFile(t.Context(), "README.md")
		if err != nil {
			t.Fatal(err)
		}
		mustCommit(t, f, books, repo, update("README.md", []byte("books\n"), readme.SHA), create("a.csv", []byte("a\n")))
		assertFile(t, books, "README.md", []byte("books\n"))
		assertFile(t, books, "a.csv", []byte("a\n"))
		assertFile(t, main, "README.md", readme.Content)
		assertMissing(t, main, "a.csv")
		if h := mustHead(t, main); h != mainHead {
			t.Errorf("committing to books/2026 moved main from %s to %s", mainHead, h)
		}
	})

	// The bot's account in production is an ordinary user with write access,
	// to whom the forge hides the reason of its internal errors.
	writer, err := f.g.CreateUser(t.Context(), "ledger-writer")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, token, user string
		stagger           time.Duration
	}{
		{"at once, admin token", "", "", 0},
		{"at once, collaborator token", writer.Token, writer.Name, 0},
		{"staggered, collaborator token", writer.Token, writer.Name, 200 * time.Millisecond},
	} {
		t.Run("concurrent commits "+tc.name, func(t *testing.T) {
			c, repo := f.repo(t, tc.token)
			if tc.user != "" {
				if err := f.g.AddCollaborator(t.Context(), f.owner, repo, tc.user, "write"); err != nil {
					t.Fatal(err)
				}
			}
			concurrentCommits(t, c, tc.stagger)
		})
	}
}

// concurrentCommits has 10 writers commit different files, starting
// stagger apart: each call must succeed or report a conflict, and every
// success must be on the branch. Writers starting at the same moment lose
// with 403 "cannot lock ref"; a stagger shorter than a commit makes some
// clone the branch before another's push and lose with 500 PushOutOfDate
// (with an empty message for a non-admin token).
func concurrentCommits(t *testing.T, c *Client, stagger time.Duration) {
	const writers = 10
	start := make(chan struct{})
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			<-start
			<-time.After(time.Duration(i) * stagger)
			_, errs[i] = c.Commit(t.Context(), ledger.Commit{
				Message: fmt.Sprintf("writer %d", i),
				Changes: []ledger.Change{create(fmt.Sprintf("w/%d.md", i), fmt.Appendf(nil, "writer %d\n", i))},
			})
		})
	}
	close(start)
	wg.Wait()

	tree, err := c.Tree(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	var won, lost int
	reasons := map[string]int{} // how the races were lost, for the log
	for i, err := range errs {
		path := fmt.Sprintf("w/%d.md", i)
		switch {
		case err == nil:
			won++
			if tree.Files[path] != ledger.BlobSHA(fmt.Appendf(nil, "writer %d\n", i)) {
				t.Errorf("writer %d succeeded but %s is not on the branch", i, path)
			}
		case errors.Is(err, ledger.ErrConflict):
			lost++
			var fe *Error
			if errors.As(err, &fe) {
				reasons[fmt.Sprintf("HTTP %d %.60q", fe.Status, fe.Message)]++
			}
			if _, ok := tree.Files[path]; ok {
				t.Errorf("writer %d got a conflict but %s is on the branch", i, path)
			}
		default:
			t.Errorf("writer %d: %v; want success or ErrConflict", i, err)
		}
	}
	if won == 0 {
		t.Error("no writer succeeded")
	}
	t.Logf("%d writers succeeded, %d lost a race: %v", won, lost, reasons)
}

func TestGiteaErrors(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	good, repo := f.repo(t, "")
	if _, err := good.Commit(t.Context(), ledger.Commit{Changes: []ledger.Change{create("a.csv", []byte("x\n"))}}); err != nil {
		t.Fatal(err)
	}
	reader, err := f.g.CreateUser(t.Context(), "reader")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.g.AddCollaborator(t.Context(), f.owner, repo, reader.Name, "read"); err != nil {
		t.Fatal(err)
	}
	const badToken = "0000000000000000000000000000000000000bad"
	client := func(repo, branch, token string) *Client {
		c, err := New(Config{URL: f.g.URL, Owner: f.owner, Repo: repo, Branch: branch, Token: token})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	aCommit := ledger.Commit{Changes: []ledger.Change{create("b.csv", []byte("y\n"))}}

	for _, tc := range []struct {
		name   string
		c      *Client
		want   error
		secret string
	}{
		{"wrong token", client(repo, "main", badToken), ErrUnauthorized, badToken},
		{"read-only user", client(repo, "main", reader.Token), ErrForbidden, reader.Token},
		{"missing repository", client("no-such-repo", "main", f.g.Token), ErrMissing, f.g.Token},
		{"missing branch", client(repo, "no-such-branch", f.g.Token), ErrMissing, f.g.Token},
	} {
		// Each of these is ledger.ErrPermanent too: no retry clears it.
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.c.Commit(t.Context(), aCommit)
			if !errors.Is(err, tc.want) || !errors.Is(err, ledger.ErrPermanent) || errors.Is(err, ledger.ErrConflict) || errors.Is(err, ErrUnavailable) {
				t.Errorf("Commit: err = %v, want %v and ledger.ErrPermanent only", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), tc.secret) {
				t.Errorf("Commit error contains the token: %v", err)
			}
			if tc.want == ErrForbidden {
				return // a reader may read
			}
			if _, err := tc.c.Head(t.Context()); !errors.Is(err, tc.want) || !errors.Is(err, ledger.ErrPermanent) {
				t.Errorf("Head: err = %v, want %v and ledger.ErrPermanent", err, tc.want)
			}
			if _, err := tc.c.Tree(t.Context(), ""); !errors.Is(err, tc.want) || !errors.Is(err, ledger.ErrPermanent) {
				t.Errorf("Tree: err = %v, want %v and ledger.ErrPermanent", err, tc.want)
			}
			if _, err := tc.c.ReadFile(t.Context(), "a.csv"); !errors.Is(err, tc.want) || !errors.Is(err, ledger.ErrPermanent) || errors.Is(err, ledger.ErrNotFound) {
				t.Errorf("ReadFile: err = %v, want %v and ledger.ErrPermanent, not ErrNotFound", err, tc.want)
			}
		})
	}
	if _, err := good.ReadFile(t.Context(), "b.csv"); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("a refused commit wrote b.csv (ReadFile err = %v)", err)
	}

	// A stale SHA (Gitea: 422 "sha does not match") is a conflict to retry
	// on fresh data, never a permanent refusal.
	t.Run("stale sha", func(t *testing.T) {
		stale := ledger.Commit{Changes: []ledger.Change{update("a.csv", []byte("lost\n"), ledger.BlobSHA([]byte("not what is there\n")))}}
		_, err := good.Commit(t.Context(), stale)
		var fe *Error
		if !errors.As(err, &fe) || fe.Status != 422 || !errors.Is(err, ledger.ErrConflict) || errors.Is(err, ledger.ErrPermanent) {
			t.Errorf("Commit: err = %v, want a 422 that is ledger.ErrConflict and not ledger.ErrPermanent", err)
		}
	})

	// The ledger's writer on a token the forge refuses: one commit attempt,
	// then an answer that the toolbox takes as "unavailable" and that
	// says, underneath, that retrying will not help.
	for _, tc := range []struct {
		name   string
		commit *Client // where the writer's commits go
		want   error
	}{
		{"ledger write with a read-only token", client(repo, "main", reader.Token), ErrForbidden},
		{"ledger write with a revoked token", client(repo, "main", badToken), ErrUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := &commitsThrough{Store: good, via: tc.commit}
			// The budget only bounds a writer that retries what it should not.
			l, err := ledger.Open(t.Context(), store, ledger.Options{RetryFor: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			_, err = l.Apply(t.Context(), ledger.Mutation{EventID: "$refused", Actor: "bob", Command: "test",
				Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
					tx.WritePage("pages/tasks/refused.md", ledger.Page{Body: "never written"})
					return ledger.Outcome{Action: "test", Target: "refused", Reply: "ok"}, nil
				}})
			if !errors.Is(err, tc.want) || !errors.Is(err, ledger.ErrPermanent) || !errors.Is(err, ledger.ErrUnavailable) {
				t.Errorf("Apply: err = %v, want %v, ledger.ErrPermanent and ledger.ErrUnavailable", err, tc.want)
			}
			if n := store.commits.Load(); n != 1 {
				t.Errorf("%d commit attempts, want 1", n)
			}
		})
	}

	// The forge going away is "unavailable", not a conflict or a missing file.
	if err := f.g.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := good.Commit(t.Context(), aCommit); !errors.Is(err, ErrUnavailable) || errors.Is(err, ledger.ErrPermanent) {
		t.Errorf("Commit on a stopped forge: err = %v, want ErrUnavailable, not ledger.ErrPermanent", err)
	}
	if _, err := good.ReadFile(t.Context(), "a.csv"); !errors.Is(err, ErrUnavailable) || errors.Is(err, ledger.ErrPermanent) {
		t.Errorf("ReadFile on a stopped forge: err = %v, want ErrUnavailable, not ledger.ErrPermanent", err)
	}
}

// commitsThrough reads through one store and commits through another
// client: a ledger opened while its token was good, whose token the forge
// then refuses. It counts the commit attempts.
type commitsThrough struct {
	ledger.Store
	via     *Client
	commits atomic.Int32
}

func (c *commitsThrough) Commit(ctx context.Context, cm ledger.Commit) (ledger.CommitResult, error) {
	c.commits.Add(1)
	return c.via.Commit(ctx, cm)
}
