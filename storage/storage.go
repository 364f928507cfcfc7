// Package storage opens a ledger's storage backend from the configuration's
// settings for a repository (the ledger's or the identity mapping's). It
// is the one place that turns settings into a store, for the running bot
// and for the doctor alike; it holds no behaviour of its own and never
// reads what a store holds.
package storage

import (
	"fmt"
	"net/http"

	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/forgejo"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
)

// Open opens the store l names. The local backend creates its repository
// when it does not exist yet.
func Open(l config.Ledger) (ledger.Store, error) {
	switch l.Backend {
	case "local":
		return localgit.Open(l.Local.Path, l.Branch)
	case "forgejo":
		return Forge(l)
	}
	return nil, fmt.Errorf("unknown ledger backend %q", l.Backend)
}

// Forge is the forge client for l's repository and branch, with l's token
// and timeout. It makes no request.
func Forge(l config.Ledger) (*forgejo.Client, error) {
	f := l.Forgejo
	return forgejo.New(forgejo.Config{
		URL: f.URL, Owner: f.Owner, Repo: f.Repo, Branch: l.Branch, Token: f.Token,
		Timeout: f.Timeout, HTTPClient: &http.Client{Timeout: f.Timeout},
	})
}
