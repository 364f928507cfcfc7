package publish_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/publish"
)

const siteConf = "# the forum's site\nsite_name: Forum\nnav:\n  - Home: index.md # hand-written\n"

func section(pages ...string) publish.Site {
	s := publish.Site{Files: map[string][]byte{}, Nav: publish.NavItem{Title: "Ledger"}, Summary: "ledger at test"}
	for _, p := range pages {
		s.Files[p] = []byte("# " + p + "\n")
		s.Nav.Children = append(s.Nav.Children, publish.NavItem{Title: p, Path: p})
	}
	return s
}

func siteRepo(t *testing.T) *localgit.Store {
	t.Helper()
	s, err := localgit.Open(filepath.Join(t.TempDir(), "site.git"), "main")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	_, err = s.Commit(t.Context(), ledger.Commit{Message: "hand-written site", Author: ledger.Signature{Name: "Person", Email: "p@example.invalid"},
		Changes: []ledger.Change{
			{Op: ledger.OpCreate, Path: "mkdocs.yml", Content: []byte(siteConf)},
			{Op: ledger.OpCreate, Path: "docs/index.md", Content: []byte("# Home\n")},
		}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func commits(t *testing.T, s *localgit.Store) []ledger.CommitInfo {
	t.Helper()
	var all []ledger.CommitInfo
	if err := s.History(t.Context(), func(c ledger.CommitInfo) bool { all = append(all, c); return true }); err != nil {
		t.Fatal(err)
	}
	return all
}

func TestApplyOnGitMakesOneCommitAndNoneWhenUnchanged(t *testing.T) {
	s := siteRepo(t)
	target := publish.Target{Folder: "ledger"}
	res, err := publish.Apply(t.Context(), s, section("index.md", "tasks.md"), target)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Changed() || res.Commit == "" {
		t.Fatalf("first publish: %+v, want a commit", res)
	}
	log := commits(t, s)
	if len(log) != 3 || log[0].ID != res.Commit || !strings.Contains(log[0].Message, "ledger at test") {
		t.Fatalf("history after the first publish: %+v", log)
	}
	slices.Sort(log[0].Files)
	if want := []string{"docs/ledger/" + publish.MarkerFile, "docs/ledger/index.md", "docs/ledger/tasks.md", "mkdocs.yml"}; !slices.Equal(log[0].Files, want) {
		t.Errorf("the commit changed %v, want %v", log[0].Files, want)
	}

	res, err = publish.Apply(t.Context(), s, section("index.md", "tasks.md"), target)
	if err != nil || res.Changed() || res.Commit != "" {
		t.Fatalf("second publish, nothing changed: %+v, %v; want no commit", res, err)
	}
	if n := len(commits(t, s)); n != 3 {
		t.Errorf("%d commits after an unchanged publish, want 3", n)
	}

	res, err = publish.Apply(t.Context(), s, section("index.md", "teams.md"), target)
	if err != nil || !res.Changed() {
		t.Fatalf("third publish: %+v, %v", res, err)
	}
	last := commits(t, s)[0]
	slices.Sort(last.Files)
	if want := []string{"docs/ledger/tasks.md", "docs/ledger/teams.md", "mkdocs.yml"}; !slices.Equal(last.Files, want) {
		t.Errorf("the commit changed %v, want %v", last.Files, want)
	}
	f, err := s.ReadFile(t.Context(), "mkdocs.yml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(f.Content), siteConf) || strings.Contains(string(f.Content), "tasks.md") {
		t.Errorf("mkdocs.yml:\n%s", f.Content)
	}
}

// racer commits a person's edit of mkdocs.yml just before the publish's
// first commit, as a person pushing at the same moment would.
type racer struct {
	*localgit.Store
	raced bool
}

func (r *racer) Commit(ctx context.Context, c ledger.Commit) (ledger.CommitResult, error) {
	if !r.raced {
		r.raced = true
		f, err := r.Store.ReadFile(ctx, "mkdocs.yml")
		if err != nil {
			return ledger.CommitResult{}, err
		}
		edited := strings.Replace(string(f.Content), "site_name: Forum", "site_name: Forum (edited)", 1)
		if _, err := r.Store.Commit(ctx, ledger.Commit{Message: "person", Author: publish.Author, Changes: []ledger.Change{
			{Op: ledger.OpUpdate, Path: "mkdocs.yml", Content: []byte(edited), SHA: f.SHA},
		}}); err != nil {
			return ledger.CommitResult{}, err
		}
	}
	return r.Store.Commit(ctx, c)
}

func TestApplyReplansAfterLosingARace(t *testing.T) {
	s := &racer{Store: siteRepo(t)}
	res, err := publish.Apply(t.Context(), s, section("index.md"), publish.Target{Folder: "ledger"})
	if err != nil || !res.Changed() {
		t.Fatalf("publish: %+v, %v", res, err)
	}
	f, err := s.ReadFile(t.Context(), "mkdocs.yml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(f.Content), "site_name: Forum (edited)") || !strings.Contains(string(f.Content), "ledger/index.md") {
		t.Errorf("the person's edit or the nav entry is lost:\n%s", f.Content)
	}
}

func TestApplyRefusesBadMkDocsAndWritesNothing(t *testing.T) {
	s := siteRepo(t)
	f, _ := s.ReadFile(t.Context(), "mkdocs.yml")
	if _, err := s.Commit(t.Context(), ledger.Commit{Message: "break", Author: publish.Author, Changes: []ledger.Change{
		{Op: ledger.OpUpdate, Path: "mkdocs.yml", Content: []byte("nav: [\n"), SHA: f.SHA},
	}}); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Head(t.Context())
	if _, err := publish.Apply(t.Context(), s, section("index.md"), publish.Target{Folder: "ledger"}); err == nil {
		t.Fatal("a mkdocs.yml that does not parse was accepted")
	}
	if after, _ := s.Head(t.Context()); after != before {
		t.Error("something was committed")
	}
}

func TestApplyToFolder(t *testing.T) {
	root := filepath.Join(t.TempDir(), "site")
	d := publish.Dir{Root: root}
	res, err := publish.Apply(t.Context(), d, section("index.md", "old.md"), publish.Target{Folder: "ledger"})
	if err != nil || len(res.Changes) != 4 {
		t.Fatalf("first publish to a new folder: %d changes, %v; want 2 pages, the marker and mkdocs.yml", len(res.Changes), err)
	}
	conf, err := os.ReadFile(filepath.Join(root, "mkdocs.yml"))
	if err != nil || !strings.Contains(string(conf), "material") {
		t.Fatalf("no minimal mkdocs.yml: %v\n%s", err, conf)
	}
	// A person's own config and pages in the folder are kept.
	if err := os.WriteFile(filepath.Join(root, "mkdocs.yml"), []byte(siteConf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "docs", "index.md"), []byte("# Home\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err = publish.Apply(t.Context(), d, section("index.md"), publish.Target{Folder: "ledger"})
	if err != nil || len(res.Changes) != 2 {
		t.Fatalf("second publish: %+v, %v; want old.md deleted and the nav entry added", res, err)
	}
	if _, err := os.Stat(filepath.Join(root, "docs", "ledger", "old.md")); !os.IsNotExist(err) {
		t.Errorf("old.md was not deleted: %v", err)
	}
	if home, _ := os.ReadFile(filepath.Join(root, "docs", "index.md")); string(home) != "# Home\n" {
		t.Error("the hand-written page was changed")
	}
	if res, err := publish.Apply(t.Context(), d, section("index.md"), publish.Target{Folder: "ledger"}); err != nil || res.Changed() {
		t.Errorf("an unchanged publish to a folder: %+v, %v", res, err)
	}
}

// Publishing to a folder reads the site's mkdocs.yaml as MkDocs does and
// edits it, rather than writing a mkdocs.yml that would replace it.
func TestApplyToFolderWithMkDocsYaml(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "mkdocs.yaml"), []byte(siteConf), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := publish.Apply(t.Context(), publish.Dir{Root: dir}, section("index.md"), publish.Target{Folder: "ledger"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "mkdocs.yml")); err == nil {
		t.Error("a mkdocs.yml was written beside mkdocs.yaml")
	}
	conf, err := os.ReadFile(filepath.Join(dir, "mkdocs.yaml"))
	if err != nil || !strings.HasPrefix(string(conf), siteConf) || !strings.Contains(string(conf), "ledger/index.md") {
		t.Errorf("mkdocs.yaml did not get the nav entry (%v):\n%s", err, conf)
	}
}
