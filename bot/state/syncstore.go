package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"
)

// syncStore persists the /sync position so a restart resumes instead of replaying history.
type syncStore struct {
	db *DB
}

var _ mautrix.SyncStore = syncStore{}

// SyncStore returns a mautrix.SyncStore that keeps next_batch and the filter ID in this database.
func (db *DB) SyncStore() mautrix.SyncStore {
	return syncStore{db: db}
}

// SaveFilterID records the filter ID used by userID's sync.
func (s syncStore) SaveFilterID(ctx context.Context, userID id.UserID, filterID string) error {
	_, err := s.db.db.Exec(ctx, `
		INSERT INTO sync_store (user_id, filter_id) VALUES ($1, $2)
		ON CONFLICT (user_id) DO UPDATE SET filter_id=excluded.filter_id
	`, userID, filterID)
	if err != nil {
		return fmt.Errorf("save filter ID for %s: %w", userID, err)
	}
	return nil
}

// LoadFilterID returns userID's filter ID, or "" if none was saved.
func (s syncStore) LoadFilterID(ctx context.Context, userID id.UserID) (string, error) {
	return s.load(ctx, "filter_id", userID)
}

// SaveNextBatch records where userID's next sync resumes.
func (s syncStore) SaveNextBatch(ctx context.Context, userID id.UserID, nextBatchToken string) error {
	_, err := s.db.db.Exec(ctx, `
		INSERT INTO sync_store (user_id, next_batch) VALUES ($1, $2)
		ON CONFLICT (user_id) DO UPDATE SET next_batch=excluded.next_batch
	`, userID, nextBatchToken)
	if err != nil {
		return fmt.Errorf("save next batch for %s: %w", userID, err)
	}
	return nil
}

// LoadNextBatch returns userID's next_batch token, or "" if none was saved.
func (s syncStore) LoadNextBatch(ctx context.Context, userID id.UserID) (string, error) {
	return s.load(ctx, "next_batch", userID)
}

// load reads one column of userID's row; column is one of two constants, never input.
func (s syncStore) load(ctx context.Context, column string, userID id.UserID) (string, error) {
	var value string
	err := s.db.db.QueryRow(ctx, "SELECT "+column+" FROM sync_store WHERE user_id=$1", userID).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("load %s for %s: %w", column, userID, err)
	}
	return value, nil
}
