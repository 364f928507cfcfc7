package forgejo

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/storage/memory"
)

// packOf writes blobs into a pack the way git does, deltas included when
// they are worth it (go-git's encoder, a window of 10), OFS_DELTA or, with
// refDeltas, REF_DELTA.
func packOf(t *testing.T, blobs [][]byte, refDeltas bool) ([]byte, []string) {
	t.Helper()
	st := memory.NewStorage()
	var hashes []plumbing.Hash
	var shas []string
	for _, b := range blobs {
		o := st.NewEncodedObject()
		o.SetType(plumbing.BlobObject)
		w, _ := o.Writer()
		w.Write(b)
		w.Close()
		h, err := st.SetEncodedObject(o)
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, h)
		shas = append(shas, h.String())
	}
	var buf bytes.Buffer
	if _, err := packfile.NewEncoder(&buf, st, refDeltas).Encode(hashes, 10); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), shas
}

// Every blob of a pack comes out whole and named by its SHA, whether the
// pack holds it whole or as a delta of another; only a whole one comes
// with its compressed stream, which inflates to it.
func TestReadPackResolvesDeltas(t *testing.T) {
	var blobs [][]byte
	rows := "task_id,title\n"
	for i := range 30 {
		rows += fmt.Sprintf("6_1_1_%d,a task of some length so that a delta is worth it %d\n", i, i)
		blobs = append(blobs, []byte(rows)) // each a little longer than the last
	}
	blobs = append(blobs, []byte{}, []byte("seq\n1\n"))
	for _, refDeltas := range []bool{false, true} {
		pack, shas := packOf(t, blobs, refDeltas)
		got := map[string][]byte{}
		deltas := 0
		err := readPack(bytes.NewReader(pack), func(o packObject) error {
			if o.typ != packBlob {
				t.Errorf("%s came as type %d", o.sha, o.typ)
			}
			got[o.sha] = o.data
			if o.deflated == nil {
				deltas++
			} else if string(inflate(t, o.deflated)) != string(o.data) {
				t.Errorf("%s: the compressed stream does not inflate to the content", o.sha)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("ref deltas %v: %v", refDeltas, err)
		}
		for i, sha := range shas {
			if !bytes.Equal(got[sha], blobs[i]) {
				t.Errorf("ref deltas %v: blob %d (%s) came as %q", refDeltas, i, sha, got[sha])
			}
		}
		if deltas == 0 {
			t.Errorf("ref deltas %v: the pack held no delta, so none was resolved", refDeltas)
		}
	}
}

// A pack cut short, or with a byte changed, is an error, not fewer or
// different blobs.
func TestReadPackRefusesABrokenPack(t *testing.T) {
	pack, _ := packOf(t, [][]byte{[]byte(strings.Repeat("task_id,title\n6_1_1_1,x\n", 20)), []byte("seq\n1\n")}, false)
	cut := pack[:len(pack)-30]
	changed := bytes.Clone(pack)
	changed[len(changed)-30] ^= 0xff
	// A blob that claims 2^40 bytes: refused, not allocated.
	huge := []byte("PACK\x00\x00\x00\x02\x00\x00\x00\x01\xb0\x80\x80\x80\x80\x80\x40x\x9c")
	for name, p := range map[string][]byte{"cut short": cut, "changed": changed, "not a pack": []byte("PACX\x00\x00\x00\x02\x00\x00\x00\x01"), "claims a terabyte": huge} {
		n := 0
		err := readPack(bytes.NewReader(p), func(packObject) error { n++; return nil })
		if err == nil {
			t.Errorf("%s: read without an error (%d objects)", name, n)
		} else if name == "claims a terabyte" && !strings.Contains(err.Error(), "claims") {
			t.Errorf("%s: refused for another reason: %v", name, err)
		}
	}
}
