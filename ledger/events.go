package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// ChainHash is the hash of an audit row: SHA-256 over the previous row's hash
// and every other column of this row, each prefixed by its length, so that
// neither can change unnoticed.
func ChainHash(e Event) string {
	h := sha256.New()
	for _, f := range []string{
		e.PrevHash, strconv.FormatInt(e.Seq, 10), e.Time.UTC().Format(time.RFC3339), e.EventID,
		e.Actor, e.Command, e.Action, e.Target, e.Files, e.Result,
	} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}
