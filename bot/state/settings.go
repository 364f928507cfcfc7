package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Setting keys the bot stores with Get and Set.
const (
	// KeyDeviceID is the Matrix device ID the bot logged in with.
	KeyDeviceID = "device_id"
	// KeyAccessToken is the Matrix access token of that device.
	KeyAccessToken = "access_token"
	// KeyFirstStart is written by FirstStart only (Unix milliseconds).
	KeyFirstStart = "first_start"
	// KeyPickleKey encrypts the bot's end-to-end keys in this database
	// when the configuration gives no key of its own.
	KeyPickleKey = "pickle_key"
)

// Get returns the value stored under key, and false if nothing is stored.
func (db *DB) Get(ctx context.Context, key string) (string, bool, error) {
	var value string
	err := db.db.QueryRow(ctx, "SELECT value FROM setting WHERE key=$1", key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	} else if err != nil {
		return "", false, fmt.Errorf("get setting %q: %w", key, err)
	}
	return value, true, nil
}

// Set stores value under key, replacing any previous value.
func (db *DB) Set(ctx context.Context, key, value string) error {
	_, err := db.db.Exec(ctx, `
		INSERT INTO setting (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value=excluded.value
	`, key, value)
	if err != nil {
		return fmt.Errorf("set setting %q: %w", key, err)
	}
	return nil
}

// FirstStart returns the time the bot first started, recording now if no start was
// ever recorded, so that the bot can ignore the history from before it existed.
func (db *DB) FirstStart(ctx context.Context, now time.Time) (time.Time, error) {
	// Insert-if-absent then read: two callers racing on a fresh file both read
	// the one value that won.
	_, err := db.db.Exec(ctx, "INSERT INTO setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
		KeyFirstStart, strconv.FormatInt(now.UnixMilli(), 10))
	if err != nil {
		return time.Time{}, fmt.Errorf("record first start: %w", err)
	}
	raw, _, err := db.Get(ctx, KeyFirstStart)
	if err != nil {
		return time.Time{}, err
	}
	ms, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: first start %q: %w", ErrCorrupt, raw, err)
	}
	return time.UnixMilli(ms), nil
}
