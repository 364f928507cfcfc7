package forgejo

import "context"

// Private reports whether the repository is private on the forge. The
// identity mapping must live in a private repository; the app asks before
// it writes a real name there.
func (c *Client) Private(ctx context.Context) (bool, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	api, err := c.sdk(ctx)
	if err != nil {
		return false, err
	}
	r, resp, err := api.GetRepo(c.owner, c.repo)
	if err != nil {
		return false, c.sdkFail(opRead, "read repository settings", resp, err)
	}
	return r.Private, nil
}
