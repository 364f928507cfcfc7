package servers

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNotInstalled is returned when a server binary is missing from BinDir.
var ErrNotInstalled = errors.New("servers: server binaries not installed (run scripts/install-servers.sh)")

// The Gitea version whose source folder serves as STATIC_ROOT_PATH; it must
// match GITEA_VERSION in scripts/install-servers.sh.
const giteaVersion = "v1.26.0"

// CacheDir is where scripts/install-servers.sh keeps what it builds:
// $ENGELBOT_CACHE, or $HOME/.cache/engelbot.
func CacheDir() string {
	if dir := os.Getenv("ENGELBOT_CACHE"); dir != "" {
		return dir
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "engelbot-cache")
	}
	return filepath.Join(home, ".cache", "engelbot")
}

// BinDir is the folder holding the server binaries: $ENGELBOT_CACHE/bin.
func BinDir() string {
	return filepath.Join(CacheDir(), "bin")
}

// giteaStaticRoot is the copied Gitea module that Gitea reads its templates
// and options from at run time.
func giteaStaticRoot() string {
	return filepath.Join(CacheDir(), "gitea-src-"+giteaVersion)
}

// binary returns the absolute path of an installed binary, or an error
// wrapping ErrNotInstalled that names the missing file.
func binary(name string) (string, error) {
	path := filepath.Join(BinDir(), name)
	info, err := os.Stat(path)
	if err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
		return "", fmt.Errorf("%w: %s is missing", ErrNotInstalled, path)
	}
	return path, nil
}

// requireDir fails with ErrNotInstalled when an installed folder is missing.
func requireDir(path string) error {
	info, err := os.Stat(path)
	if err != nil || !info.IsDir() {
		return fmt.Errorf("%w: %s is missing", ErrNotInstalled, path)
	}
	return nil
}

// freshDir makes dir absolute and creates it, refusing one that already
// holds files: a server set up twice in one folder fails in confusing ways
// (an admin user that exists, keys that are not overwritten).
func freshDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("servers: data folder: %w", err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return "", fmt.Errorf("servers: data folder: %w", err)
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return "", fmt.Errorf("servers: data folder: %w", err)
	}
	if len(entries) > 0 {
		return "", fmt.Errorf("servers: data folder %s is not empty: each server needs a fresh one", abs)
	}
	return abs, nil
}
