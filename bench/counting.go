package bench

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Counter is an http.RoundTripper that counts the requests it carries, by
// method and kind of API path ("GET branches", "POST contents", …), and the
// bytes of their bodies (what a client uploads; headers not included).
type Counter struct {
	next http.RoundTripper

	mu       sync.Mutex
	total    int
	bytes    int64
	kinds    map[string]int
	statuses map[int]int
}

// NewCounter counts the requests next carries. next must not be nil.
func NewCounter(next http.RoundTripper) *Counter {
	return &Counter{next: next, kinds: map[string]int{}, statuses: map[int]int{}}
}

// RoundTrip counts the request and passes it on.
func (c *Counter) RoundTrip(r *http.Request) (*http.Response, error) {
	kind := r.Method + " " + pathKind(r.URL.Path)
	c.mu.Lock()
	c.total++
	c.kinds[kind]++
	c.mu.Unlock()
	if r.Body != nil && r.Body != http.NoBody {
		if r.ContentLength > 0 {
			c.addBytes(r.ContentLength)
		} else {
			// Unknown length (0 with a body means unknown too): count what
			// the transport reads. A RoundTripper must not change the
			// request it was given, so on a copy.
			r = r.Clone(r.Context())
			r.Body = &countingBody{ReadCloser: r.Body, c: c}
		}
	}
	resp, err := c.next.RoundTrip(r)
	status := 0 // no answer
	if err == nil {
		status = resp.StatusCode
	}
	c.mu.Lock()
	c.statuses[status]++
	c.mu.Unlock()
	return resp, err
}

func (c *Counter) addBytes(n int64) {
	c.mu.Lock()
	c.bytes += n
	c.mu.Unlock()
}

// countingBody counts the bytes of a request body as they are read.
type countingBody struct {
	io.ReadCloser
	c *Counter
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.c.addBytes(int64(n))
	return n, err
}

// Counts is a reading of a Counter.
type Counts struct {
	Total    int
	Bytes    int64 // request bodies
	Kinds    map[string]int
	Statuses map[int]int // answers by HTTP status; 0 counts requests that got none
}

// Read returns the counts so far.
func (c *Counter) Read() Counts {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Counts{Total: c.total, Bytes: c.bytes, Kinds: maps.Clone(c.kinds), Statuses: maps.Clone(c.statuses)}
}

// Since returns what was counted between an earlier reading and now.
func (c *Counter) Since(before Counts) Counts {
	now := c.Read()
	d := Counts{Total: now.Total - before.Total, Bytes: now.Bytes - before.Bytes, Kinds: map[string]int{}, Statuses: map[int]int{}}
	for k, n := range now.Kinds {
		if n -= before.Kinds[k]; n != 0 {
			d.Kinds[k] = n
		}
	}
	for k, n := range now.Statuses {
		if n -= before.Statuses[k]; n != 0 {
			d.Statuses[k] = n
		}
	}
	return d
}

// pathKind names an API path by what follows /repos/{owner}/{repo}/: the
// branch, tree, contents, raw, commits endpoints.
func pathKind(p string) string {
	rest, ok := strings.CutPrefix(p, "/api/v1/repos/")
	if !ok {
		return p
	}
	parts := strings.SplitN(rest, "/", 4)
	if len(parts) < 3 {
		return "repo"
	}
	if parts[2] == "git" && len(parts) == 4 {
		return "git/" + strings.SplitN(parts[3], "/", 2)[0]
	}
	if parts[2] == "contents" && len(parts) == 4 {
		return "contents/{path}"
	}
	return parts[2]
}

// StatusString lists the answers by status, e.g. "201 ×3, 500 ×2, none ×1".
func (c Counts) StatusString() string {
	var parts []string
	for _, st := range slices.Sorted(maps.Keys(c.Statuses)) {
		name := strconv.Itoa(st)
		if st == 0 {
			name = "no answer"
		}
		parts = append(parts, fmt.Sprintf("%s ×%d", name, c.Statuses[st]))
	}
	return strings.Join(parts, ", ")
}

// String is the total and its breakdown, e.g. "3 (GET branches ×2, POST contents ×1)".
func (c Counts) String() string {
	keys := slices.Sorted(maps.Keys(c.Kinds))
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s ×%d", k, c.Kinds[k]))
	}
	if len(parts) == 0 {
		return strconv.Itoa(c.Total)
	}
	return fmt.Sprintf("%d (%s)", c.Total, strings.Join(parts, ", "))
}
