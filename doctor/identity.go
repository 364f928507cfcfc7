package doctor

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"smartup0.org/engelbot/config"
)

// identity checks the private repository of the identity mapping (real
// names, e-mail addresses): the repository checks the ledger gets, and
// then what keeps real names out of public view — the forge keeps it
// private, it is not the ledger's repository under another name, and the
// ledger's token cannot read it.
func (r *run) identity(ctx context.Context) {
	id := r.cfg.Identity
	switch id.Backend {
	case "":
		r.ok("identity", "none configured: !add_owner takes no real names or e-mail addresses")
		return
	case "local":
		r.ok("identity", "a local repository at %s, apart from the ledger's", id.Local.Path)
		return
	}
	repo, _ := r.repo(ctx, "identity", id, config.EnvIdentityToken)
	const check = "identity privacy"
	name := id.Forgejo.Owner + "/" + id.Forgejo.Repo
	if repo == nil {
		r.skip(check, "needs the repository (see identity repository above)")
		return
	}
	if !repo.Private {
		r.fail(check, "%s is public, and the identity mapping holds real names and e-mail addresses: make it private in its settings on the forge (identity.forgejo.repo)", name)
		return
	}
	if r.ledgerRepo != nil && sameForge(id.Forgejo, r.cfg.Ledger.Forgejo) && repo.ID == r.ledgerRepo.ID {
		r.fail(check, "%s is the ledger's repository (%s) under another name: the identity mapping needs a private repository of its own (identity.forgejo.repo)",
			name, r.ledgerRepo.FullName)
		return
	}
	if r.cfg.Ledger.Backend == "forgejo" && sameForge(id.Forgejo, r.cfg.Ledger.Forgejo) {
		c, err := r.forgeGet(ctx, id.Forgejo, r.cfg.Ledger.Forgejo.Token, repoPath(id.Forgejo))
		var seen repository
		if err == nil && c.status == http.StatusOK && json.Unmarshal(c.body, &seen) == nil && seen.ID == repo.ID {
			r.warn(check, "%s is private, but the ledger's token%s can read it: a leaked ledger token would reveal real names. Give the ledger's forge user no access to %s",
				name, r.tokenUser(ctx, r.cfg.Ledger.Forgejo), name)
			return
		}
	}
	r.ok(check, "%s is private, a repository of its own, and the ledger's token cannot read it", name)
}

// sameForge reports whether two settings name the same forge.
func sameForge(a, b config.Forgejo) bool {
	norm := func(u string) string { return strings.TrimRight(strings.ToLower(u), "/") }
	return norm(a.URL) == norm(b.URL)
}
