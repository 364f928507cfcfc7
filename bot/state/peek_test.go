package state

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Peek reads what the bot keeps while the bot holds the file open, and
// changes nothing in a file it looks at.
func TestPeek(t *testing.T) {
	path := tempPath(t)
	db := openDB(t, path)
	if err := db.Set(t.Context(), KeyAccessToken, "syt_kept"); err != nil {
		t.Fatal(err)
	}
	// The bot is running: its connection is open.
	got, ok, err := Peek(t.Context(), path, KeyAccessToken)
	if err != nil || !ok || got != "syt_kept" {
		t.Fatalf("Peek(access token) with the bot's connection open = %q, %v, %v; want syt_kept, true, nil", got, ok, err)
	}
	if _, ok, err := Peek(t.Context(), path, KeyDeviceID); err != nil || ok {
		t.Errorf("Peek(device ID) never set = %v, %v; want false, nil", ok, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := Peek(t.Context(), path, KeyAccessToken); err != nil || !ok || got != "syt_kept" {
		t.Errorf("Peek(access token) after the bot stopped = %q, %v, %v; want syt_kept, true, nil", got, ok, err)
	}

	// A file no bot has started on: no table, so nothing kept, and Peek
	// does not migrate it into one.
	blank := filepath.Join(t.TempDir(), "blank.db")
	if err := os.WriteFile(blank, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := Peek(t.Context(), blank, KeyAccessToken); err != nil || ok {
		t.Errorf("Peek on an empty file = %v, %v; want false, nil", ok, err)
	}
	if data, err := os.ReadFile(blank); err != nil || !bytes.Equal(data, nil) {
		t.Errorf("Peek wrote %d bytes into the empty file (err %v)", len(data), err)
	}
}
