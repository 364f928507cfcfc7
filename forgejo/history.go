package forgejo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// historyPageSize is how many commits one request of History asks for: the
// most Gitea and Forgejo give by default ([api] MAX_RESPONSE_ITEMS and the
// commit range size are both 50).
const historyPageSize = 50

var _ ledger.Historian = (*Client)(nil)

// historyCommit is the part of an entry of GET /repos/{o}/{r}/commits that
// History uses.
type historyCommit struct {
	SHA    string `json:"sha"`
	Commit struct {
		Message string `json:"message"`
		Author  struct {
			Name  string `json:"name"`
			Email string `json:"email"`
		} `json:"author"`
	} `json:"commit"`
	Parents []struct {
		SHA string `json:"sha"`
	} `json:"parents"`
	Files []struct {
		Filename string `json:"filename"`
	} `json:"files"`
}

// History calls fn for each commit from the head of the branch back through
// first parents, newest first, until fn returns false or the root commit
// has been given. Each commit's Files are the paths the forge reports it
// changed against its first parent, in byte order.
//
// The forge pages the listing; it is read from the head as it was when
// History began, so commits made meanwhile neither shift the pages nor
// show up. The forge lists every ancestor, merged branches too: commits
// that are not on the first-parent line are skipped, as in git log
// --first-parent.
func (c *Client) History(ctx context.Context, fn func(ledger.CommitInfo) bool) error {
	head, err := c.Head(ctx)
	if err != nil {
		return err
	}
	next := head // the next commit of the first-parent line
	listed := 0
	for page := 1; ; page++ {
		commits, more, err := c.historyPage(ctx, head, page)
		if err != nil {
			return err
		}
		for _, hc := range commits {
			if err := ctx.Err(); err != nil {
				return err
			}
			if hc.SHA != next {
				continue
			}
			info := hc.info()
			if !fn(info) {
				return nil
			}
			if next = info.Parent; next == "" {
				return nil
			}
		}
		listed += len(commits)
		if len(commits) == 0 || !more {
			// The root is the last commit listed: the listing ended early,
			// or put a parent before its child.
			return c.unreadable(opHistory, "read history", http.StatusOK,
				fmt.Sprintf("the listing of %s ends after %d commits, before commit %s", head, listed, next))
		}
	}
}

// historyPage fetches one page of the commits reachable from commit, with
// the files each changed, and says whether the forge has more.
func (c *Client) historyPage(ctx context.Context, commit string, page int) ([]historyCommit, bool, error) {
	limit := c.historyLimit
	if limit <= 0 {
		limit = historyPageSize
	}
	q := url.Values{
		"sha":          {commit},
		"stat":         {"false"},
		"verification": {"false"},
		"files":        {"true"},
		"page":         {strconv.Itoa(page)},
		"limit":        {strconv.Itoa(limit)},
	}
	what := fmt.Sprintf("read history (page %d)", page)
	resp, body, err := c.do(ctx, http.MethodGet, c.repoPath()+"/commits?"+q.Encode(), nil)
	if err != nil {
		return nil, false, c.fail(opHistory, what, nil, "", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, false, c.fail(opHistory, what, resp, forgeMessage(body), nil)
	}
	var commits []historyCommit
	if err := json.Unmarshal(body, &commits); err != nil {
		return nil, false, c.unreadable(opHistory, what, resp.StatusCode, "not a list of commits: "+err.Error())
	}
	for _, hc := range commits {
		if !isSHA(hc.SHA) {
			return nil, false, c.unreadable(opHistory, what, resp.StatusCode, fmt.Sprintf("commit ID %q", hc.SHA))
		}
		if len(hc.Parents) > 0 && !isSHA(hc.Parents[0].SHA) {
			return nil, false, c.unreadable(opHistory, what, resp.StatusCode,
				fmt.Sprintf("commit %s has parent %q", hc.SHA, hc.Parents[0].SHA))
		}
	}
	// Gitea and Forgejo say X-HasMore; without it, only an empty page ends
	// the listing. The page size is not a guide: the forge may cap it.
	more := !strings.EqualFold(resp.Header.Get("X-HasMore"), "false")
	return commits, more, nil
}

func (hc historyCommit) info() ledger.CommitInfo {
	info := ledger.CommitInfo{
		ID: hc.SHA,
		// git ends a message with a newline; the caller gets back the
		// message it committed.
		Message: strings.TrimSuffix(hc.Commit.Message, "\n"),
		Author:  ledger.Signature{Name: hc.Commit.Author.Name, Email: hc.Commit.Author.Email},
		Files:   make([]string, 0, len(hc.Files)),
	}
	if len(hc.Parents) > 0 {
		info.Parent = hc.Parents[0].SHA
	}
	for _, f := range hc.Files {
		info.Files = append(info.Files, f.Filename)
	}
	slices.Sort(info.Files)
	info.Files = slices.Compact(info.Files)
	return info
}
