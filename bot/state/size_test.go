package state

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"testing"
	"time"
)

// A community of 1,000 owners sending 1,000 commands a day, pruned of what
// is older than a month: the database file stops growing once a month of
// records is in it. The test logs the sizes (go test -run TestSizeStaysFlat
// -v ./bot/state); the README quotes them.
func TestSizeStaysFlatWhenPruned(t *testing.T) {
	const (
		perDay  = 1000
		keep    = 30 * 24 * time.Hour
		days    = 90
		owners  = 1000
		replyID = 44 // characters of a Matrix event ID, as Dendrite makes them
	)
	path := tempPath(t)
	db := openDB(t, path)
	ctx := t.Context()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	eventID := func() string {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		return "$" + base64.RawURLEncoding.EncodeToString(b)[:replyID-1]
	}
	size := func() int64 {
		if _, err := db.db.Exec(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			t.Fatal(err)
		}
		var total int64
		for _, f := range []string{path, path + "-wal"} {
			if info, err := os.Stat(f); err == nil {
				total += info.Size()
			}
		}
		return total
	}
	sizes := map[int]int64{}
	for day := range days {
		now := start.Add(time.Duration(day) * 24 * time.Hour)
		tx, err := db.db.RawDB.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range perDay {
			at := now.Add(time.Duration(i) * 86 * time.Second).UnixMilli()
			_, err := tx.ExecContext(ctx, `INSERT INTO processed_event
				(event_id, room_id, sender, body, thread, timestamp, claimed_at, finished_at, reply_id, answering_at)
				VALUES ($1, $2, $3, '', '', $4, $4, $4, $5, $4)`,
				eventID(), "!AbCdEfGhIjKlMnOpQr:smartup0.org", fmt.Sprintf("@owner%04d:smartup0.org", i%owners), at, eventID())
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Forget(ctx, now.Add(-keep)); err != nil {
			t.Fatal(err)
		}
		sizes[day+1] = size()
	}
	t.Logf("database file after 30 days: %d KB, after 40: %d KB, after 90: %d KB (%d commands a day, kept %v)",
		sizes[30]/1024, sizes[40]/1024, sizes[90]/1024, perDay, keep)
	// From day 31 on the file holds the same month of records each day.
	if sizes[90] > sizes[40]*105/100 {
		t.Errorf("the file grew from %d bytes on day 40 to %d on day 90 although it holds a month of records each day", sizes[40], sizes[90])
	}
}
