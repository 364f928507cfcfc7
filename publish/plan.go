package publish

import (
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// Target is where in the site repository a section goes.
type Target struct {
	// Folder is the section's folder inside the site's docs_dir (e.g.
	// "ledger" for docs/ledger/). Publish owns it: it writes and deletes
	// files there and nowhere else (but mkdocs.yml).
	Folder string
	// NavTitle, when set, replaces the section's own nav title.
	NavTitle string
}

// Repo is what Plan needs to know of the site repository as it is: every
// file's blob SHA, and the content of the configuration MkDocs reads:
// mkdocs.yml, else mkdocs.yaml.
type Repo struct {
	Files  map[string]string // path → blob SHA; nil for a repository without files
	MkDocs []byte            // that configuration; nil when there is none
}

// Plan computes the changes that place site in the repository: it creates
// and updates the section's files and its MarkerFile, deletes the files in
// the section's folder that site no longer has, and sets the section's nav
// entry in mkdocs.yml (or writes a minimal mkdocs.yml where there is
// none). It changes nothing else. Nothing to change is an empty plan. A
// mkdocs.yml that publish cannot edit safely is an error wrapping
// ErrBadMkDocs; a folder holding files but no marker, ErrFolderNotOwned.
func Plan(repo Repo, site Site, t Target) ([]ledger.Change, error) {
	folder, err := checkFolder(t.Folder)
	if err != nil {
		return nil, fmt.Errorf("the publish folder: %w", err)
	}
	nav := site.Nav
	if t.NavTitle != "" {
		nav.Title = t.NavTitle
	}
	if err := checkSite(site, nav); err != nil {
		return nil, err
	}

	confFile := configFile(repo.Files)
	var conf *mkdocs
	var newConf []byte
	entry := navEntry(nav, folder)
	if repo.MkDocs == nil {
		conf = &mkdocs{docsDir: defaultDocsDir}
		_, home := repo.Files[defaultDocsDir+"/index.md"]
		newConf = minimalMkDocs(nav.Title, home, entry)
	} else {
		if conf, err = parseMkDocs(confFile, repo.MkDocs); err != nil {
			return nil, err
		}
		if newConf, err = conf.withEntry(entry); err != nil {
			return nil, err
		}
	}
	if err := checkNav(confFile, newConf, folder, site, nav); err != nil {
		return nil, err
	}
	dir := path.Join(conf.docsDir, folder) + "/"
	if err := checkFolderOwned(repo.Files, dir); err != nil {
		return nil, err
	}
	files := maps.Clone(site.Files)
	files[MarkerFile] = []byte(markerText)

	var changes []ledger.Change
	for _, name := range slices.Sorted(maps.Keys(files)) {
		p := dir + name
		content := files[name]
		old, exists := repo.Files[p]
		switch {
		case !exists:
			changes = append(changes, ledger.Change{Op: ledger.OpCreate, Path: p, Content: content})
		case old != ledger.BlobSHA(content):
			changes = append(changes, ledger.Change{Op: ledger.OpUpdate, Path: p, Content: content, SHA: old})
		}
	}
	for _, p := range slices.Sorted(maps.Keys(repo.Files)) {
		if name, ok := strings.CutPrefix(p, dir); ok {
			if _, kept := files[name]; !kept {
				changes = append(changes, ledger.Change{Op: ledger.OpDelete, Path: p, SHA: repo.Files[p]})
			}
		}
	}
	switch {
	case repo.MkDocs == nil:
		if sha, exists := repo.Files[confFile]; exists {
			// Read as absent but listed: a caller's mistake, not a
			// reason to overwrite a person's file.
			return nil, fmt.Errorf("%w: %s is listed but was not read (blob %s)", ErrBadMkDocs, confFile, sha)
		}
		changes = append(changes, ledger.Change{Op: ledger.OpCreate, Path: confFile, Content: newConf})
	case string(newConf) != string(repo.MkDocs):
		changes = append(changes, ledger.Change{Op: ledger.OpUpdate, Path: confFile, Content: newConf, SHA: ledger.BlobSHA(repo.MkDocs)})
	}
	return changes, nil
}

// checkSite refuses a site whose files or nav would land outside its
// folder, or whose nav names a page it does not have: MkDocs fails a
// strict build on a nav entry without its file.
func checkSite(site Site, nav NavItem) error {
	for name := range site.Files {
		if c, err := cleanRelative(name); err != nil || c != name {
			return fmt.Errorf("the rendered site has a file %q outside its folder", name)
		}
		if name == MarkerFile {
			return fmt.Errorf("the rendered site has a file named as publish's marker, %s", MarkerFile)
		}
	}
	var walk func(NavItem) error
	walk = func(n NavItem) error {
		if n.Title == "" {
			return errors.New("the rendered site has a nav entry without a title")
		}
		if n.Path != "" {
			if _, ok := site.Files[n.Path]; !ok {
				return fmt.Errorf("the rendered site's nav names %q, a page it does not have", n.Path)
			}
			return nil
		}
		if len(n.Children) == 0 {
			return fmt.Errorf("the rendered site's nav entry %q has neither a page nor entries", n.Title)
		}
		for _, c := range n.Children {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(nav)
}

// checkNav reads the edited configuration back: it must still parse, hold
// exactly one marked entry, the one just written, and no entry anywhere
// may point into the section's folder at a page the site does not have
// (see checkNavLinks). An edit that came out otherwise is refused rather
// than committed.
func checkNav(name string, conf []byte, folder string, site Site, nav NavItem) error {
	m, err := parseMkDocs(name, conf)
	if err != nil {
		return fmt.Errorf("%w (after setting the nav entry, which is a bug to report)", err)
	}
	if m.nav == nil {
		return nil
	}
	i, err := m.ownEntry()
	if err != nil {
		return err
	}
	if i < 0 {
		return fmt.Errorf("%w: the nav entry written cannot be found again", ErrBadMkDocs)
	}
	want := navPages(navNode(nav, folder))
	if got := navPages(m.nav.Content[i]); !slices.Equal(got, want) {
		return fmt.Errorf("%w: the nav entry written reads back as %v, not %v", ErrBadMkDocs, got, want)
	}
	return checkNavLinks(m.nav, folder, site)
}
