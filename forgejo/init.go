package forgejo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"code.gitea.io/sdk/gitea"

	"smartup0.org/engelbot/ledger"
)

// Init makes a repository the operator created without any commit (the
// forge's "empty repository") ready for a ledger: it creates the ledger
// branch with one commit holding ledger.Readme, as the local backend does
// for a new repository. A branch that exists is left as it is. A
// repository that has commits but not the branch is an error naming the
// branches it has: a misspelt branch must not quietly start a second,
// empty ledger next to the real one.
func (c *Client) Init(ctx context.Context) error {
	if _, err := c.Head(ctx); !errors.Is(err, ErrMissing) {
		return err
	}
	empty, branches, err := c.emptiness(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return fmt.Errorf("%s/%s has no branch %q (it has %s): the branch setting names another branch than the one the books are on", c.owner, c.repo, c.branch, strings.Join(branches, ", "))
	}
	_, err = c.Commit(ctx, ledger.Commit{
		Message: "Start the ledger",
		Author:  ledger.Signature{Name: "Engelbot", Email: "engelbot@localhost"},
		Changes: []ledger.Change{{Op: ledger.OpCreate, Path: "README.md", Content: []byte(ledger.Readme)}},
	})
	if errors.Is(err, ledger.ErrConflict) {
		// Another process started the ledger at the same moment.
		_, err = c.Head(ctx)
	}
	return err
}

// emptiness says whether the repository has no commit at all, and else
// which branches it has.
func (c *Client) emptiness(ctx context.Context) (bool, []string, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	api, err := c.sdk(ctx)
	if err != nil {
		return false, nil, err
	}
	r, resp, err := api.GetRepo(c.owner, c.repo)
	if err != nil {
		return false, nil, c.sdkFail(opHead, "read repository", resp, err)
	}
	if r.Empty {
		return true, nil, nil
	}
	list, resp, err := api.ListRepoBranches(c.owner, c.repo, gitea.ListRepoBranchesOptions{ListOptions: gitea.ListOptions{PageSize: 50}})
	if err != nil {
		return false, nil, c.sdkFail(opHead, "list branches", resp, err)
	}
	var names []string
	for _, b := range list {
		names = append(names, b.Name)
	}
	slices.Sort(names)
	if len(names) == 0 {
		// Listed as not empty but without branches: a forge still setting
		// the repository up. Its first commit makes the branch.
		return resp.StatusCode == http.StatusOK, nil, nil
	}
	return false, names, nil
}

// Empty reports whether the repository has no commit at all (the forge's
// "empty repository"), as opposed to a missing repository or branch. A
// first commit to an empty repository creates its branch; publishing to a
// new site repository relies on it.
func (c *Client) Empty(ctx context.Context) (bool, error) {
	empty, _, err := c.emptiness(ctx)
	return empty, err
}
