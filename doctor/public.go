package doctor

import (
	"context"

	"smartup0.org/engelbot/config"
)

// public checks the public site's repository, where publishing commits:
// that it exists and that its own token may write its branch (an empty
// repository will do: the first publish starts it).
func (r *run) public(ctx context.Context) {
	p := r.cfg.Public
	switch p.Backend {
	case "":
		r.ok("public site", "none configured: !publish and the schedule are off; `engelbot publish -out DIR` writes the site to a folder")
		return
	case "local":
		r.ok("public site", "a local repository at %s", p.Local.Path)
		return
	}
	r.repo(ctx, "public", p.Ledger, config.EnvPublicToken)
}
