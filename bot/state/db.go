package state

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"go.mau.fi/util/dbutil"
	// Registers the "sqlite3-fk-wal" driver: go-sqlite3 with foreign keys,
	// WAL journaling and a 5 s busy timeout set on every connection.
	_ "go.mau.fi/util/dbutil/litestream"
)

// owner marks the file as Engelbot's so dbutil refuses a database that belongs to another program.
const owner = "engelbot"

// DB is the bot's local state database.
type DB struct {
	db *dbutil.Database
	// now is the clock for claim and finish times; tests replace it to make rows old.
	now func() time.Time
}

// Open opens the SQLite file at path, creating it (and its directory) if needed, and runs the migrations.
func Open(ctx context.Context, path string, log zerolog.Logger) (*DB, error) {
	if err := ensureFile(path); err != nil {
		return nil, err
	}
	raw, err := dbutil.NewFromConfig(owner, dbutil.Config{
		PoolConfig: dbutil.PoolConfig{
			Type: "sqlite3-fk-wal",
			// Immediate transactions take the write lock up front, so two writers wait
			// on the busy timeout instead of failing when a read lock is upgraded.
			// secure_delete overwrites what a row held when it changes, so a
			// command's text, dropped once answered, leaves no bytes behind.
			URI:          "file:" + escapePath(path) + "?_txlock=immediate&_secure_delete=on",
			MaxOpenConns: 5,
			MaxIdleConns: 1,
		},
	}, dbutil.ZeroLogger(log))
	if err != nil {
		return nil, fmt.Errorf("open state database %s: %w", path, err)
	}
	raw.UpgradeTable = upgradeTable()
	if err := raw.Upgrade(ctx); err != nil {
		_ = raw.Close()
		return nil, fmt.Errorf("migrate state database %s: %w", path, err)
	}
	return &DB{db: raw, now: time.Now}, nil
}

// Close closes the database; the DB must not be used afterwards.
func (db *DB) Close() error {
	return db.db.Close()
}

// Database returns the underlying dbutil database, so that mautrix stores (the crypto
// helper, sqlstatestore) can keep their own tables, with their own version tables, in the same file.
func (db *DB) Database() *dbutil.Database {
	return db.db
}

// ensureFile creates the directory and an empty file readable only by the owner:
// the file holds an access token, and SQLite gives its -wal and -shm files the
// main file's permissions.
func ensureFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create state directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create state database %s: %w", path, err)
	}
	return f.Close()
}

// escapePath makes a file path safe inside a SQLite "file:" URI, where '?' starts
// the parameters, '#' a fragment and '%' an escape.
func escapePath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}
