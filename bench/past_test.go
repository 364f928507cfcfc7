package bench

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
)

// TestPastLoads checks that section 7's generated history is a ledger the
// ledger package loads whole: every row of every table and journal, the
// balances its running sums give, and journal shards of bounded size named
// by month.
func TestPastLoads(t *testing.T) {
	p := Past{Community: Community{Owners: 30, Tasks: 300, Mixed: true, Now: time.Now()}, Sessions: 600, SC: 2500, SK: 1300, Events: 1500}
	snap := openSeeded(t, p.Changes()).Current()
	if err := p.checkRows("the ledger loaded", countRows(snap)); err != nil {
		t.Error(err)
	}
	tx := snap.Read()
	sessionsOf := map[string]int{}
	for s := range tx.Sessions() {
		sessionsOf[s.Alias]++
	}
	// Every owner has SC both awarded and pending, and SK, as the running
	// sums and the slow recompute (verify, below) alike say.
	for i := range p.Owners {
		a := Alias(i)
		b := tx.Balance(a)
		// Each owner attacks and defends Tasks/Owners tasks (the refs index
		// finds them all), and worked a session on each.
		tasks, sessions := len(tx.TasksOf(a)), sessionsOf[a]
		if b.SCAwarded <= 0 || b.SCPending <= 0 || b.SK <= 0 || tasks != 2*p.Tasks/p.Owners || sessions != 2*p.Tasks/p.Owners {
			t.Errorf("%s: balance %+v, %d tasks, %d sessions; want %d of each", a, b, tasks, sessions, 2*p.Tasks/p.Owners)
		}
	}
	// The generated rows name audit events the generated trail does not
	// hold; anything else verify finds (the sums disagreeing with the
	// recompute, a broken chain) is a fault of the generator.
	for _, pr := range snap.Verify() {
		if !strings.Contains(pr.What, "has no audit row in master-events") {
			t.Errorf("verify: %s", pr)
		}
	}
}

// TestJournalShardsBounded checks the layout of a journal: no shard holds
// more than DefaultShardRows rows, shards are numbered within their month
// from 001, and the newest holds the rows asked for at any size.
func TestJournalShardsBounded(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	for _, n := range []int{150, 4000, 400000} {
		p := Past{Community: Community{Owners: 10, Tasks: 10, Now: now}, SC: n}
		shards := journalShards(ledger.SCDir, p.SCRows(), func(t ledger.SCTx) time.Time { return t.Time })
		months := map[string]int{}
		total := 0
		for _, s := range shards {
			rows, err := ledger.DecodeCSV[ledger.SCTx](s.Path, s.Content)
			if err != nil {
				t.Fatal(err)
			}
			total += len(rows)
			month := strings.TrimPrefix(s.Path, ledger.SCDir+"/")[:7]
			months[month]++
			if want := months[month]; !strings.HasSuffix(s.Path, fmt.Sprintf("-%03d.csv", want)) {
				t.Errorf("%d rows: %s is not shard %d of its month", n, s.Path, want)
			}
			if len(rows) > ledger.DefaultShardRows || len(rows) == 0 {
				t.Errorf("%d rows: %s holds %d rows", n, s.Path, len(rows))
			}
			for _, r := range rows {
				if r.Time.UTC().Format("2006-01") != month || r.Time.After(now) {
					t.Errorf("%d rows: %s holds a row of %s", n, s.Path, r.Time)
					break
				}
			}
		}
		wantMonths := pastMonths
		if n <= newestJournalRows {
			wantMonths = 1
		}
		if total != n || len(months) != wantMonths {
			t.Errorf("%d rows: %d laid out over %d months", n, total, len(months))
		}
		last, _ := ledger.DecodeCSV[ledger.SCTx]("", shards[len(shards)-1].Content)
		if !strings.HasPrefix(shards[len(shards)-1].Path, ledger.SCDir+"/2026-11-") || len(last) != min(n, newestJournalRows) {
			t.Errorf("%d rows: the newest shard %s holds %d rows, want %d", n, shards[len(shards)-1].Path, len(last), min(n, newestJournalRows))
		}
	}
}
