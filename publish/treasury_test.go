package publish_test

import (
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/publish"
)

// The coverage chart ends where the overview's table stands: SC awarded
// after the last deposit are on it, dated by the ledger, not the clock.
func TestTreasuryChartEndsWhereTheTableStands(t *testing.T) {
	c := newCommunity(t)
	c.populate() // deposits, then the job awards SC
	snap, err := c.l.Snapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	tr := publish.TreasuryOf(snap.ReadAt(c.clock))
	if tr.SCOutstanding == 0 || len(tr.History) == 0 {
		t.Fatalf("the community should have SC awarded after a deposit: %+v", tr)
	}
	last := tr.History[len(tr.History)-1]
	if last.SCOutstanding != tr.SCOutstanding || last.BalanceCents != tr.BalanceCents {
		t.Errorf("the chart ends at %d SC and %d cents, the table says %d SC and %d cents", last.SCOutstanding, last.BalanceCents, tr.SCOutstanding, tr.BalanceCents)
	}
	head, _ := snap.ReadAt(c.clock).LastEvent()
	if !last.Time.Equal(head.Time) {
		t.Errorf("the last point is dated %s, want the ledger's last audit row's time %s", last.Time, head.Time)
	}
	// Read again later, nothing changed: the same history.
	again := publish.TreasuryOf(snap.ReadAt(c.clock.Add(24 * time.Hour)))
	if len(again.History) != len(tr.History) || again.History[len(again.History)-1] != last {
		t.Errorf("the history depends on when it is read: %+v, then %+v", tr.History, again.History)
	}
}

// The overview says what the rule allows now: room for more SC, none left
// (an empty treasury included), or broken.
func TestOverviewSaysWhatTheRuleAllows(t *testing.T) {
	c := newCommunity(t)
	for _, tc := range []struct {
		tr   publish.Treasury
		want string
	}{
		{publish.Treasury{Multiple: 3, Within: true}, "with no room left"},
		{publish.Treasury{BalanceCents: 1000, SCOutstanding: 30, Multiple: 3, Within: true}, "with no room left"},
		{publish.Treasury{BalanceCents: 1000, SCOutstanding: 10, Multiple: 3, Within: true}, "**holds**: 20 more SC can be awarded"},
		{publish.Treasury{BalanceCents: 1000, SCOutstanding: 31, Multiple: 3, Within: false}, "**is exceeded**"},
	} {
		if index := string(c.render(tc.tr).Files["index.md"]); !strings.Contains(index, tc.want) {
			t.Errorf("treasury %+v: the overview does not say %q", tc.tr, tc.want)
		}
	}
}
