package forgejo

import (
	"context"
	"fmt"
	"io"
	"net/url"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"smartup0.org/engelbot/ledger"
)

var _ ledger.BlobReader = (*Client)(nil)

// ReadBlobs fetches blobs by their SHAs in one request of git's own
// protocol (upload-pack, the request behind a clone), which Gitea and
// Forgejo serve with uploadpack.allowAnySHA1InWant unless partial clones
// are turned off, and hands each over as the pack brings it (see
// readPack). Reading a large ledger's thousand files through the contents
// API costs one request each, and the forge spends a few milliseconds of
// processes on each; this is one request for all of them. A forge that
// refuses answers an error, and the caller reads file by file instead.
func (c *Client) ReadBlobs(ctx context.Context, shas []string, got func(ledger.Blob) error) error {
	want := make(map[string]bool, len(shas))
	for _, s := range shas {
		want[s] = true
	}
	if len(want) == 0 {
		return nil
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	ep, err := transport.NewEndpoint(c.base + "/" + url.PathEscape(c.owner) + "/" + url.PathEscape(c.repo) + ".git")
	if err != nil {
		return fmt.Errorf("forgejo: the repository's git URL: %w", err)
	}
	auth := &githttp.BasicAuth{Username: "engelbot", Password: c.token}
	sess, err := githttp.NewClient(c.http).NewUploadPackSession(ep, auth)
	if err != nil {
		return fmt.Errorf("forgejo: fetching blobs: %w", err)
	}
	defer sess.Close()
	adv, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil {
		return fmt.Errorf("forgejo: fetching blobs: %w", err)
	}
	req := packp.NewUploadPackRequestFromCapabilities(adv.Capabilities)
	// In the caller's order: the forge packs the objects in the order they
	// are asked for, so the first files the caller needs come first.
	for _, s := range shas {
		if want[s] {
			req.Wants = append(req.Wants, plumbing.NewHash(s))
		}
	}
	resp, err := sess.UploadPack(ctx, req)
	if err != nil {
		return fmt.Errorf("forgejo: fetching blobs: %w", err)
	}
	defer resp.Close()
	err = readPack(demux(req.Capabilities, resp), func(o packObject) error {
		if !want[o.sha] {
			// Read as a delta's base, or sent unasked: nothing to hand over.
			return nil
		}
		if o.typ != packBlob {
			return fmt.Errorf("forgejo: %s is not a file", o.sha)
		}
		delete(want, o.sha)
		return got(ledger.Blob{SHA: o.sha, Content: o.data, Deflated: o.deflated})
	})
	if err != nil {
		return fmt.Errorf("forgejo: reading the fetched blobs: %w", err)
	}
	for s := range want {
		return fmt.Errorf("forgejo: blob %s was not in the answer", s)
	}
	return nil
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
