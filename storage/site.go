package storage

import (
	"fmt"

	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
)

// siteStart begins a public site repository the local backend creates: a
// site's README, not a ledger's, since people do edit a site by hand.
var siteStart = localgit.Start{
	Readme: `# Public site

The community's public website, an MkDocs site (mkdocs.yml and docs/).
Engelbot publishes the ledger's public view into its own folder of docs/
and its own entry in mkdocs.yml's nav; everything else here is written by
people and never touched by it.
`,
	Message: "Start the public site",
}

// OpenSite opens the public site's repository from its settings. The local
// backend creates a missing repository with a site's README.
func OpenSite(l config.Ledger) (ledger.Store, error) {
	switch l.Backend {
	case "local":
		return localgit.OpenStarting(l.Local.Path, l.Branch, siteStart)
	case "forgejo":
		return Forge(l)
	}
	return nil, fmt.Errorf("unknown site backend %q", l.Backend)
}
