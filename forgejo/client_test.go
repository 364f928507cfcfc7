package forgejo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
)

const fakeToken = "f00dfacef00dfacef00dfacef00dfacef00dface"

// fakeForge serves handler as the forge and returns a client for o/r@main.
func fakeForge(t *testing.T, timeout time.Duration, handler http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	c, err := New(Config{URL: srv.URL, Owner: "o", Repo: "r", Branch: "main", Token: fakeToken, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// answer writes a JSON answer the way the forge does.
func answer(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

var oneUpdate = ledger.Commit{Message: "m", Changes: []ledger.Change{
	{Op: ledger.OpUpdate, Path: "a.csv", Content: []byte("x\n"), SHA: strings.Repeat("1", 40)},
}}

func TestCommitErrorClasses(t *testing.T) {
	for _, tc := range []struct {
		name    string
		status  int
		message string
		want    error
		notWant error
	}{
		{"stale sha", 422, "sha does not match [given: 1, expected: 2]", ledger.ErrConflict, ErrUnavailable},
		{"push race 403", 403, "cannot lock ref 'refs/heads/main'", ledger.ErrConflict, ErrForbidden},
		{"push race 500", 500, "PushOutOfDate Error: non-fast-forward", ledger.ErrConflict, ErrUnavailable},
		{"no write access", 403, "user should have a permission to write to the target branch", ErrForbidden, ledger.ErrConflict},
		{"repository missing", 404, "not found", ErrMissing, ledger.ErrConflict},
		// A forge that echoes the request's credentials must not leak them into our error.
		{"bad token", 401, "invalid token " + fakeToken, ErrUnauthorized, ledger.ErrConflict},
		{"proxy down", 502, "", ErrUnavailable, ledger.ErrConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := fakeForge(t, 5*time.Second, func(w http.ResponseWriter, r *http.Request) {
				answer(w, tc.status, map[string]any{"message": tc.message, "url": "http://x/api/swagger"})
			})
			_, err := c.Commit(t.Context(), oneUpdate)
			if !errors.Is(err, tc.want) || errors.Is(err, tc.notWant) {
				t.Fatalf("err = %v; want %v and not %v", err, tc.want, tc.notWant)
			}
			var fe *Error
			if !errors.As(err, &fe) || fe.Status != tc.status {
				t.Errorf("err = %#v, want an *Error with status %d", err, tc.status)
			}
			if strings.Contains(err.Error(), fakeToken) {
				t.Errorf("error text contains the token: %v", err)
			}
		})
	}
}

func TestCommitRequestAndAnswer(t *testing.T) {
	newSHA, parentSHA := strings.Repeat("c", 40), strings.Repeat("9", 40)
	var got changeFilesRequest
	var auth string
	c := fakeForge(t, 5*time.Second, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/repos/o/r/contents" {
			answer(w, 404, map[string]string{"message": "unexpected " + r.Method + " " + r.URL.Path})
			return
		}
		auth = r.Header.Get("Authorization")
		if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
			answer(w, 400, map[string]string{"message": err.Error()})
			return
		}
		answer(w, 201, map[string]any{
			"files":  []any{nil},
			"commit": map[string]any{"sha": newSHA, "url": "x", "parents": []any{map[string]string{"sha": parentSHA, "url": "y"}}},
		})
	})
	sha1, sha2 := strings.Repeat("a", 40), strings.Repeat("b", 40)
	res, err := c.Commit(t.Context(), ledger.Commit{
		Message: "two changes",
		Author:  ledger.Signature{Name: "Engelbot", Email: "bot@example.org"},
		Changes: []ledger.Change{
			{Op: ledger.OpCreate, Path: "pages/t1.md", Content: []byte("# t1\n")},
			{Op: ledger.OpUpdate, Path: "tasks.csv", Content: []byte("id\nt1\n"), SHA: sha1},
			{Op: ledger.OpDelete, Path: "old.md", SHA: sha2},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Commit != newSHA || res.Parent != parentSHA {
		t.Errorf("result = %+v, want commit %s on parent %s from the answer", res, newSHA, parentSHA)
	}
	if auth != "token "+fakeToken {
		t.Errorf("Authorization = %q", auth)
	}
	if got.Branch != "main" || got.Message != "two changes" || got.Author == nil || got.Author.Email != "bot@example.org" {
		t.Errorf("request = %+v, want branch main, the message and the author", got)
	}
	want := []struct{ op, path, content, sha string }{
		{"create", "pages/t1.md", "# t1\n", ""},
		{"update", "tasks.csv", "id\nt1\n", sha1},
		{"delete", "old.md", "", sha2},
	}
	if len(got.Files) != len(want) {
		t.Fatalf("files = %+v, want %d in order", got.Files, len(want))
	}
	for i, w := range want {
		f := got.Files[i]
		content, _ := base64.StdEncoding.DecodeString(f.Content)
		if f.Operation != w.op || f.Path != w.path || string(content) != w.content || f.SHA != w.sha {
			t.Errorf("file %d = %+v (content %q), want %+v", i, f, content, w)
		}
	}
}

func TestCommitRefusesUncheckedChanges(t *testing.T) {
	var calls atomic.Int32
	c := fakeForge(t, 5*time.Second, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		answer(w, 500, map[string]string{"message": "should not be called"})
	})
	for _, tc := range []struct {
		name string
		c    ledger.Commit
	}{
		{"no changes", ledger.Commit{Message: "empty"}},
		{"update without sha", ledger.Commit{Changes: []ledger.Change{{Op: ledger.OpUpdate, Path: "a", Content: []byte("x")}}}},
		{"delete without sha", ledger.Commit{Changes: []ledger.Change{{Op: ledger.OpDelete, Path: "a"}}}},
		{"unknown op", ledger.Commit{Changes: []ledger.Change{{Op: 0, Path: "a"}}}},
		{"no path", ledger.Commit{Changes: []ledger.Change{{Op: ledger.OpCreate, Content: []byte("x")}}}},
		{"unclean path", ledger.Commit{Changes: []ledger.Change{{Op: ledger.OpCreate, Path: "pages//a.md", Content: []byte("x")}}}},
		{"absolute path", ledger.Commit{Changes: []ledger.Change{{Op: ledger.OpCreate, Path: "/etc/a.md", Content: []byte("x")}}}},
		{"path out of the tree", ledger.Commit{Changes: []ledger.Change{{Op: ledger.OpCreate, Path: "../a.md", Content: []byte("x")}}}},
		{"same path twice", ledger.Commit{Changes: []ledger.Change{
			{Op: ledger.OpCreate, Path: "a", Content: []byte("x")}, {Op: ledger.OpCreate, Path: "a", Content: []byte("y")},
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := c.Commit(t.Context(), tc.c); err == nil || errors.Is(err, ledger.ErrConflict) {
				t.Errorf("err = %v, want a plain refusal", err)
			}
		})
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("the forge was called %d times for invalid commits", n)
	}
}

func TestUnavailable(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		c := fakeForge(t, 200*time.Millisecond, func(w http.ResponseWriter, r *http.Request) {
			// Reading the body lets the server notice the client leaving.
			_, _ = io.Copy(io.Discard, r.Body)
			<-r.Context().Done() // never answers
		})
		_, err := c.Commit(t.Context(), oneUpdate)
		if !errors.Is(err, ErrUnavailable) || errors.Is(err, ledger.ErrConflict) {
			t.Fatalf("err = %v, want ErrUnavailable", err)
		}
		if !strings.Contains(err.Error(), "may or may not have been applied") {
			t.Errorf("a timed-out commit does not say its outcome is unknown: %v", err)
		}
		if _, err := c.Head(t.Context()); !errors.Is(err, ErrUnavailable) {
			t.Errorf("Head: err = %v, want ErrUnavailable", err)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		c, err := New(Config{URL: url, Owner: "o", Repo: "r", Branch: "main", Token: fakeToken})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ReadFile(t.Context(), "a.csv"); !errors.Is(err, ErrUnavailable) || errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("ReadFile: err = %v, want ErrUnavailable", err)
		}
		if _, err := c.Tree(t.Context(), ""); !errors.Is(err, ErrUnavailable) {
			t.Errorf("Tree: err = %v, want ErrUnavailable", err)
		}
	})
	t.Run("caller cancels", func(t *testing.T) {
		c := fakeForge(t, 5*time.Second, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := c.Head(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want it to wrap context.Canceled", err)
		}
	})
}

func TestReadFile(t *testing.T) {
	content := []byte("id,title\nt1,\"a, b\"\n")
	sha := ledger.BlobSHA(content)
	branchOK := true
	c := fakeForge(t, 5*time.Second, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/api/v1/repos/o/r/branches/main":
			if !branchOK {
				answer(w, 404, map[string]string{"message": "not found"})
				return
			}
			answer(w, 200, map[string]any{"name": "main", "commit": map[string]string{"id": strings.Repeat("d", 40)}})
		case r.URL.Path == "/api/v1/repos/o/r/raw/main/tasks.csv":
			w.Header().Set("ETag", `"`+sha+`"`)
			_, _ = w.Write(content)
		case r.URL.Path == "/api/v1/repos/o/r/raw/main/lfs.bin":
			w.Header().Set("ETag", `"`+strings.Repeat("e", 40)+`"`)
			_, _ = w.Write([]byte("not the blob"))
		default:
			answer(w, 404, map[string]string{"message": "not found"})
		}
	})
	f, err := c.ReadFile(t.Context(), "tasks.csv")
	if err != nil {
		t.Fatal(err)
	}
	if string(f.Content) != string(content) || f.SHA != sha || f.Path != "tasks.csv" {
		t.Errorf("ReadFile = %+v, want the content with SHA %s", f, sha)
	}
	if _, err := c.ReadFile(t.Context(), "missing.md"); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("missing file: err = %v, want ErrNotFound", err)
	}
	if _, err := c.ReadFile(t.Context(), "lfs.bin"); err == nil {
		t.Error("content that does not match its ETag was accepted")
	}
	branchOK = false
	if _, err := c.ReadFile(t.Context(), "missing.md"); !errors.Is(err, ErrMissing) || errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("file on a missing branch: err = %v, want ErrMissing and not ErrNotFound", err)
	}
}

func TestTreePages(t *testing.T) {
	const commit = "0123456789012345678901234567890123456789"
	const perPage = 3
	var all []map[string]any
	for i := range 7 {
		all = append(all, map[string]any{"path": fmt.Sprintf("d/f%d.md", i), "type": "blob", "sha": fmt.Sprintf("%040d", i)})
	}
	all = append(all, map[string]any{"path": "d", "type": "tree", "sha": strings.Repeat("f", 40)})
	var pages atomic.Int32
	c := fakeForge(t, 5*time.Second, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/repos/o/r/git/trees/"+commit || r.URL.Query().Get("recursive") != "1" {
			answer(w, 404, map[string]string{"message": "unexpected " + r.URL.String()})
			return
		}
		pages.Add(1)
		var page int
		fmt.Sscan(r.URL.Query().Get("page"), &page)
		start := min((page-1)*perPage, len(all))
		end := min(start+perPage, len(all))
		answer(w, 200, map[string]any{"sha": commit, "tree": all[start:end], "truncated": end < len(all), "page": page, "total_count": len(all)})
	})
	tree, err := c.Tree(t.Context(), commit)
	if err != nil {
		t.Fatal(err)
	}
	if tree.Commit != commit || len(tree.Files) != 7 {
		t.Fatalf("tree = %+v, want 7 blobs at %s", tree, commit)
	}
	if _, ok := tree.Files["d"]; ok {
		t.Error("a tree entry is listed as a file")
	}
	if tree.Files["d/f6.md"] != fmt.Sprintf("%040d", 6) {
		t.Errorf("last page missing: %v", tree.Files)
	}
	if n := pages.Load(); n != 3 {
		t.Errorf("read %d pages, want 3", n)
	}
}

func TestTreeTruncatedWithoutProgress(t *testing.T) {
	c := fakeForge(t, 5*time.Second, func(w http.ResponseWriter, r *http.Request) {
		answer(w, 200, map[string]any{"tree": []any{}, "truncated": true, "total_count": 10})
	})
	done := make(chan error, 1)
	go func() { _, err := c.Tree(t.Context(), strings.Repeat("a", 40)); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("an endless truncated listing was accepted")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Tree loops on a forge that says truncated but sends nothing")
	}
}

func TestNewChecksConfig(t *testing.T) {
	good := Config{URL: "https://forge.example.org/", Owner: "o", Repo: "r", Branch: "main", Token: fakeToken}
	if _, err := New(good); err != nil {
		t.Fatalf("New(%+v): %v", good, err)
	}
	for _, bad := range []func(*Config){
		func(c *Config) { c.URL = "" },
		func(c *Config) { c.URL = "forge.example.org" },
		func(c *Config) { c.Owner = "" },
		func(c *Config) { c.Branch = " " },
		func(c *Config) { c.Token = "" },
		func(c *Config) { c.Timeout = -time.Second },
	} {
		cfg := good
		bad(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted a bad configuration", cfg)
		} else if strings.Contains(err.Error(), fakeToken) {
			t.Errorf("New error contains the token: %v", err)
		}
	}
}
