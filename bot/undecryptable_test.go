//go:build goolm

package bot

import (
	"database/sql"
	"fmt"
	"testing"

	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/crypto/olm"
)

// A message that can never be decrypted gets the notice at once; one whose
// key has not come, or whose decryption failed on the bot's own store for a
// moment, is kept and tried again rather than dropped.
func TestWhichDecryptionFailuresAreFinal(t *testing.T) {
	for _, tc := range []struct {
		err   error
		final bool
	}{
		{fmt.Errorf("%w (ID x)", crypto.ErrNoSessionFound), false},
		{fmt.Errorf("failed to get group session: %w", sql.ErrConnDone), false},
		{fmt.Errorf("failed to check if message index is duplicate: %w", fmt.Errorf("database is locked")), false},
		{fmt.Errorf("%w: ciphertext too short (3 bytes)", crypto.ErrCorruptedMegolmPayload), true},
		{crypto.ErrWrongRoom, true},
		{fmt.Errorf("%w 4", crypto.ErrDuplicateMessageIndex), true},
		{fmt.Errorf("%w (not duplicate index)", olm.ErrUnknownMessageIndex), true},
	} {
		if got := undecryptable(tc.err); got != tc.final {
			t.Errorf("%v: final %v, want %v", tc.err, got, tc.final)
		}
	}
}
