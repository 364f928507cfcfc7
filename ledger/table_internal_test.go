package ledger

import (
	"fmt"
	"testing"
)

// A table whose history is packed finds its rows by their keys' hashes:
// every row it was loaded with, the rows added since, and a row changed
// since; a key it does not hold is not found, and a key twice refuses the
// table, as it does a table that holds its keys.
func TestHashedTableFindsRowsByKey(t *testing.T) {
	rows := func(ids ...string) []*Session {
		out := make([]*Session, len(ids))
		for i, id := range ids {
			out[i] = &Session{ID: id, Summary: "loaded"}
		}
		return out
	}
	for _, hashed := range []bool{false, true} {
		if _, err := newTable(rows("ws_1", "ws_2", "ws_1"), []int{0}, 10, hashed); err == nil {
			t.Errorf("hashed %v: a key twice was taken", hashed)
		}
		var ids []string
		for i := range 25 {
			ids = append(ids, fmt.Sprintf("ws_%d", i+1))
		}
		tb, err := newTable(rows(ids...), []int{0, 10, 20}, 10, hashed)
		if err != nil {
			t.Fatal(err)
		}
		if hashed != (tb.keys != nil) || hashed == (tb.idx.len() == len(ids)) {
			t.Fatalf("hashed %v: %d keys in the map, key index %v", hashed, tb.idx.len(), tb.keys != nil)
		}
		tb.history = true
		tb.pack(0) // rows 1–10 held packed, as after a load
		tb.pack(1)
		// Finding where a row is, as a check that an ID is free does,
		// decodes no packed shard.
		for _, id := range []string{"ws_3", "ws_15", "ws_404"} {
			tb.pos(id)
		}
		if tb.unpacked.Load() != nil {
			t.Errorf("hashed %v: finding keys decoded a packed shard", hashed)
		}
		changed := &Session{ID: "ws_5", Summary: "changed"}
		added := &Session{ID: "ws_26", Summary: "added"}
		next := tb.merge(map[string]*Session{"ws_5": changed, "ws_26": added}, []string{"ws_26"})
		for _, id := range append(ids, "ws_26") {
			r, ok := next.get(id)
			want := map[string]string{"ws_5": "changed", "ws_26": "added"}[id]
			if want == "" {
				want = "loaded"
			}
			if !ok || r.ID != id || r.Summary != want {
				t.Errorf("hashed %v: get(%s) = %+v, %v; want its %s row", hashed, id, r, ok, want)
			}
		}
		for _, id := range []string{"ws_0", "ws_27", "ws_5 "} {
			if r, ok := next.get(id); ok {
				t.Errorf("hashed %v: get(%q) found %+v", hashed, id, r)
			}
		}
		if r, _ := tb.get("ws_5"); r.Summary != "loaded" {
			t.Errorf("hashed %v: the table merged from changed: ws_5 is %q", hashed, r.Summary)
		}
	}
}
