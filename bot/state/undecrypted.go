package state

import (
	"context"
	"fmt"
)

// Undecrypted is an encrypted event the bot could not decrypt yet: the
// event as the homeserver sent it (its ciphertext, never a plaintext).
type Undecrypted struct {
	EventID string
	RoomID  string
	Sender  string
	Raw     string // the event's JSON
}

// KeepUndecrypted records an event waiting for its room key; recording it
// again changes nothing.
func (db *DB) KeepUndecrypted(ctx context.Context, u Undecrypted) error {
	_, err := db.db.Exec(ctx, `
		INSERT INTO undecrypted_event (event_id, room_id, sender, raw, received_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (event_id) DO NOTHING
	`, u.EventID, u.RoomID, u.Sender, u.Raw, db.now().UnixMilli())
	if err != nil {
		return fmt.Errorf("keep undecrypted event %s: %w", u.EventID, err)
	}
	return nil
}

// DropUndecrypted forgets an event once it is decrypted or given up on.
func (db *DB) DropUndecrypted(ctx context.Context, eventID string) error {
	if _, err := db.db.Exec(ctx, "DELETE FROM undecrypted_event WHERE event_id=$1", eventID); err != nil {
		return fmt.Errorf("drop undecrypted event %s: %w", eventID, err)
	}
	return nil
}

// Undecrypteds lists the events still waiting for their keys, oldest first.
func (db *DB) Undecrypteds(ctx context.Context) ([]Undecrypted, error) {
	rows, err := db.db.Query(ctx, "SELECT event_id, room_id, sender, raw FROM undecrypted_event ORDER BY received_at")
	if err != nil {
		return nil, fmt.Errorf("list undecrypted events: %w", err)
	}
	defer rows.Close()
	var out []Undecrypted
	for rows.Next() {
		var u Undecrypted
		if err := rows.Scan(&u.EventID, &u.RoomID, &u.Sender, &u.Raw); err != nil {
			return nil, fmt.Errorf("list undecrypted events: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
