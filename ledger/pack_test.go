package ledger

import (
	"bytes"
	"compress/flate"
	"fmt"
	"strings"
	"testing"
)

// A shard is kept compressed as the forge sent it when that compression
// is worth keeping, and compressed again when the forge's is not (a forge
// set to compress nothing); either way it reads back the same.
func TestPackedKeepsTheForgesCompressionOnlyWhenItSaves(t *testing.T) {
	var b strings.Builder
	b.WriteString("tx_id,alias,amount\n")
	for i := range 500 {
		fmt.Fprintf(&b, "sc_%d,owner%d,%d\n", i, i%50, i%7)
	}
	data := []byte(b.String())
	sent := func(level int) []byte {
		var out bytes.Buffer
		w, _ := flate.NewWriter(&out, level)
		w.Write(data)
		w.Close()
		return out.Bytes()
	}
	well, stored := sent(flate.BestCompression), sent(flate.NoCompression)
	if got := (fileBytes{data: data, deflated: well}).packed(); !bytes.Equal(got, well) {
		t.Errorf("the forge's stream (%d bytes for %d) was not kept", len(well), len(data))
	}
	got := (fileBytes{data: data, deflated: stored}).packed()
	if 2*len(got) > len(data) {
		t.Errorf("stored blocks (%d bytes for %d) were kept as they came: %d bytes", len(stored), len(data), len(got))
	}
	for name, packed := range map[string][]byte{"kept": well, "compressed again": got, "no stream sent": (fileBytes{data: data}).packed()} {
		if back := inflate("test", packed); !bytes.Equal(back, data) {
			t.Errorf("%s: does not read back", name)
		}
	}
}
