package forgejo

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxAnswer bounds what is read of one answer. Ledger files are split to
// stay far smaller; a larger answer is refused rather than cut short.
const maxAnswer = 64 << 20

// errTooLarge is an answer over maxAnswer: no retry will make it smaller.
var errTooLarge = fmt.Errorf("answer larger than %d MiB", maxAnswer>>20)

// do sends one API request with the token and returns the answer's status,
// headers and body. A nil response means no answer came (err says why).
func (c *Client) do(ctx context.Context, method, path string, body io.Reader) (*http.Response, []byte, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/api/v1"+path, body)
	if err != nil {
		return nil, nil, fmt.Errorf("forgejo: build request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "token "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > maxAnswer {
		return nil, nil, fmt.Errorf("%s %s: %w", method, path, errTooLarge)
	}
	return resp, data, nil
}

// repoPath is the API path of the repository, with its parts escaped.
func (c *Client) repoPath() string {
	return "/repos/" + url.PathEscape(c.owner) + "/" + url.PathEscape(c.repo)
}

// escapePath escapes each segment of a slash-separated path.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}
