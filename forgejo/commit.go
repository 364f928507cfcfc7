package forgejo

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"

	"code.gitea.io/sdk/gitea"

	"smartup0.org/engelbot/ledger"
)

// changeFilesRequest is the body of POST /repos/{owner}/{repo}/contents.
// It is our own rather than the SDK's ChangeFilesOptions, which always sends
// zero commit dates (the forge would date the commit in year 1).
type changeFilesRequest struct {
	Branch  string                       `json:"branch"`
	Message string                       `json:"message,omitempty"`
	Author  *gitea.Identity              `json:"author,omitempty"`
	Files   []*gitea.ChangeFileOperation `json:"files"`
}

// changeFilesAnswer is the part of the forge's FilesResponse we use. The
// SDK's ChangeFiles decodes it as a single-file response and loses it.
type changeFilesAnswer struct {
	Commit *struct {
		SHA     string `json:"sha"`
		Parents []struct {
			SHA string `json:"sha"`
		} `json:"parents"`
	} `json:"commit"`
}

// Commit applies every change as one commit on the branch through the
// forge's multi-file contents endpoint, which checks each SHA and applies
// all changes or none. A conflict of any kind wraps ledger.ErrConflict and
// writes nothing.
func (c *Client) Commit(ctx context.Context, cm ledger.Commit) (ledger.CommitResult, error) {
	body, err := c.commitBody(cm)
	if err != nil {
		return ledger.CommitResult{}, err
	}
	resp, answer, err := c.do(ctx, http.MethodPost, c.repoPath()+"/contents", bytes.NewReader(body))
	if err != nil {
		return ledger.CommitResult{}, c.fail(opCommit, "commit", nil, "", err)
	}
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return ledger.CommitResult{}, c.fail(opCommit, "commit", resp, forgeMessage(answer), nil)
	}
	var a changeFilesAnswer
	if err := json.Unmarshal(answer, &a); err != nil || a.Commit == nil || !isSHA(a.Commit.SHA) {
		return ledger.CommitResult{}, c.unreadable(opCommit, "commit", resp.StatusCode, "no commit SHA in the answer")
	}
	res := ledger.CommitResult{Commit: a.Commit.SHA}
	// The forge builds the commit on the branch head it cloned, its only
	// parent. Without it Parent stays empty, which a writer takes as "someone
	// may have committed in between": a refresh, never a wrong snapshot.
	if len(a.Commit.Parents) == 1 && isSHA(a.Commit.Parents[0].SHA) {
		res.Parent = a.Commit.Parents[0].SHA
	}
	return res, nil
}

// commitBody checks the changes and encodes the request. Every update and
// delete must carry a SHA: the forge would otherwise apply it unchecked.
func (c *Client) commitBody(cm ledger.Commit) ([]byte, error) {
	if len(cm.Changes) == 0 {
		return nil, errors.New("forgejo: a commit needs at least one change")
	}
	r := changeFilesRequest{Branch: c.branch, Message: cm.Message}
	if cm.Author.Name != "" || cm.Author.Email != "" {
		r.Author = &gitea.Identity{Name: cm.Author.Name, Email: cm.Author.Email}
	}
	seen := make(map[string]bool, len(cm.Changes))
	for i, ch := range cm.Changes {
		if !cleanPath(ch.Path) {
			return nil, fmt.Errorf("forgejo: change %d: %q is not a clean relative path", i, ch.Path)
		}
		if seen[ch.Path] {
			return nil, fmt.Errorf("forgejo: %s changes twice in one commit", ch.Path)
		}
		seen[ch.Path] = true
		f := &gitea.ChangeFileOperation{Path: ch.Path}
		switch ch.Op {
		case ledger.OpCreate:
			f.Operation = "create"
			f.Content = base64.StdEncoding.EncodeToString(ch.Content)
		case ledger.OpUpdate:
			f.Operation = "update"
			f.Content = base64.StdEncoding.EncodeToString(ch.Content)
			f.SHA = ch.SHA
		case ledger.OpDelete:
			f.Operation = "delete"
			f.SHA = ch.SHA
		default:
			return nil, fmt.Errorf("forgejo: %s: unknown operation %s", ch.Path, ch.Op)
		}
		if ch.Op != ledger.OpCreate && !isSHA(ch.SHA) {
			return nil, fmt.Errorf("forgejo: %s %s needs the blob SHA it was computed from, got %q", ch.Op, ch.Path, ch.SHA)
		}
		r.Files = append(r.Files, f)
	}
	return json.Marshal(r)
}

// cleanPath reports whether p is a relative slash path in the form git
// stores it. The forge would clean "a//b" or "./a" silently, and the file
// would then be listed under another name than the one written.
func cleanPath(p string) bool {
	return p != "" && p != "." && path.Clean(p) == p && !strings.HasPrefix(p, "/") &&
		p != ".." && !strings.HasPrefix(p, "../")
}

// forgeMessage takes the message out of a forge's error answer
// ({"message": …, "errors": […]}), or the start of the answer when it is
// not JSON (a proxy's error page).
func forgeMessage(answer []byte) string {
	var e struct {
		Message string   `json:"message"`
		Errors  []string `json:"errors"`
	}
	if json.Unmarshal(answer, &e) == nil {
		return strings.Join(slices.DeleteFunc(append([]string{e.Message}, e.Errors...), func(s string) bool { return s == "" }), "; ")
	}
	const max = 200
	if len(answer) > max {
		answer = answer[:max]
	}
	return string(bytes.ToValidUTF8(answer, nil))
}
