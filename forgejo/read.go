package forgejo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"code.gitea.io/sdk/gitea"

	"smartup0.org/engelbot/ledger"
)

// Head returns the commit at the tip of the branch.
func (c *Client) Head(ctx context.Context) (string, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	api, err := c.sdk(ctx)
	if err != nil {
		return "", err
	}
	b, resp, err := api.GetRepoBranch(c.owner, c.repo, c.branch)
	if err != nil {
		return "", c.sdkFail(opHead, "read branch head", resp, err)
	}
	if b.Commit == nil || !isSHA(b.Commit.ID) {
		return "", c.unreadable(opHead, "read branch head", resp.StatusCode, "no commit ID in the branch")
	}
	return b.Commit.ID, nil
}

// Tree lists every file (blob) on the branch at commit, or at the head when
// commit is "". The forge pages a recursive listing (1,000 entries a page
// on Gitea); the pages of one commit cannot change under us, so they are
// joined into one consistent listing.
func (c *Client) Tree(ctx context.Context, commit string) (ledger.Tree, error) {
	if commit == "" {
		head, err := c.Head(ctx)
		if err != nil {
			return ledger.Tree{}, err
		}
		commit = head
	}
	tree := ledger.Tree{Commit: commit, Files: map[string]string{}}
	seen := 0
	for page := 1; ; page++ {
		resp, err := c.treePage(ctx, commit, page)
		if err != nil {
			return ledger.Tree{}, err
		}
		for _, e := range resp.Entries {
			if e.Type == "blob" {
				tree.Files[e.Path] = e.SHA
			}
		}
		seen += len(resp.Entries)
		if !resp.Truncated {
			return tree, nil
		}
		// A forge that says "more" but sends nothing would loop forever.
		if len(resp.Entries) == 0 || (resp.TotalCount > 0 && seen >= resp.TotalCount) {
			return ledger.Tree{}, c.unreadable(opTree, "list tree", 0,
				fmt.Sprintf("page %d of the tree is truncated but brings nothing new (%d of %d entries)", page, seen, resp.TotalCount))
		}
	}
}

// treePage fetches one page of the recursive listing of a commit's tree.
func (c *Client) treePage(ctx context.Context, commit string, page int) (*gitea.GitTreeResponse, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	api, err := c.sdk(ctx)
	if err != nil {
		return nil, err
	}
	t, resp, err := api.GetTrees(c.owner, c.repo, gitea.ListTreeOptions{
		ListOptions: gitea.ListOptions{Page: page},
		Ref:         commit,
		Recursive:   true,
	})
	if err != nil {
		return nil, c.sdkFail(opTree, "list tree of "+commit, resp, err)
	}
	return t, nil
}

// ReadFile returns a file's content and blob SHA at the head of the branch.
// The raw endpoint serves the content with the blob's SHA as its ETag: one
// request, and the content and SHA belong to the same blob even if the
// branch moves meanwhile. The branch goes in the path, not in ?ref=: Gitea
// 1.26 answers ?ref=<unknown branch> from the default branch instead of 404.
func (c *Client) ReadFile(ctx context.Context, path string) (ledger.File, error) {
	if path == "" {
		return ledger.File{}, errors.New("forgejo: ReadFile of an empty path")
	}
	resp, content, err := c.do(ctx, http.MethodGet, c.repoPath()+"/raw/"+escapePath(c.branch)+"/"+escapePath(path), nil)
	if err != nil {
		return ledger.File{}, c.fail(opRead, "read "+path, nil, "", err)
	}
	if resp.StatusCode != http.StatusOK {
		ferr := c.fail(opRead, "read "+path, resp, forgeMessage(content), nil)
		if errors.Is(ferr, ledger.ErrNotFound) {
			// The forge answers 404 alike for a missing file, branch and
			// repository; only the first is ErrNotFound.
			if _, herr := c.Head(ctx); herr != nil {
				return ledger.File{}, herr
			}
		}
		return ledger.File{}, ferr
	}
	sha := ledger.BlobSHA(content)
	if etag := strings.Trim(strings.TrimPrefix(resp.Header.Get("ETag"), "W/"), `"`); isSHA(etag) && etag != sha {
		// The forge served something other than the blob (an LFS object?).
		return ledger.File{}, c.unreadable(opRead, "read "+path, resp.StatusCode,
			fmt.Sprintf("content does not match blob %s", etag))
	}
	return ledger.File{Path: path, Content: content, SHA: sha}, nil
}

// sdkFail turns an SDK error into an *Error. The SDK reports a forge's
// message as the error text; its response is nil when no answer came.
func (c *Client) sdkFail(o op, what string, resp *gitea.Response, err error) error {
	if resp == nil || resp.Response == nil {
		return c.fail(o, what, nil, "", err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return c.unreadable(o, what, resp.StatusCode, err.Error())
	}
	return c.fail(o, what, resp.Response, err.Error(), nil)
}

// unreadable is a successful status with an answer we cannot use: treated
// as the forge misbehaving, so as unavailable.
func (c *Client) unreadable(o op, what string, status int, detail string) error {
	e := &Error{Op: what, Repo: c.owner + "/" + c.repo + "@" + c.branch, Status: status,
		Message: c.redact("unreadable answer: " + detail), Class: ErrUnavailable}
	if o == opCommit {
		e.Op += " (the commit may or may not have been applied)"
	}
	return e
}

var shaPattern = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

// isSHA reports whether s is a full SHA-1 or SHA-256 object ID.
func isSHA(s string) bool { return shaPattern.MatchString(s) }
