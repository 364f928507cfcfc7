package publish

import (
	"errors"
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// handWritten is a site configuration as people write them: comments,
// Python tags MkDocs extensions need, a nav with sections.
const handWritten = `# SmartupOS public site
site_name: SmartupOS   # the name in the header
theme:
  name: material
  palette:
    primary: indigo

markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg

nav:
  - Home: index.md   # the landing page
  # The owners' guide stays first.
  - Guide:
      - Owners: guide/owners.md
      - Licenses: guide/licenses.md

  - About: about.md
# Anything below is not nav.
extra:
  social: []
`

func sampleSite() Site {
	return Site{
		Files: map[string][]byte{
			"index.md":       []byte("# Ledger\n"),
			"tasks/index.md": []byte("# Tasks\n"),
		},
		Nav: NavItem{Title: "Ledger", Children: []NavItem{
			{Title: "Overview", Path: "index.md"},
			{Title: "Tasks", Path: "tasks/index.md"},
		}},
		Summary: "ledger at abc",
	}
}

func byPath(changes []ledger.Change) map[string]ledger.Change {
	m := map[string]ledger.Change{}
	for _, c := range changes {
		m[c.Path] = c
	}
	return m
}

// repoOf lists files as a repository would, reading the configuration
// MkDocs reads: mkdocs.yml, else mkdocs.yaml.
func repoOf(files map[string]string) Repo {
	r := Repo{Files: map[string]string{}}
	for p, content := range files {
		r.Files[p] = ledger.BlobSHA([]byte(content))
	}
	for _, name := range []string{"mkdocs.yaml", "mkdocs.yml"} {
		if content, ok := files[name]; ok {
			r.MkDocs = []byte(content)
		}
	}
	return r
}

// apply applies changes to files as a store would, checking SHAs.
func apply(t *testing.T, files map[string]string, changes []ledger.Change) map[string]string {
	t.Helper()
	out := map[string]string{}
	for p, c := range files {
		out[p] = c
	}
	for _, c := range changes {
		old, exists := out[c.Path]
		switch c.Op {
		case ledger.OpCreate:
			if exists {
				t.Fatalf("create of existing %s", c.Path)
			}
			out[c.Path] = string(c.Content)
		case ledger.OpUpdate, ledger.OpDelete:
			if !exists || ledger.BlobSHA([]byte(old)) != c.SHA {
				t.Fatalf("%s of %s with a stale SHA", c.Op, c.Path)
			}
			if c.Op == ledger.OpDelete {
				delete(out, c.Path)
			} else {
				out[c.Path] = string(c.Content)
			}
		}
	}
	return out
}

func TestPlanKeepsHandWrittenMkDocsButItsNavEntry(t *testing.T) {
	files := map[string]string{MkDocsFile: handWritten, "docs/index.md": "# Home\n", "docs/about.md": "# About\n"}
	changes, err := Plan(repoOf(files), sampleSite(), Target{Folder: "ledger"})
	if err != nil {
		t.Fatal(err)
	}
	after := apply(t, files, changes)
	want := strings.Replace(handWritten, "  - About: about.md\n", "  - About: about.md\n"+
		"  - \"Ledger\": # written by engelbot publish\n      - \"Overview\": \"ledger/index.md\"\n      - \"Tasks\": \"ledger/tasks/index.md\"\n", 1)
	if after[MkDocsFile] != want {
		t.Errorf("mkdocs.yml after publishing:\n%s\nwant every other byte kept:\n%s", after[MkDocsFile], want)
	}
	if after["docs/ledger/index.md"] != "# Ledger\n" || after["docs/ledger/tasks/index.md"] != "# Tasks\n" {
		t.Errorf("the section's files are not in docs/ledger/: %v", after)
	}
	for p, c := range files {
		if p != MkDocsFile && after[p] != c {
			t.Errorf("%s was changed", p)
		}
	}

	// Publishing again with nothing changed plans nothing.
	again, err := Plan(repoOf(after), sampleSite(), Target{Folder: "ledger"})
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Errorf("an unchanged site planned %d changes: %+v", len(again), again)
	}

	// A changed nav replaces the entry, in place, once.
	site := sampleSite()
	site.Files["teams.md"] = []byte("# Teams\n")
	site.Nav.Children = append(site.Nav.Children, NavItem{Title: "Teams: all 7", Path: "teams.md"})
	changes, err = Plan(repoOf(after), site, Target{Folder: "ledger", NavTitle: "Public ledger"})
	if err != nil {
		t.Fatal(err)
	}
	third := apply(t, after, changes)
	if n := strings.Count(third[MkDocsFile], "ledger/index.md"); n != 1 {
		t.Errorf("the nav names the section %d times, want once:\n%s", n, third[MkDocsFile])
	}
	want = strings.Replace(handWritten, "  - About: about.md\n", "  - About: about.md\n"+
		"  - \"Public ledger\": # written by engelbot publish\n      - \"Overview\": \"ledger/index.md\"\n      - \"Tasks\": \"ledger/tasks/index.md\"\n      - \"Teams: all 7\": \"ledger/teams.md\"\n", 1)
	if third[MkDocsFile] != want {
		t.Errorf("mkdocs.yml after a second publish:\n%s\nwant:\n%s", third[MkDocsFile], want)
	}
}

func TestPlanReplacesEntryInTheMiddle(t *testing.T) {
	conf := "site_name: S\nnav:\n- Home: index.md\n- Old ledger:   # written by engelbot publish\n  - ledger/index.md\n  - Gone: ledger/gone.md\n\n# next\n- About: about.md\n"
	files := map[string]string{MkDocsFile: conf, "docs/ledger/index.md": "old", "docs/ledger/gone.md": "old", "docs/ledger/" + MarkerFile: markerText}
	changes, err := Plan(repoOf(files), sampleSite(), Target{Folder: "ledger"})
	if err != nil {
		t.Fatal(err)
	}
	after := apply(t, files, changes)
	want := "site_name: S\nnav:\n- Home: index.md\n- \"Ledger\": # written by engelbot publish\n    - \"Overview\": \"ledger/index.md\"\n    - \"Tasks\": \"ledger/tasks/index.md\"\n\n# next\n- About: about.md\n"
	if after[MkDocsFile] != want {
		t.Errorf("mkdocs.yml:\n%s\nwant:\n%s", after[MkDocsFile], want)
	}
	if _, ok := after["docs/ledger/gone.md"]; ok {
		t.Error("a page the site no longer has was not deleted")
	}
}

// A person's shortcut into the section, above publish's entry, stays as
// it is: publish knows its entry by its mark, not by where its pages are.
// And the page the marked entry stops listing is deleted with no entry
// left pointing at it.
func TestPlanKeepsShortcutsIntoTheSection(t *testing.T) {
	conf := "site_name: S\nnav:\n  - Our books: ledger/index.md\n  - \"Ledger\": # written by engelbot publish\n      - \"Overview\": \"ledger/index.md\"\n      - \"Gone\": \"ledger/gone.md\"\n  - About: about.md\n"
	files := map[string]string{MkDocsFile: conf, "docs/ledger/index.md": "# Ledger\n", "docs/ledger/gone.md": "old", "docs/ledger/" + MarkerFile: markerText}
	changes, err := Plan(repoOf(files), sampleSite(), Target{Folder: "ledger"})
	if err != nil {
		t.Fatal(err)
	}
	after := apply(t, files, changes)
	want := "site_name: S\nnav:\n  - Our books: ledger/index.md\n  - \"Ledger\": # written by engelbot publish\n      - \"Overview\": \"ledger/index.md\"\n      - \"Tasks\": \"ledger/tasks/index.md\"\n  - About: about.md\n"
	if after[MkDocsFile] != want {
		t.Errorf("mkdocs.yml:\n%s\nwant the shortcut kept and the marked entry replaced:\n%s", after[MkDocsFile], want)
	}
	if _, ok := after["docs/ledger/gone.md"]; ok {
		t.Error("the page the section no longer has was not deleted")
	}

	// Without a mark, even an entry listing only the section's pages is a
	// person's: publish adds its own after it.
	conf = "site_name: S\nnav:\n  - Books:\n      - ledger/index.md\n"
	changes, err = Plan(repoOf(map[string]string{MkDocsFile: conf}), sampleSite(), Target{Folder: "ledger"})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(byPath(changes)[MkDocsFile].Content); !strings.HasPrefix(got, conf+"  - \"Ledger\": # written by engelbot publish\n") {
		t.Errorf("an unmarked entry was taken for publish's own:\n%s", got)
	}
}

// An entry anywhere in the nav (a person's, nested in a section) that
// points at a page of the section the site no longer has would fail
// MkDocs' strict build once publish deletes the page: publish refuses,
// naming the entry, and writes nothing. So do two marked entries.
func TestPlanRefusesNavLinksToPagesItDrops(t *testing.T) {
	conf := "site_name: S\nnav:\n  - Guide:\n      - Intro: guide.md\n      - Last month: ledger/gone.md\n  - \"Ledger\": # written by engelbot publish\n      - \"Gone\": \"ledger/gone.md\"\n"
	files := map[string]string{MkDocsFile: conf, "docs/ledger/gone.md": "old", "docs/ledger/" + MarkerFile: markerText}
	changes, err := Plan(repoOf(files), sampleSite(), Target{Folder: "ledger"})
	if !errors.Is(err, ErrBadMkDocs) || changes != nil || !strings.Contains(err.Error(), `"Last month"`) {
		t.Errorf("%d changes, err %v; want ErrBadMkDocs naming the entry \"Last month\"", len(changes), err)
	}

	conf = "site_name: S\nnav:\n  - \"A\": \"ledger/index.md\" # written by engelbot publish\n  - \"B\": # written by engelbot publish\n      - \"X\": \"ledger/index.md\"\n"
	changes, err = Plan(repoOf(map[string]string{MkDocsFile: conf}), sampleSite(), Target{Folder: "ledger"})
	if !errors.Is(err, ErrBadMkDocs) || changes != nil {
		t.Errorf("two marked entries: %d changes, err %v; want ErrBadMkDocs", len(changes), err)
	}
}

func TestPlanDeletesOnlyStaleFilesInItsFolder(t *testing.T) {
	files := map[string]string{
		MkDocsFile:                  "site_name: S\n",
		"docs/ledger/index.md":      "# Ledger\n",
		"docs/ledger/" + MarkerFile: markerText,
		"docs/ledger/old.md":        "stale",
		"docs/ledger/x/old.svg":     "stale",
		"docs/ledgerish/keep.md":    "not ours",
		"docs/other.md":             "not ours",
		"ledger/keep.md":            "not ours",
		"README.md":                 "not ours",
	}
	changes, err := Plan(repoOf(files), sampleSite(), Target{Folder: "ledger/"})
	if err != nil {
		t.Fatal(err)
	}
	got := byPath(changes)
	for _, p := range []string{"docs/ledger/old.md", "docs/ledger/x/old.svg"} {
		if got[p].Op != ledger.OpDelete {
			t.Errorf("%s: %v, want a delete", p, got[p].Op)
		}
	}
	if _, ok := got["docs/ledger/index.md"]; ok {
		t.Error("an unchanged page was rewritten")
	}
	if got["docs/ledger/tasks/index.md"].Op != ledger.OpCreate {
		t.Error("a new page was not created")
	}
	for _, c := range changes {
		if !strings.HasPrefix(c.Path, "docs/ledger/") {
			t.Errorf("the plan touches %s, outside the folder (no nav: mkdocs.yml stays as it is)", c.Path)
		}
	}
}

func TestPlanWithoutNavAddsNone(t *testing.T) {
	for _, conf := range []string{"site_name: S\ntheme: material\n", "site_name: S\nnav:\n", ""} {
		changes, err := Plan(repoOf(map[string]string{MkDocsFile: conf}), sampleSite(), Target{Folder: "ledger"})
		if err != nil {
			t.Fatalf("%q: %v", conf, err)
		}
		for _, c := range changes {
			if c.Path == MkDocsFile {
				t.Errorf("%q: mkdocs.yml without a nav was changed to:\n%s", conf, c.Content)
			}
		}
		if len(changes) != 3 {
			t.Errorf("%q: %d changes, want the 2 pages and the marker", conf, len(changes))
		}
	}
}

func TestPlanHonoursDocsDir(t *testing.T) {
	conf := "site_name: S\ndocs_dir: site_src\nnav:\n  - Home: index.md\n"
	changes, err := Plan(repoOf(map[string]string{MkDocsFile: conf}), sampleSite(), Target{Folder: "public/ledger"})
	if err != nil {
		t.Fatal(err)
	}
	got := byPath(changes)
	if _, ok := got["site_src/public/ledger/index.md"]; !ok {
		t.Errorf("the section is not under docs_dir: %v", got)
	}
	if !strings.Contains(string(got[MkDocsFile].Content), `- "Overview": "public/ledger/index.md"`) {
		t.Errorf("the nav does not point into the folder, relative to docs_dir:\n%s", got[MkDocsFile].Content)
	}
}

// A repository without mkdocs.yml gets a minimal one: a site name, the
// Material theme and a nav of the home page (when there is one) and the
// section's entry. Without a nav MkDocs would list every task and owner
// page by itself.
func TestPlanWithoutMkDocsWritesMinimalOne(t *testing.T) {
	for _, tc := range []struct {
		files map[string]string
		home  bool
	}{
		{map[string]string{"README.md": "# Forum\n"}, false},
		{map[string]string{"docs/index.md": "# Home\n", "docs/about.md": "# About\n"}, true},
		{nil, false}, // an empty repository (no commit)
	} {
		repo := repoOf(tc.files)
		if tc.files == nil {
			repo = Repo{}
		}
		changes, err := Plan(repo, sampleSite(), Target{Folder: "ledger", NavTitle: "On"})
		if err != nil {
			t.Fatal(err)
		}
		if len(changes) != 4 {
			t.Errorf("%v: %d changes, want 2 pages, the marker and mkdocs.yml", tc.files, len(changes))
		}
		c, ok := byPath(changes)[MkDocsFile]
		if !ok || c.Op != ledger.OpCreate {
			t.Fatalf("no mkdocs.yml created: %+v", changes)
		}
		conf, err := parseMkDocs(MkDocsFile, c.Content)
		if err != nil {
			t.Fatal(err)
		}
		text := string(c.Content)
		if conf.docsDir != "docs" || !strings.Contains(text, "\n  name: material\n") || !strings.Contains(text, `site_name: "On"`) {
			t.Errorf("the minimal mkdocs.yml is not a site name and the Material theme:\n%s", text)
		}
		if conf.nav == nil {
			t.Fatalf("the minimal mkdocs.yml has no nav, so MkDocs lists every page:\n%s", text)
		}
		own, err := conf.ownEntry()
		wantOwn, wantLen := 0, 1
		if tc.home {
			wantOwn, wantLen = 1, 2
		}
		if err != nil || own != wantOwn || len(conf.nav.Content) != wantLen || tc.home != strings.Contains(text, `- "Home": "index.md"`) {
			t.Errorf("%v: the nav is not the home page (if any) and the marked section:\n%s", tc.files, text)
		}
		if _, ok := byPath(changes)["docs/ledger/index.md"]; !ok {
			t.Error("the section is not in docs/ledger/")
		}
	}
}

func TestPlanRefusesWhatItCannotEditSafely(t *testing.T) {
	for name, conf := range map[string]string{
		"bad YAML":     "site_name: S\nnav:\n  - Home: index.md\n - broken: [\n",
		"not a map":    "- a\n- b\n",
		"flow nav":     "site_name: S\nnav: [index.md, {About: about.md}]\n",
		"outside dir":  "site_name: S\ndocs_dir: ../elsewhere\n",
		"nav a string": "site_name: S\nnav: index.md\n",
		"lone CR":      "site_name: S\rnav:\r  - Home: index.md\r",
	} {
		changes, err := Plan(repoOf(map[string]string{MkDocsFile: conf}), sampleSite(), Target{Folder: "ledger"})
		if !errors.Is(err, ErrBadMkDocs) || changes != nil {
			t.Errorf("%s: %d changes, err %v; want ErrBadMkDocs and nothing", name, len(changes), err)
		}
	}
	for _, folder := range []string{"", ".", "../x", "/abs", `a\b`} {
		if _, err := Plan(Repo{}, sampleSite(), Target{Folder: folder}); err == nil {
			t.Errorf("folder %q was accepted", folder)
		}
	}
	site := sampleSite()
	site.Nav.Children = append(site.Nav.Children, NavItem{Title: "Missing", Path: "missing.md"})
	if _, err := Plan(Repo{}, site, Target{Folder: "ledger"}); err == nil {
		t.Error("a nav entry without its file was accepted")
	}
	site = sampleSite()
	site.Files["../escape.md"] = nil
	if _, err := Plan(Repo{}, site, Target{Folder: "ledger"}); err == nil {
		t.Error("a file outside the folder was accepted")
	}
}

// A hostile nav title stays one YAML string: it cannot add settings or
// entries to mkdocs.yml.
func TestPlanQuotesHostileTitles(t *testing.T) {
	site := sampleSite()
	site.Nav.Children[1].Title = "x\nsite_url: http://evil\n- Evil: ../../etc/passwd # ]{"
	changes, err := Plan(repoOf(map[string]string{MkDocsFile: "site_name: S\nnav:\n  - Home: index.md\n"}), site, Target{Folder: "ledger"})
	if err != nil {
		t.Fatal(err)
	}
	conf, err := parseMkDocs(MkDocsFile, byPath(changes)[MkDocsFile].Content)
	if err != nil {
		t.Fatal(err)
	}
	if len(conf.nav.Content) != 2 {
		t.Errorf("the nav has %d entries, want 2", len(conf.nav.Content))
	}
	if strings.Contains(string(byPath(changes)[MkDocsFile].Content), "\nsite_url") {
		t.Error("the title added a setting")
	}
}

func TestPlanKeepsCRLF(t *testing.T) {
	conf := "site_name: S\r\nnav:\r\n  - Home: index.md\r\n"
	changes, err := Plan(repoOf(map[string]string{MkDocsFile: conf}), sampleSite(), Target{Folder: "ledger"})
	if err != nil {
		t.Fatal(err)
	}
	got := string(byPath(changes)[MkDocsFile].Content)
	if strings.Count(got, "\n") != strings.Count(got, "\r\n") || !strings.HasPrefix(got, conf) {
		t.Errorf("line endings changed:\n%q", got)
	}
}

// A site configured in mkdocs.yaml gets its nav entry there, not a new
// mkdocs.yml that MkDocs would read instead. With both, MkDocs reads
// mkdocs.yml, and so does publish.
func TestPlanEditsMkDocsYamlInPlace(t *testing.T) {
	conf := "site_name: S\nnav:\n  - Home: index.md\n"
	files := map[string]string{"mkdocs.yaml": conf, "docs/index.md": "# Home\n"}
	changes, err := Plan(repoOf(files), sampleSite(), Target{Folder: "ledger"})
	if err != nil {
		t.Fatal(err)
	}
	after := apply(t, files, changes)
	if _, ok := after["mkdocs.yml"]; ok {
		t.Errorf("a mkdocs.yml was written beside mkdocs.yaml:\n%s", after["mkdocs.yml"])
	}
	if got := after["mkdocs.yaml"]; !strings.HasPrefix(got, conf) || !strings.Contains(got, "ledger/index.md") {
		t.Errorf("mkdocs.yaml did not get the nav entry:\n%s", got)
	}

	files["mkdocs.yml"] = "site_name: Other\nnav:\n  - Start: index.md\n"
	changes, err = Plan(repoOf(files), sampleSite(), Target{Folder: "ledger"})
	if err != nil {
		t.Fatal(err)
	}
	after = apply(t, files, changes)
	if after["mkdocs.yaml"] != conf || !strings.Contains(after["mkdocs.yml"], "ledger/index.md") {
		t.Errorf("with both files, mkdocs.yml is not the one edited:\nmkdocs.yml:\n%s\nmkdocs.yaml:\n%s", after["mkdocs.yml"], after["mkdocs.yaml"])
	}
}

// MkDocs reads mkdocs.yml as YAML 1.1, where On, No, yes, 12:30, null and
// 1e3 are not strings: every title publish writes is double-quoted, so
// the nav shows it as it is configured.
func TestPlanQuotesEveryNavTitle(t *testing.T) {
	for _, title := range []string{"On", "No", "yes", "12:30", "null", "1e3", `say "hi" \ there`} {
		site := sampleSite()
		site.Nav.Children[0].Title = title
		changes, err := Plan(repoOf(map[string]string{MkDocsFile: "site_name: S\nnav:\n  - Home: index.md\n"}), site, Target{Folder: "ledger", NavTitle: title})
		if err != nil {
			t.Fatal(err)
		}
		conf := string(byPath(changes)[MkDocsFile].Content)
		quoted := `"` + strings.ReplaceAll(strings.ReplaceAll(title, `\`, `\\`), `"`, `\"`) + `":`
		if !strings.Contains(conf, "  - "+quoted) || !strings.Contains(conf, "      - "+quoted) {
			t.Errorf("the title %q is not written double-quoted (%s):\n%s", title, quoted, conf)
		}
	}
}

// A file with both line endings keeps every byte publish does not write:
// the entry's lines take the file's usual ending (here CRLF), the other
// lines keep their own, and an entry already as it should be changes
// nothing at all.
func TestPlanKeepsMixedLineEndings(t *testing.T) {
	head := "site_name: S\r\ntheme: material\n# tail comment\r\nnav:\r\n  - Home: index.md\n"
	changes, err := Plan(repoOf(map[string]string{MkDocsFile: head}), sampleSite(), Target{Folder: "ledger"})
	if err != nil {
		t.Fatal(err)
	}
	got := string(byPath(changes)[MkDocsFile].Content)
	want := head + "  - \"Ledger\": # written by engelbot publish\r\n" +
		"      - \"Overview\": \"ledger/index.md\"\r\n      - \"Tasks\": \"ledger/tasks/index.md\"\r\n"
	if got != want {
		t.Errorf("mkdocs.yml:\n%q\nwant:\n%q", got, want)
	}

	files := map[string]string{MkDocsFile: want, "docs/ledger/index.md": "# Ledger\n", "docs/ledger/tasks/index.md": "# Tasks\n", "docs/ledger/" + MarkerFile: markerText}
	if changes, err := Plan(repoOf(files), sampleSite(), Target{Folder: "ledger"}); err != nil || len(changes) != 0 {
		t.Errorf("an unchanged site in a file with both line endings: %v, changes %v; want nothing", err, byPath(changes))
	}

	// Without a final line ending, the file still ends without one.
	head = "site_name: S\nnav:\n  - Home: index.md"
	changes, err = Plan(repoOf(map[string]string{MkDocsFile: head}), sampleSite(), Target{Folder: "ledger"})
	if err != nil {
		t.Fatal(err)
	}
	want = head + "\n  - \"Ledger\": # written by engelbot publish\n" +
		"      - \"Overview\": \"ledger/index.md\"\n      - \"Tasks\": \"ledger/tasks/index.md\""
	if got := string(byPath(changes)[MkDocsFile].Content); got != want {
		t.Errorf("mkdocs.yml:\n%q\nwant:\n%q", got, want)
	}
}

// Publish owns its folder only once it has written its marker there: a
// first publish into a folder that already holds files (a person's
// images, a hand-written section) refuses and deletes nothing. An empty
// folder gets the marker with the section; a marked folder is publish's.
func TestPlanRefusesAFolderItDidNotWrite(t *testing.T) {
	files := map[string]string{
		MkDocsFile:           "site_name: S\n",
		"docs/img/logo.png":  "a person's image",
		"docs/img/photo.jpg": "another",
	}
	changes, err := Plan(repoOf(files), sampleSite(), Target{Folder: "img"})
	if !errors.Is(err, ErrFolderNotOwned) || changes != nil || !strings.Contains(err.Error(), "docs/img/") {
		t.Errorf("publishing into a folder of a person's files: %d changes, err %v; want ErrFolderNotOwned and nothing", len(changes), err)
	}

	changes, err = Plan(repoOf(map[string]string{MkDocsFile: "site_name: S\n"}), sampleSite(), Target{Folder: "ledger"})
	if err != nil {
		t.Fatal(err)
	}
	after := apply(t, map[string]string{MkDocsFile: "site_name: S\n"}, changes)
	if _, ok := after["docs/ledger/"+MarkerFile]; !ok {
		t.Fatalf("the first publish wrote no %s: %v", MarkerFile, byPath(changes))
	}
	after["docs/ledger/stale.md"] = "written by an older publish"
	changes, err = Plan(repoOf(after), sampleSite(), Target{Folder: "ledger"})
	if err != nil || byPath(changes)["docs/ledger/stale.md"].Op != ledger.OpDelete {
		t.Errorf("a marked folder: %v, %v; want its stale page deleted", err, byPath(changes))
	}
}

// Folders that are not a folder inside docs_dir, or that MkDocs would
// not build (a name starting with a dot), are refused.
func TestPlanRefusesFoldersOutsideDocsDir(t *testing.T) {
	for _, folder := range []string{"", ".", "./", "..", "../x", "a/../..", "a/../../x", "/abs", `a\b`, ".hidden", "a/.b"} {
		if changes, err := Plan(Repo{}, sampleSite(), Target{Folder: folder}); err == nil || changes != nil {
			t.Errorf("folder %q was accepted: %d changes", folder, len(changes))
		}
	}
}
