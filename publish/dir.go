package publish

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// Dir is a site on disk (a folder holding mkdocs.yml and its docs_dir) as
// a ledger.Store, so that publishing to a folder applies exactly the plan
// a repository would get, mkdocs.yml included. It has no history: Head is
// "" and Commit changes the files in place, checking each change's SHA
// against the file on disk as a repository would.
type Dir struct {
	Root string
}

// Head is "": a folder has no commits.
func (d Dir) Head(ctx context.Context) (string, error) { return "", ctx.Err() }

// Tree lists every file under the folder with its blob SHA, leaving out
// version-control folders and MkDocs' build output (site/).
func (d Dir) Tree(ctx context.Context, _ string) (ledger.Tree, error) {
	files := map[string]string{}
	err := filepath.WalkDir(d.Root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p == d.Root && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll // a folder still to be made: no files
			}
			return err
		}
		rel, _ := filepath.Rel(d.Root, p)
		rel = filepath.ToSlash(rel)
		if e.IsDir() {
			if rel == ".git" || rel == "site" {
				return fs.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[rel] = ledger.BlobSHA(data)
		return ctx.Err()
	})
	return ledger.Tree{Files: files}, err
}

// ReadFile reads one file of the folder.
func (d Dir) ReadFile(_ context.Context, p string) (ledger.File, error) {
	full, err := d.path(p)
	if err != nil {
		return ledger.File{}, err
	}
	data, err := os.ReadFile(full)
	if errors.Is(err, fs.ErrNotExist) {
		return ledger.File{}, fmt.Errorf("%s: %w", p, ledger.ErrNotFound)
	}
	if err != nil {
		return ledger.File{}, err
	}
	return ledger.File{Path: p, Content: data, SHA: ledger.BlobSHA(data)}, nil
}

// Commit checks every change against the files on disk first, then
// writes them. It is not atomic the way a git commit is: a failed write
// part way leaves the folder part way, and the next publish completes it.
func (d Dir) Commit(ctx context.Context, c ledger.Commit) (ledger.CommitResult, error) {
	for _, ch := range c.Changes {
		full, err := d.path(ch.Path)
		if err != nil {
			return ledger.CommitResult{}, err
		}
		data, err := os.ReadFile(full)
		exists := err == nil
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return ledger.CommitResult{}, err
		}
		if ch.Op == ledger.OpCreate && exists || ch.Op != ledger.OpCreate && (!exists || ledger.BlobSHA(data) != ch.SHA) {
			return ledger.CommitResult{}, fmt.Errorf("%s changed on disk meanwhile: %w", ch.Path, ledger.ErrConflict)
		}
	}
	for _, ch := range c.Changes {
		if err := ctx.Err(); err != nil {
			return ledger.CommitResult{}, err
		}
		full, _ := d.path(ch.Path)
		if ch.Op == ledger.OpDelete {
			if err := os.Remove(full); err != nil {
				return ledger.CommitResult{}, err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return ledger.CommitResult{}, err
		}
		if err := writeFileAtomic(full, ch.Content); err != nil {
			return ledger.CommitResult{}, err
		}
	}
	return ledger.CommitResult{}, nil
}

// path is p inside the folder; a path that would leave it is refused.
func (d Dir) path(p string) (string, error) {
	if c, err := cleanRelative(p); err != nil || c != p || strings.HasPrefix(p, ".git/") {
		return "", fmt.Errorf("%q is not a path inside the site folder", p)
	}
	return filepath.Join(d.Root, filepath.FromSlash(p)), nil
}

// writeFileAtomic replaces a file by renaming a finished copy over it, so
// that `mkdocs serve` watching the folder never reads half a page.
func writeFileAtomic(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".publish-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), name)
}
