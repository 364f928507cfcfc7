package forgejo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"code.gitea.io/sdk/gitea"

	"smartup0.org/engelbot/ledger"
)

// DefaultTimeout bounds one API request when Config.Timeout is zero. A
// commit costs about half a second on a small forge; a minute leaves room
// for a large one under load without hanging a caller forever.
const DefaultTimeout = time.Minute

// Config says which branch of which repository holds the ledger.
type Config struct {
	URL    string // the forge's base URL, e.g. https://forge.example.org
	Owner  string // user or organisation owning the repository
	Repo   string
	Branch string
	Token  string // an access token with write access to the repository

	// Timeout bounds each request (DefaultTimeout when zero), whatever
	// HTTPClient does.
	Timeout time.Duration
	// HTTPClient carries the requests; nil means a client of our own.
	HTTPClient *http.Client
}

// Client is a ledger.Store on one branch of a forge repository. It is safe
// for concurrent use.
type Client struct {
	base    string // URL without a trailing slash
	owner   string
	repo    string
	branch  string
	token   string
	timeout time.Duration
	http    *http.Client
	// historyLimit is how many commits a page of History asks for;
	// historyPageSize when zero. Tests make it small to page often.
	historyLimit int
}

var _ ledger.Store = (*Client)(nil)

// New checks the configuration and returns a Client. It makes no request:
// a forge that is down at start-up shows up on the first call.
func New(cfg Config) (*Client, error) {
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"URL", cfg.URL}, {"Owner", cfg.Owner}, {"Repo", cfg.Repo}, {"Branch", cfg.Branch}, {"Token", cfg.Token},
	} {
		if strings.TrimSpace(f.value) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("forgejo: configuration lacks %s", strings.Join(missing, ", "))
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("forgejo: URL %q is not an http(s) URL", cfg.URL)
	}
	if cfg.Timeout < 0 {
		return nil, errors.New("forgejo: negative timeout")
	}
	c := &Client{
		base:    strings.TrimRight(cfg.URL, "/"),
		owner:   cfg.Owner,
		repo:    cfg.Repo,
		branch:  cfg.Branch,
		token:   cfg.Token,
		timeout: cfg.Timeout,
		http:    cfg.HTTPClient,
	}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.http == nil {
		// The default transport keeps two idle connections per host; a
		// burst of writers and readers would keep opening new ones.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 16
		c.http = &http.Client{Timeout: c.timeout, Transport: tr}
	}
	return c, nil
}

// String names the branch the client writes to, for logs.
func (c *Client) String() string {
	return c.owner + "/" + c.repo + "@" + c.branch + " on " + c.base
}

// sdk returns a Gitea SDK client whose requests run under ctx. The SDK has
// no per-call context, only one per client, so each call gets its own
// client; they share the http.Client and its connections, and creating one
// makes no request.
func (c *Client) sdk(ctx context.Context) (*gitea.Client, error) {
	return gitea.NewClient(c.base,
		gitea.SetGiteaVersion(""), // no /version request before every call
		gitea.SetToken(c.token),
		gitea.SetHTTPClient(c.http),
		gitea.SetContext(ctx),
	)
}

// fail builds the error for a failed call. resp is nil when no answer came;
// message is what the forge said.
func (c *Client) fail(o op, what string, resp *http.Response, message string, cause error) error {
	e := &Error{Op: what, Repo: c.owner + "/" + c.repo + "@" + c.branch}
	if resp == nil {
		e.Class = ErrUnavailable
		if errors.Is(cause, errTooLarge) {
			e.Class = ErrRejected
		}
		e.Cause = redactErr{err: cause, token: c.token}
		if o == opCommit {
			e.Op += " (the commit may or may not have been applied)"
		}
		return e
	}
	e.Status = resp.StatusCode
	e.Message = c.redact(strings.TrimSpace(message))
	e.Class = classify(o, resp.StatusCode, message)
	return e
}

// redact removes the token from text that came from elsewhere (a forge
// message could echo a header back).
func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token, "***")
}

// redactErr is a transport error whose text has the token removed; it
// still unwraps to the original, so errors.Is(err, context.Canceled) holds.
type redactErr struct {
	err   error
	token string
}

func (r redactErr) Error() string {
	if r.err == nil {
		return "no answer"
	}
	if r.token == "" {
		return r.err.Error()
	}
	return strings.ReplaceAll(r.err.Error(), r.token, "***")
}

func (r redactErr) Unwrap() error { return r.err }

// withTimeout bounds one request by the client's timeout.
func (c *Client) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.timeout)
}
