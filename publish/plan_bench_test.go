package publish

import (
	"fmt"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// BenchmarkPlanUnchanged plans a section of 100,000 pages that the site
// repository already holds as rendered: the scheduled publish's usual
// case, which must find nothing to write without reading any page back.
func BenchmarkPlanUnchanged(b *testing.B) {
	site := Site{Files: map[string][]byte{}, Nav: NavItem{Title: "Ledger", Children: []NavItem{{Title: "Overview", Path: "index.md"}}}}
	repo := Repo{Files: map[string]string{}, MkDocs: []byte("site_name: S\nnav:\n  - Home: index.md\n")}
	site.Files["index.md"] = []byte("# Ledger\n")
	for i := range 100_000 {
		site.Files[fmt.Sprintf("tasks/6_1_1_%d.md", i)] = []byte(fmt.Sprintf("# Task %d\n\nState: open. Budget: 50 SC.\n", i))
	}
	first, err := Plan(repo, site, Target{Folder: "ledger"})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range first {
		if c.Op == ledger.OpCreate || c.Op == ledger.OpUpdate {
			repo.Files[c.Path] = ledger.BlobSHA(c.Content)
		}
		if c.Path == MkDocsFile {
			repo.MkDocs = c.Content
		}
	}
	b.ResetTimer()
	for b.Loop() {
		changes, err := Plan(repo, site, Target{Folder: "ledger"})
		if err != nil || len(changes) != 0 {
			b.Fatalf("%d changes, %v", len(changes), err)
		}
	}
}
