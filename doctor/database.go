package doctor

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// database checks that the bot can keep its state where database: says:
// the file, when it exists, opens for writing, and its folder (or the
// nearest folder that exists, which the bot creates the rest under) takes
// new files, since SQLite writes its journal beside the file.
func (r *run) database() {
	const check = "database"
	path := r.cfg.Database
	if info, err := os.Stat(path); err == nil {
		if info.IsDir() {
			r.fail(check, "%s is a folder: set database: to a file path", path)
			return
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			r.fail(check, "%s cannot be opened for writing (%v): give the bot's user write access to it, or change database:", path, err)
			return
		}
		_ = f.Close()
	} else if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
		// ENOTDIR: a folder on the way is a file, which the walk below names.
		r.fail(check, "%s: %v: change database: to a path the bot's user can write", path, err)
		return
	}
	dir := filepath.Dir(path)
	existing := dir
	for {
		info, err := os.Stat(existing)
		if err == nil {
			if !info.IsDir() {
				r.fail(check, "%s is not a folder, so %s cannot be created: change database:", existing, path)
				return
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) || filepath.Dir(existing) == existing {
			r.fail(check, "%s: %v: change database: to a path the bot's user can write", existing, err)
			return
		}
		existing = filepath.Dir(existing)
	}
	probe, err := os.CreateTemp(existing, ".engelbot-doctor-*")
	if err != nil {
		r.fail(check, "cannot write in %s (%v): give the bot's user write access to it, or change database:", existing, err)
		return
	}
	_ = probe.Close()
	_ = os.Remove(probe.Name())
	switch {
	case existing != dir:
		r.ok(check, "%s does not exist yet; the bot creates it and %s at its first start", dir, filepath.Base(path))
	case fileExists(path):
		r.ok(check, "%s is writable, and so is its folder", path)
	default:
		r.ok(check, "%s does not exist yet; the bot creates it at its first start in %s, which is writable", filepath.Base(path), dir)
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
