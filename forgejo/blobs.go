package forgejo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/memory"

	"smartup0.org/engelbot/ledger"
)

var _ ledger.BlobReader = (*Client)(nil)

// ReadBlobs fetches blobs by their SHAs in one request of git's own
// protocol (upload-pack, the request behind a clone), which Gitea and
// Forgejo serve with uploadpack.allowAnySHA1InWant unless partial clones
// are turned off. Reading a large ledger's thousand files through the
// contents API costs one request each, and the forge spends a few
// milliseconds of processes on each; this is one request for all of them.
// A forge that refuses answers an error, and the caller reads file by
// file instead.
func (c *Client) ReadBlobs(ctx context.Context, shas []string) (map[string][]byte, error) {
	if len(shas) == 0 {
		return map[string][]byte{}, nil
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	ep, err := transport.NewEndpoint(c.base + "/" + url.PathEscape(c.owner) + "/" + url.PathEscape(c.repo) + ".git")
	if err != nil {
		return nil, fmt.Errorf("forgejo: the repository's git URL: %w", err)
	}
	auth := &githttp.BasicAuth{Username: "engelbot", Password: c.token}
	sess, err := githttp.NewClient(c.http).NewUploadPackSession(ep, auth)
	if err != nil {
		return nil, fmt.Errorf("forgejo: fetching blobs: %w", err)
	}
	defer sess.Close()
	adv, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("forgejo: fetching blobs: %w", err)
	}
	req := packp.NewUploadPackRequestFromCapabilities(adv.Capabilities)
	for _, s := range shas {
		req.Wants = append(req.Wants, plumbing.NewHash(s))
	}
	resp, err := sess.UploadPack(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("forgejo: fetching blobs: %w", err)
	}
	defer resp.Close()
	st := memory.NewStorage()
	if err := packfile.UpdateObjectStorage(st, demux(req.Capabilities, resp)); err != nil {
		return nil, fmt.Errorf("forgejo: reading the fetched blobs: %w", err)
	}
	out := make(map[string][]byte, len(shas))
	for _, s := range shas {
		obj, err := st.EncodedObject(plumbing.BlobObject, plumbing.NewHash(s))
		if err != nil {
			return nil, fmt.Errorf("forgejo: blob %s was not in the answer: %w", s, err)
		}
		r, err := obj.Reader()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return nil, err
		}
		if ledger.BlobSHA(data) != s {
			return nil, errors.New("forgejo: a fetched blob does not match its SHA")
		}
		out[s] = data
	}
	return out, nil
}

// demux takes the pack out of the side-band channels the request asked
// for (progress messages travel beside it), as a clone does.
func demux(caps *capability.List, r io.Reader) io.Reader {
	switch {
	case caps.Supports(capability.Sideband64k):
		return sideband.NewDemuxer(sideband.Sideband64k, r)
	case caps.Supports(capability.Sideband):
		return sideband.NewDemuxer(sideband.Sideband, r)
	}
	return r
}
