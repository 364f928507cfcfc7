package ledger

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// from yields a suffix of the journal that holds every row dated t or
// later, and skips the shards before it, even when a row's clock ran back.
func TestJournalFromHoldsEveryRowSinceT(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var rows []SKTx
	for i := range 5000 {
		rows = append(rows, SKTx{ID: "sk_" + string(rune('a'+i%26)), Time: day.Add(time.Duration(i) * time.Minute), Alias: "a", Amount: 1})
	}
	// A row whose clock ran back an hour, in the last shard.
	rows[4500].Time = rows[4500].Time.Add(-time.Hour)
	var j journal[SKTx]
	for i := 0; i < len(rows); i += DefaultShardRows {
		data, err := appendCSV(nil, rows[i:min(i+DefaultShardRows, len(rows))]...)
		if err != nil {
			t.Fatal(err)
		}
		sh, err := parseShard[SKTx]("transactions/sk/x.csv", BlobSHA(data), data, false, shareValues)
		if err != nil {
			t.Fatal(err)
		}
		j.shards = append(j.shards, sh)
	}
	all := slices.Collect(j.all())
	for _, since := range []time.Time{day.Add(-time.Hour), day.Add(2500 * time.Minute), rows[4500].Time, day.Add(4999 * time.Minute), day.Add(9000 * time.Minute)} {
		got := slices.Collect(j.from(since))
		if len(got) > len(all) || !slices.EqualFunc(got, all[len(all)-len(got):], func(a, b SKTx) bool { return a == b }) {
			t.Fatalf("since %s: not a suffix of the journal", since)
		}
		for i, r := range all {
			if !r.Time.Before(since) && i < len(all)-len(got) {
				t.Fatalf("since %s: row %d (%s) is left out", since, i, r.Time)
			}
		}
		// Every leading shard whose rows are all older than since is skipped.
		want := 0
		for i := 0; i < len(all); i += DefaultShardRows {
			if slices.ContainsFunc(all[i:i+DefaultShardRows], func(r SKTx) bool { return !r.Time.Before(since) }) {
				break
			}
			want += DefaultShardRows
		}
		if skipped := len(all) - len(got); skipped != want {
			t.Fatalf("since %s: %d rows skipped, want %d", since, skipped, want)
		}
	}
}

// fromRow yields exactly the rows from the n-th on, across shards.
func TestJournalFromRow(t *testing.T) {
	_, sk := syntheticJournals(10, 10, 2500)
	all := slices.Collect(sk.all())
	for _, n := range []int{-1, 0, 1, 999, 1000, 1001, 2000, 2499, 2500, 2600} {
		got := slices.Collect(sk.fromRow(n))
		want := all[min(max(n, 0), len(all)):]
		if !slices.Equal(got, want) {
			t.Fatalf("from row %d: %d rows, want %d", n, len(got), len(want))
		}
	}
}

// grown yields exactly the rows appended since, across a grown last shard
// and new ones, and refuses a journal whose older rows changed.
func TestJournalGrown(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var versions []journal[SKTx]
	j := journal[SKTx]{dir: SKDir}
	versions = append(versions, j)
	n := 0
	for _, batch := range []int{1, 2, 4, 1, 3, 5} {
		var rows []SKTx
		for range batch {
			n++
			rows = append(rows, SKTx{ID: fmt.Sprintf("sk_%d", n), Time: day, Alias: "a", Amount: n})
		}
		next, _, _, err := appendJournal(&j, day, 3, rows)
		if err != nil {
			t.Fatal(err)
		}
		j = next
		versions = append(versions, j)
	}
	for a := range versions {
		for b := a; b < len(versions); b++ {
			rows, ok := grown(versions[a], versions[b])
			if !ok {
				t.Fatalf("version %d to %d: not seen as grown", a, b)
			}
			all := slices.Collect(versions[b].all())
			if got, want := slices.Collect(rows), all[len(slices.Collect(versions[a].all())):]; !slices.Equal(got, want) {
				t.Fatalf("version %d to %d: %v, want %v", a, b, got, want)
			}
		}
	}
	// An older row edited: the shard's rows are no longer a prefix.
	last := versions[len(versions)-1]
	edited := journal[SKTx]{dir: SKDir, shards: slices.Clone(last.shards)}
	sh := *edited.shards[0]
	sh.rows = slices.Clone(sh.list())
	sh.rows[0].Amount = 99
	sh.sha = "edited"
	edited.shards[0] = &sh
	if _, ok := grown(versions[2], edited); ok {
		t.Fatal("a journal with an edited older row is seen as grown")
	}
	if _, ok := grown(last, versions[2]); ok {
		t.Fatal("a shorter journal is seen as grown")
	}
}
