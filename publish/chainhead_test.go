package publish_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// TestChainHeadCanBeVerifiedAsTheSiteSays follows the overview's "verify
// it yourself" recipe on the ledger's files, without the ledger package:
// read master-events/ in name order, hash each row's columns as told, and
// chain them. The last hash must be the one the overview shows, next to
// the ledger commit.
func TestChainHeadCanBeVerifiedAsTheSiteSays(t *testing.T) {
	c := newCommunity(t)
	c.populate()
	site := c.render(sampleTreasury())
	index := string(site.Files["index.md"])

	tree, err := c.store.Tree(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	var shards []string
	for p := range tree.Files {
		if strings.HasPrefix(p, ledger.EventsDir+"/") {
			shards = append(shards, p)
		}
	}
	slices.Sort(shards)
	order := []string{"prev_hash", "seq", "timestamp", "event_id", "actor", "command", "action", "target", "files", "result"}
	for _, col := range order {
		if !strings.Contains(index, "`"+col+"`") {
			t.Errorf("the recipe does not name the column %s", col)
		}
	}
	prev, rows := "", 0
	for _, p := range shards {
		f, err := c.store.ReadFile(t.Context(), p)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(f.Content)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		for _, r := range recs[1:] {
			h := sha256.New()
			for _, name := range order {
				v := r[col[name]]
				if name == "prev_hash" {
					v = prev
				}
				h.Write([]byte(strconv.Itoa(len(v)) + ":" + v))
			}
			sum := hex.EncodeToString(h.Sum(nil))
			if sum != r[col["hash"]] || r[col["prev_hash"]] != prev {
				t.Fatalf("%s seq %s: the recipe gives %s, the row says %s", p, r[col["seq"]], sum, r[col["hash"]])
			}
			prev = sum
			rows++
		}
	}
	if rows < 10 {
		t.Fatalf("only %d audit rows", rows)
	}
	if !strings.Contains(index, "`"+prev+"`") {
		t.Errorf("the overview does not show the chain's head %s", prev)
	}
	if !strings.Contains(index, "`"+tree.Commit+"`") {
		t.Errorf("the overview does not show the ledger commit %s", tree.Commit)
	}
}
