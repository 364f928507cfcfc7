package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"smartup0.org/engelbot/forgejo"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/servers"
)

// org owns every repository a run creates; branch is the ledger branch.
const (
	org    = "bench"
	branch = "main"
)

// forge is the Gitea a run measures on.
type forge struct {
	g     *servers.Gitea
	plain *http.Client // uncounted: for the measurement's own questions

	mu      sync.Mutex
	created map[string]bool // repositories created ahead by createRepos
}

func newForge(g *servers.Gitea) *forge {
	return &forge{g: g, plain: &http.Client{Timeout: time.Minute, Transport: transport()}, created: map[string]bool{}}
}

// transport is what every client of a run uses: enough idle connections for
// a burst of 50 writers, so the burst measures the forge, not TCP set-up.
func transport() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 128
	return tr
}

// repo is one repository of the run, with a ledger store on its branch
// whose requests are counted.
type repo struct {
	f       *forge
	name    string
	counter *Counter
	store   *forgejo.Client
}

// createRepos creates repositories ahead, several at a time: creating one
// costs the forge seconds (its first commit), and none of it is measured.
func (f *forge) createRepos(ctx context.Context, names ...string) error {
	if len(names) == 0 {
		return nil
	}
	// The first creates the organisation; at once, two would both try.
	if err := f.create(ctx, names[0]); err != nil {
		return err
	}
	var (
		wg   sync.WaitGroup
		errs = make([]error, len(names))
		sem  = make(chan struct{}, 4)
	)
	for i, name := range names[1:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = f.create(ctx, name)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (f *forge) create(ctx context.Context, name string) error {
	if err := f.g.CreateRepo(ctx, org, name, false); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.created[name] = true
	return nil
}

// newRepo creates a repository, unless createRepos did, and commits each
// group of changes into it, one commit per group, through the forge store.
func (f *forge) newRepo(ctx context.Context, name string, seed ...[]ledger.Change) (*repo, error) {
	f.mu.Lock()
	created := f.created[name]
	f.mu.Unlock()
	if !created {
		if err := f.create(ctx, name); err != nil {
			return nil, err
		}
	}
	counter := NewCounter(transport())
	store, err := forgejo.New(forgejo.Config{
		URL: f.g.URL, Owner: org, Repo: name, Branch: branch, Token: f.g.Token,
		Timeout: 5 * time.Minute, HTTPClient: &http.Client{Transport: counter},
	})
	if err != nil {
		return nil, err
	}
	r := &repo{f: f, name: name, counter: counter, store: store}
	for i, changes := range seed {
		if _, err := store.Commit(ctx, ledger.Commit{
			Message: fmt.Sprintf("benchmark seed %d of %d", i+1, len(seed)),
			Author:  ledger.Signature{Name: "Engelbot bench", Email: "bench@localhost"},
			Changes: changes,
		}); err != nil {
			return nil, fmt.Errorf("seeding %s: %w", name, err)
		}
	}
	return r, nil
}

// commits is the number of commits on the branch, as the forge counts them.
func (r *repo) commits(ctx context.Context) (int, error) {
	u := fmt.Sprintf("%s/api/v1/repos/%s/%s/commits?sha=%s&limit=1&stat=false&verification=false&files=false",
		r.f.g.URL, url.PathEscape(org), url.PathEscape(r.name), url.QueryEscape(branch))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "token "+r.f.g.Token)
	resp, err := r.f.plain.Do(req)
	if err != nil {
		return 0, fmt.Errorf("counting commits of %s: %w", r.name, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("counting commits of %s: %s", r.name, resp.Status)
	}
	n, err := strconv.Atoi(resp.Header.Get("X-Total-Count"))
	if err != nil {
		return 0, fmt.Errorf("counting commits of %s: no X-Total-Count header", r.name)
	}
	return n, nil
}

// commitMessages returns the messages of the newest n commits on the
// branch, newest first.
func (r *repo) commitMessages(ctx context.Context, n int) ([]string, error) {
	u := fmt.Sprintf("%s/api/v1/repos/%s/%s/commits?sha=%s&limit=%d&stat=false&verification=false&files=false",
		r.f.g.URL, url.PathEscape(org), url.PathEscape(r.name), url.QueryEscape(branch), n)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "token "+r.f.g.Token)
	resp, err := r.f.plain.Do(req)
	if err != nil {
		return nil, fmt.Errorf("listing commits of %s: %w", r.name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("listing commits of %s: %s", r.name, resp.Status)
	}
	var commits []struct {
		Commit struct {
			Message string `json:"message"`
		} `json:"commit"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&commits); err != nil {
		return nil, fmt.Errorf("listing commits of %s: %w", r.name, err)
	}
	msgs := make([]string, len(commits))
	for i, c := range commits {
		msgs[i] = c.Commit.Message
	}
	return msgs, nil
}
