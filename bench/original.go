package bench

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"smartup0.org/engelbot/ledger"
)

// OriginalBurst is the original system's pattern under the same burst:
// per command, read the CSV index, then three single-file writes through
// the contents API (create the page, update the index, update
// master-events), each retried after re-reading on a conflict.
type OriginalBurst struct {
	N         int
	Completed int // commands whose three writes all landed
	// Wall runs until the last command finished or, when the deadline
	// stopped the burst, until the last write already sent was answered.
	Wall     time.Duration
	Capped   bool // the deadline stopped it
	Deadline time.Duration
	Writes   int // single-file writes that landed (one commit each), seen by the client
	Commits  int // commits the forge counts on the branch afterwards
	Requests Counts
	Retries  int // conflict retries
	// Attempts are the single-file writes sent, timed from request to
	// answer, landed or not.
	Attempts Durations
	// Projected is, when capped, the wall time all N commands would take at
	// the rate writes landed during Wall.
	Projected time.Duration
}

// The original pattern's files: an index it appends a row to, one growing
// master-events file, and a page per command.
const (
	originalIndex  = ledger.SessionsFile
	originalEvents = "master-events.csv"
)

// original drives the contents API the way the original system did.
type original struct {
	f       *forge
	name    string
	http    *http.Client
	counter *Counter
	writes  atomic.Int64
	retries atomic.Int64
	stopAt  time.Time // no request is sent after it

	mu       sync.Mutex
	attempts Durations
}

// errDeadline stops a command of the original pattern: no request is sent
// after the deadline, but those already sent are answered, so that the
// writes the forge is working on count.
var errDeadline = errors.New("the burst's deadline passed")

// runOriginalBurst releases n goroutines at once, each making one command's
// writes the original way, and stops them sending at the deadline.
func runOriginalBurst(ctx context.Context, f *forge, n int, deadline time.Duration) (*OriginalBurst, error) {
	r, err := f.newRepo(ctx, repoOriginal, []ledger.Change{
		{Op: ledger.OpCreate, Path: originalIndex, Content: ledger.EncodeCSV[ledger.Session](nil)},
		{Op: ledger.OpCreate, Path: originalEvents, Content: ledger.EncodeCSV[ledger.Event](nil)},
	})
	if err != nil {
		return nil, err
	}
	before, err := r.commits(ctx)
	if err != nil {
		return nil, err
	}
	o := &original{f: f, name: r.name, counter: NewCounter(transport())}
	o.http = &http.Client{Transport: o.counter}
	var (
		mu        sync.Mutex
		last      time.Time
		completed int
		errs      []error
	)
	start := atOnce(n, func(start time.Time) { o.stopAt = start.Add(deadline) }, func(i int) {
		err := o.command(ctx, i)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err == nil:
			completed++
			last = time.Now()
		case !errors.Is(err, errDeadline):
			errs = append(errs, err)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("the original pattern failed: %w", err)
	}
	res := &OriginalBurst{
		N: n, Completed: completed, Deadline: deadline,
		Writes: int(o.writes.Load()), Retries: int(o.retries.Load()), Requests: o.counter.Read(), Attempts: o.attempts,
	}
	if completed == n {
		res.Wall = last.Sub(start)
	} else {
		// Stopped at the deadline; Wall includes the answers to the writes
		// in flight then, which count among the writes that landed.
		res.Capped = true
		res.Wall = time.Since(start)
		if res.Writes > 0 {
			res.Projected = time.Duration(float64(res.Wall) * float64(3*n) / float64(res.Writes))
		}
	}
	// A write whose answer never came (a timeout) may still land: then
	// count once the branch stops moving.
	count := r.commits
	if res.Requests.Statuses[0] > 0 {
		count = func(ctx context.Context) (int, error) { return settledCommits(ctx, r) }
	}
	after, err := count(ctx)
	if err != nil {
		return nil, err
	}
	res.Commits = after - before
	return res, nil
}

// settledCommits waits until the branch's commit count has held still for
// two seconds (at most a minute) and returns it.
func settledCommits(ctx context.Context, r *repo) (int, error) {
	const still, most = 2, time.Minute
	prev, err := r.commits(ctx)
	if err != nil {
		return 0, err
	}
	unchanged := 0
	for end := time.Now().Add(most); unchanged < still && time.Now().Before(end); {
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Second):
		}
		n, err := r.commits(ctx)
		if err != nil {
			return 0, err
		}
		if n == prev {
			unchanged++
		} else {
			prev, unchanged = n, 0
		}
	}
	return prev, nil
}

// command is one !start_work the original way.
func (o *original) command(ctx context.Context, i int) error {
	task := TaskID(i)
	sid := task + "_ws1"
	now := time.Now().UTC().Truncate(time.Second)
	page := ledger.SessionPagesDir + "/" + sid + ".md"
	evID := eventID("original", i)

	index, err := o.get(ctx, originalIndex) // the original read the index first, to check the rule
	if err != nil {
		return err
	}
	content := ledger.Page{
		Front: ledger.Frontmatter{Title: "Work session " + sid, Author: Alias(i), Role: ledger.Attacker, Date: now.Format("2006-01-02"), Parent: task, Public: true},
		Body:  fmt.Sprintf("# Work session %s\n\n- Task: %s\n- Worker: %s (attacker)\n", sid, task, Alias(i)),
	}.Render()
	if err := o.create(ctx, page, content); err != nil {
		return err
	}
	row := ledger.Session{ID: sid, Task: task, Alias: Alias(i), Position: ledger.Attacker, State: ledger.SessionOpen, Started: now, StartEvent: evID, WikiPath: page}
	if err := o.appendRow(ctx, originalIndex, &index, sid, func(base []byte) []byte { return ledger.AppendCSV(base, row) }); err != nil {
		return err
	}
	ev := ledger.Event{Time: now, EventID: evID, Actor: Alias(i), Command: "!start_work " + task, Action: "work_session.start", Target: sid, Files: page + ";" + originalIndex}
	return o.appendRow(ctx, originalEvents, nil, evID, func(base []byte) []byte { return ledger.AppendCSV(base, ev) })
}

// file is a file as the contents API returns it.
type file struct {
	content []byte
	sha     string
}

func (o *original) api(p string) string {
	return fmt.Sprintf("%s/api/v1/repos/%s/%s/contents/%s", o.f.g.URL, url.PathEscape(org), url.PathEscape(o.name), p)
}

// do sends one request and returns the status and body.
func (o *original) do(ctx context.Context, method, u string, body any) (int, []byte, error) {
	if time.Now().After(o.stopAt) {
		return 0, nil, errDeadline
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "token "+o.f.g.Token)
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := o.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if method != http.MethodGet {
		o.mu.Lock()
		o.attempts = append(o.attempts, time.Since(start))
		o.mu.Unlock()
	}
	return resp.StatusCode, data, err
}

// get reads a file through GET …/contents/{path}.
func (o *original) get(ctx context.Context, p string) (file, error) {
	status, body, err := o.do(ctx, http.MethodGet, o.api(p)+"?ref="+branch, nil)
	if err != nil {
		return file{}, fmt.Errorf("reading %s: %w", p, err)
	}
	if status != http.StatusOK {
		return file{}, fmt.Errorf("reading %s: status %d: %s", p, status, body)
	}
	var c struct {
		Content string `json:"content"`
		SHA     string `json:"sha"`
	}
	if err := json.Unmarshal(body, &c); err != nil {
		return file{}, fmt.Errorf("reading %s: %w", p, err)
	}
	data, err := base64.StdEncoding.DecodeString(c.Content)
	if err != nil {
		return file{}, fmt.Errorf("reading %s: %w", p, err)
	}
	return file{content: data, sha: c.SHA}, nil
}

// writeBody is the body of a single-file create or update.
type writeBody struct {
	Branch  string `json:"branch"`
	Message string `json:"message"`
	Content string `json:"content"`
	SHA     string `json:"sha,omitempty"`
}

// conflicted says whether a failed write lost a race: a stale SHA (Gitea
// 422, Forgejo 409), or two pushes at once (403 "cannot lock ref", 500).
func conflicted(method string, status int, body []byte) bool {
	switch status {
	case http.StatusConflict, http.StatusInternalServerError:
		return true
	case http.StatusUnprocessableEntity:
		return method == http.MethodPut
	case http.StatusForbidden:
		return strings.Contains(string(body), "cannot lock ref")
	}
	return false
}

// create makes a new file with POST, retrying lost push races.
func (o *original) create(ctx context.Context, p string, content []byte) error {
	for attempt := 0; ; attempt++ {
		status, body, err := o.do(ctx, http.MethodPost, o.api(p), writeBody{Branch: branch, Message: "create " + p, Content: base64.StdEncoding.EncodeToString(content)})
		switch {
		case errors.Is(err, errDeadline) || (err != nil && ctx.Err() != nil):
			return err
		case err != nil:
			o.retries.Add(1) // no answer: try again
		case status == http.StatusCreated:
			o.writes.Add(1)
			return nil
		case status == http.StatusUnprocessableEntity && attempt > 0:
			return nil // an earlier attempt landed after all
		case conflicted(http.MethodPost, status, body):
			o.retries.Add(1)
		default:
			return fmt.Errorf("creating %s: status %d: %s", p, status, body)
		}
	}
}

// appendRow adds a row to a file with PUT and the SHA it read; on a
// conflict it re-reads the file and tries again. key tells whether an
// earlier attempt landed after all.
func (o *original) appendRow(ctx context.Context, p string, have *file, key string, add func([]byte) []byte) error {
	for {
		if have == nil {
			f, err := o.get(ctx, p)
			if err != nil {
				return err
			}
			have = &f
		}
		if bytes.Contains(have.content, []byte(key)) {
			return nil
		}
		status, body, err := o.do(ctx, http.MethodPut, o.api(p), writeBody{
			Branch: branch, Message: "update " + p, Content: base64.StdEncoding.EncodeToString(add(have.content)), SHA: have.sha,
		})
		switch {
		case errors.Is(err, errDeadline) || (err != nil && ctx.Err() != nil):
			return err
		case err != nil:
			o.retries.Add(1)
		case status == http.StatusOK || status == http.StatusCreated:
			o.writes.Add(1)
			return nil
		case conflicted(http.MethodPut, status, body):
			o.retries.Add(1)
		default:
			return fmt.Errorf("updating %s: status %d: %s", p, status, body)
		}
		have = nil
	}
}
