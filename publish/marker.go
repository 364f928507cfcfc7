package publish

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Publish deletes every file in its folder that the site no longer has,
// so it must know the folder is its own: configured by mistake as a
// person's folder (docs/img/) or over a hand-written section, it would
// delete their files. It writes a marker file into the folder with the
// section, and refuses a folder that holds files but no marker. MkDocs
// leaves files whose name starts with a dot out of the built site.

// MarkerFile is the file in the section's folder that says publish owns
// the folder.
const MarkerFile = ".engelbot-publish"

// markerText is the marker's content, for whoever finds the file.
const markerText = "Engelbot's publish writes this folder from the ledger: it rewrites and deletes every file\n" +
	"in it. Edit the ledger, not these files. Without this file, publish refuses to touch the folder.\n"

// ErrFolderNotOwned: the publish folder holds files publish did not write
// (it has no marker); publish writes nothing until a person moves them,
// or points publish at another folder.
var ErrFolderNotOwned = errors.New("the publish folder holds files publish did not write")

// checkFolderOwned refuses a folder (dir, with its trailing slash) of the
// repository that holds files but not publish's marker.
func checkFolderOwned(files map[string]string, dir string) error {
	if _, ok := files[dir+MarkerFile]; ok {
		return nil
	}
	var found []string
	for _, p := range slices.Sorted(maps.Keys(files)) {
		if strings.HasPrefix(p, dir) {
			found = append(found, p)
		}
	}
	if len(found) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s holds %d files (%s first) and no %s; move them, or set another folder "+
		"(if an earlier publish wrote them, add an empty %s%s)",
		ErrFolderNotOwned, dir, len(found), found[0], MarkerFile, dir, MarkerFile)
}

// checkFolder is the section's folder cleaned, or an error when it is not
// a folder inside docs_dir (empty, docs_dir itself, leaving it, absolute)
// or one MkDocs would leave out of the site (a name starting with a dot).
func checkFolder(folder string) (string, error) {
	c, err := cleanRelative(folder)
	if err != nil {
		return "", err
	}
	for _, part := range strings.Split(c, "/") {
		if strings.HasPrefix(part, ".") {
			return "", fmt.Errorf("%q has a folder starting with a dot, which MkDocs leaves out of the site", folder)
		}
	}
	return c, nil
}
