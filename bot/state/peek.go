package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Peek reads one setting from the database file at path without changing
// anything: it opens the file read-only and runs no migration, so a tool
// (the doctor) can look at the session of a bot that is running, or of one
// an older release wrote, without touching it. A file without the setting
// — or without the table, never started — gives false.
func Peek(ctx context.Context, path, key string) (string, bool, error) {
	db, err := sql.Open("sqlite3", "file:"+escapePath(path)+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return "", false, fmt.Errorf("open state database %s: %w", path, err)
	}
	defer db.Close()
	var exists int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='setting'").Scan(&exists); err != nil {
		return "", false, fmt.Errorf("read state database %s: %w", path, err)
	}
	if exists == 0 {
		return "", false, nil
	}
	var value string
	err = db.QueryRowContext(ctx, "SELECT value FROM setting WHERE key=$1", key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	} else if err != nil {
		return "", false, fmt.Errorf("read setting %q from %s: %w", key, path, err)
	}
	return value, true, nil
}
