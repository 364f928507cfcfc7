//go:build !goolm

package bot

import (
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"smartup0.org/engelbot/bot/state"
)

// A binary built without the goolm tag refuses to start while its
// configuration asks for encryption, and says how to build it; with
// encryption off it starts as before.
func TestEncryptionWithoutItsBuildTag(t *testing.T) {
	db, err := state.Open(t.Context(), t.TempDir()+"/state.db", zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Refused before anything is reached: the homeserver here does not exist.
	on := New(Config{Encryption: true, HomeserverURL: "http://127.0.0.1:1"}, db, nil, zerolog.Nop())
	if err := on.Run(t.Context()); err == nil || !strings.Contains(err.Error(), "make build") || !strings.Contains(err.Error(), "encryption.enabled: false") {
		t.Errorf("with encryption asked for, the start says %v", err)
	}
	off := New(Config{}, db, nil, zerolog.Nop())
	if err := off.startEncryption(t.Context()); err != nil {
		t.Errorf("with encryption off, the start fails: %v", err)
	}
}
