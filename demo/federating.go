package demo

import (
	"context"
	"io"
	"path/filepath"

	"smartup0.org/engelbot/servers"
)

// StartFederating is Start on a homeserver that federates with other
// homeservers on loopback (servers.StartFederatingDendrite), so that a
// test can have users of a foreign server meet the community. The
// community's server name is then 127.0.0.1:<port>, not ServerName.
func StartFederating(ctx context.Context, dir string, people []Person, password func(name string) string, logw io.Writer) (*World, error) {
	d, err := servers.StartFederatingDendrite(ctx, filepath.Join(dir, "dendrite"), logw)
	if err != nil {
		return nil, err
	}
	return populate(ctx, d, people, password)
}
