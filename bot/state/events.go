package state

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"go.mau.fi/util/dbutil"
)

// Event is a command as the bot received it: enough to handle it again after a restart.
type Event struct {
	// ID is the Matrix event ID; it is the identity of the command.
	ID string
	// RoomID is the room the command was sent in.
	RoomID string
	// Sender is the Matrix user ID of whoever sent it.
	Sender string
	// Body is the message text.
	Body string
	// Thread is the thread root event ID the reply belongs in, or "".
	Thread string
	// Timestamp is the event's origin_server_ts; it is stored to the millisecond.
	Timestamp time.Time
	// Answering is set, for an unfinished event, when a run before this one
	// began sending its answer: the answer may be in the room already.
	Answering bool
}

// Claim records evt as seen before it is handled; first is false if it was claimed
// before (a redelivery or a concurrent duplicate), and then the caller must not handle it.
func (db *DB) Claim(ctx context.Context, evt Event) (first bool, err error) {
	if evt.ID == "" {
		return false, ErrEmptyEventID
	}
	// The primary key decides, inside SQLite, which of several racing inserts wins;
	// a read-then-write would let two callers both see "absent".
	res, err := db.db.Exec(ctx, `
		INSERT INTO processed_event (event_id, room_id, sender, body, thread, timestamp, claimed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (event_id) DO NOTHING
	`, evt.ID, evt.RoomID, evt.Sender, evt.Body, evt.Thread,
		dbutil.UnixMilliPtr(evt.Timestamp), db.now().UnixMilli())
	if err != nil {
		return false, fmt.Errorf("claim event %s: %w", evt.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim event %s: %w", evt.ID, err)
	}
	return n == 1, nil
}

// Finish marks a claimed event as handled and answered by the reply event
// reply. The message text is dropped: it was kept only to handle the event
// again after a crash, and it may hold what must not linger (an admin's
// onboarding command carries a real name and an e-mail address).
func (db *DB) Finish(ctx context.Context, eventID, reply string) error {
	if eventID == "" {
		return ErrEmptyEventID
	}
	res, err := db.db.Exec(ctx, `
		UPDATE processed_event SET finished_at=$2, reply_id=$3, body=''
		WHERE event_id=$1 AND finished_at IS NULL
	`, eventID, db.now().UnixMilli(), reply)
	if err != nil {
		return fmt.Errorf("finish event %s: %w", eventID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("finish event %s: %w", eventID, err)
	} else if n == 1 {
		// The text's old copy is still in the write-ahead log until a
		// checkpoint; take it now. Best effort: a reader holding an older
		// snapshot delays it to a later checkpoint.
		_, _ = db.db.Exec(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
		return nil
	}
	// Nothing was updated: say why, since either case is a bug in the caller.
	var exists bool
	err = db.db.QueryRow(ctx, "SELECT EXISTS(SELECT 1 FROM processed_event WHERE event_id=$1)", eventID).Scan(&exists)
	if err != nil {
		return fmt.Errorf("finish event %s: %w", eventID, err)
	} else if exists {
		return fmt.Errorf("finish event %s: %w", eventID, ErrAlreadyFinished)
	}
	return fmt.Errorf("finish event %s: %w", eventID, ErrNotClaimed)
}

// MarkAnswering records that the answer to a claimed event is about to be
// sent, before it is: a crash between sending and Finish then leaves a
// trace telling the next run to look for the answer before sending another.
func (db *DB) MarkAnswering(ctx context.Context, eventID string) error {
	if eventID == "" {
		return ErrEmptyEventID
	}
	_, err := db.db.Exec(ctx, `
		UPDATE processed_event SET answering_at=$2
		WHERE event_id=$1 AND answering_at IS NULL AND finished_at IS NULL
	`, eventID, db.now().UnixMilli())
	if err != nil {
		return fmt.Errorf("mark event %s answering: %w", eventID, err)
	}
	return nil
}

// Unfinished returns the events claimed but never finished (the process stopped while
// handling them), oldest first, so the bot can resume them at start-up.
func (db *DB) Unfinished(ctx context.Context) ([]Event, error) {
	rows, err := db.db.Query(ctx, `
		SELECT event_id, room_id, sender, body, thread, timestamp, answering_at IS NOT NULL
		FROM processed_event
		WHERE finished_at IS NULL
		ORDER BY timestamp, claimed_at, event_id
	`)
	events, err := dbutil.NewRowIterWithError(rows, scanEvent, err).AsList()
	if err != nil {
		return nil, fmt.Errorf("list unfinished events: %w", err)
	}
	return events, nil
}

// Forget deletes the finished events that were finished before before, and returns how many.
// Unfinished events are kept whatever their age: they still have to be resumed.
func (db *DB) Forget(ctx context.Context, before time.Time) (int, error) {
	res, err := db.db.Exec(ctx,
		"DELETE FROM processed_event WHERE finished_at IS NOT NULL AND finished_at < $1", before.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("forget events finished before %s: %w", before, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("forget events finished before %s: %w", before, err)
	}
	return int(n), nil
}

// scanEvent reads one processed_event row as selected by Unfinished.
func scanEvent(row dbutil.Scannable) (Event, error) {
	var evt Event
	var ts sql.NullInt64
	if err := row.Scan(&evt.ID, &evt.RoomID, &evt.Sender, &evt.Body, &evt.Thread, &ts, &evt.Answering); err != nil {
		return evt, fmt.Errorf("scan event: %w", err)
	}
	if ts.Valid {
		evt.Timestamp = time.UnixMilli(ts.Int64)
	}
	return evt, nil
}
