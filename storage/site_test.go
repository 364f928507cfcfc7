package storage_test

import (
	"path/filepath"
	"strings"
	"testing"

	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/storage"
)

// A public site the local backend creates starts with a site's README,
// not the ledger's "do not edit by hand", and a ledger still starts with
// the ledger's.
func TestANewLocalSiteIsNotALedger(t *testing.T) {
	dir := t.TempDir()
	site, err := storage.OpenSite(config.Ledger{Backend: "local", Branch: "main", Local: config.Local{Path: filepath.Join(dir, "site.git")}})
	if err != nil {
		t.Fatal(err)
	}
	got := readmeOf(t, site)
	if !strings.Contains(got, "Public site") || strings.Contains(got, "Do not edit") {
		t.Errorf("a new site repository's README:\n%s", got)
	}
	books, err := storage.Open(config.Ledger{Backend: "local", Branch: "main", Local: config.Local{Path: filepath.Join(dir, "ledger.git")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := readmeOf(t, books); got != ledger.Readme {
		t.Errorf("a new ledger's README:\n%s", got)
	}
}

func readmeOf(t *testing.T, st ledger.Store) string {
	t.Helper()
	if c, ok := st.(interface{ Close() error }); ok {
		t.Cleanup(func() { _ = c.Close() })
	}
	f, err := st.ReadFile(t.Context(), "README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(f.Content)
}
