package bench

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
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
// master-events), each retried on a conflict after an exponential backoff
// (see backoff) and, for an update, a fresh read.
type OriginalBurst struct {
	N         int
	Completed int // commands whose three writes all landed
	// Wall runs until the last command finished or, when the deadline
	// stopped the burst, until the last write already sent was answered.
	Wall     time.Duration
	Capped   bool // the deadline stopped it: Wall is then a lower bound
	Deadline time.Duration
	Backoff  backoff
	Writes   int // single-file writes that landed (one commit each), seen by the client
	// Recovered are writes that came back as a conflict with a file an
	// earlier attempt of the same write had created after all.
	Recovered int
	Commits   int // commits the forge counts on the branch afterwards
	Requests  Counts
	Retries   int   // conflict retries, all commands
	PerCmd    []int // conflict retries of each command, by index
	// Paused is, per command, the time it spent waiting before retries.
	Paused Durations
	// Attempts are the single-file writes sent, timed from request to
	// answer, landed or not.
	Attempts Durations
}

// MaxRetries is the most retries one command needed.
func (o *OriginalBurst) MaxRetries() int {
	most := 0
	for _, n := range o.PerCmd {
		most = max(most, n)
	}
	return most
}

// The original pattern's files: an index it appends a row to, one growing
// master-events file, and a page per command.
const (
	originalIndex  = "indexes/work-sessions.csv" // the original system's one file, rewritten whole
	originalEvents = "master-events.csv"
)

// original drives the contents API the way the original system did.
type original struct {
	f       *forge
	name    string
	http    *http.Client
	counter *Counter
	backoff backoff
	writes  atomic.Int64
	retries atomic.Int64
	// recovered counts creates answered "already exists" after an
	// earlier attempt of theirs had no clear answer.
	recovered atomic.Int64
	stopAt    time.Time // no request is sent after it

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
	o := &original{f: f, name: r.name, counter: NewCounter(transport()), backoff: originalBackoff}
	o.http = &http.Client{Transport: o.counter}
	var (
		mu        sync.Mutex
		last      time.Time
		completed int
		errs      []error
		retries   = make([]int, n)
		paused    = make(Durations, n)
	)
	start := atOnce(n, func(start time.Time) { o.stopAt = start.Add(deadline) }, func(i int) {
		p := &pacer{o: o, rng: commandRNG(i)}
		err := o.command(ctx, p, i)
		retries[i], paused[i] = p.retries, p.paused
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
		N: n, Completed: completed, Deadline: deadline, Backoff: o.backoff,
		Writes: int(o.writes.Load()), Recovered: int(o.recovered.Load()), Retries: int(o.retries.Load()),
		PerCmd: retries, Paused: paused, Requests: o.counter.Read(), Attempts: o.attempts,
	}
	if completed == n {
		res.Wall = last.Sub(start)
	} else {
		// Stopped at the deadline; Wall includes the answers to the writes
		// in flight then, which count among the writes that landed.
		res.Capped = true
		res.Wall = time.Since(start)
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

// pacer is one command's retry state: its own seeded jitter, and what it
// retried and waited.
type pacer struct {
	o       *original
	rng     *rand.Rand
	retries int
	paused  time.Duration
}

// retry counts the n-th retry of a write (n ≥ 1) and waits its backoff.
// A pause that would end after the deadline is not waited: no request
// would follow it.
func (p *pacer) retry(ctx context.Context, n int) error {
	p.retries++
	p.o.retries.Add(1)
	d := p.o.backoff.pause(n, p.rng)
	if time.Now().Add(d).After(p.o.stopAt) {
		return errDeadline
	}
	p.paused += d
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// command is one !start_work the original way.
func (o *original) command(ctx context.Context, p *pacer, i int) error {
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
	if err := o.create(ctx, p, page, content); err != nil {
		return err
	}
	row := ledger.Session{ID: sid, Task: task, Alias: Alias(i), Position: ledger.Attacker, State: ledger.SessionOpen, Started: now, StartEvent: evID, WikiPath: page}
	if err := o.appendRow(ctx, p, originalIndex, &index, sid, func(base []byte) []byte { return ledger.AppendCSV(base, row) }); err != nil {
		return err
	}
	ev := ledger.Event{Time: now, EventID: evID, Actor: Alias(i), Command: "!start_work " + task, Action: "work_session.start", Target: sid, Files: page + ";" + originalIndex}
	return o.appendRow(ctx, p, originalEvents, nil, evID, func(base []byte) []byte { return ledger.AppendCSV(base, ev) })
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

// create makes a new file with POST, retrying lost push races after a
// backoff.
func (o *original) create(ctx context.Context, pc *pacer, p string, content []byte) error {
	for attempt := 0; ; attempt++ {
		status, body, err := o.do(ctx, http.MethodPost, o.api(p), writeBody{Branch: branch, Message: "create " + p, Content: base64.StdEncoding.EncodeToString(content)})
		switch {
		case errors.Is(err, errDeadline) || (err != nil && ctx.Err() != nil):
			return err
		case err != nil: // no answer: try again
		case status == http.StatusCreated:
			o.writes.Add(1)
			return nil
		case status == http.StatusUnprocessableEntity && attempt > 0:
			o.recovered.Add(1) // an earlier attempt landed after all
			return nil
		case conflicted(http.MethodPost, status, body):
		default:
			return fmt.Errorf("creating %s: status %d: %s", p, status, body)
		}
		if err := pc.retry(ctx, attempt+1); err != nil {
			return err
		}
	}
}

// appendRow adds a row to a file with PUT and the SHA it read; on a
// conflict it re-reads the file and tries again. key tells whether an
// earlier attempt landed after all.
func (o *original) appendRow(ctx context.Context, pc *pacer, p string, have *file, key string, add func([]byte) []byte) error {
	for attempt := 0; ; attempt++ {
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
		case err != nil: // no answer: re-read and try again
		case status == http.StatusOK || status == http.StatusCreated:
			o.writes.Add(1)
			return nil
		case conflicted(http.MethodPut, status, body):
		default:
			return fmt.Errorf("updating %s: status %d: %s", p, status, body)
		}
		if err := pc.retry(ctx, attempt+1); err != nil {
			return err
		}
		have = nil
	}
}
