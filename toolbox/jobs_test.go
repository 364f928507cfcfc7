package toolbox_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/toolbox"
)

// downForge is a store whose commits for one event fail with a forge error
// (not a conflict) while it is down.
type downForge struct {
	ledger.Store
	event string
	down  atomic.Bool
}

func (s *downForge) Commit(ctx context.Context, c ledger.Commit) (ledger.CommitResult, error) {
	if s.down.Load() && strings.Contains(c.Message, s.event) {
		return ledger.CommitResult{}, errors.New("502 bad gateway")
	}
	return s.Store.Commit(ctx, c)
}

// decayNotes lists the months the decay rows are for, in order.
func decayNotes(tx *ledger.Tx) string {
	var months []string
	for t := range tx.SKTxs() {
		if t.Category == "decay" {
			months = append(months, strings.TrimPrefix(strings.SplitN(t.Note, ":", 2)[0], "decay "))
		}
	}
	return strings.Join(months, " ")
}

// A month whose decay cannot be written holds back the months after it, and
// is written when the forge is back, before them.
func TestDecayFailedMonthHoldsBackTheNext(t *testing.T) {
	st, err := localgit.Open(t.TempDir()+"/l.git", "main")
	if err != nil {
		t.Fatal(err)
	}
	forge := &downForge{Store: st, event: "job:decay:2026-12"}
	clock := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	l, err := ledger.Open(t.Context(), forge, ledger.Options{Clock: func() time.Time { return clock }, RetryFor: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	if _, err := l.Apply(t.Context(), ledger.Mutation{EventID: "$seed", Actor: "engelbot", Command: "seed",
		Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
			tx.PutOwner(ledger.Owner{Alias: "carol", MatrixID: "@carol:s.test", License: "work", Status: ledger.StatusActive})
			tx.AppendSK(ledger.SKTx{Alias: "carol", Category: "documentation", Amount: 100, By: "bob"})
			return ledger.Outcome{Action: "test.seed", Target: "test", Reply: "ok"}, nil
		}}); err != nil {
		t.Fatal(err)
	}
	tb := toolbox.New(l, toolbox.Config{Founder: "@alice:s.test"})
	clock = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	tb.RunJobs(t.Context()) // November: 100 → 90

	clock = time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC)
	forge.down.Store(true)
	res := tb.RunJobs(t.Context())
	if len(res) != 1 || res[0].Key != "2026-12" || res[0].Err == nil {
		t.Fatalf("with December's write failing: %+v", res)
	}
	if got := decayNotes(l.Current().Read()); got != "2026-11" {
		t.Fatalf("January was decayed without December: %s", got)
	}
	forge.down.Store(false)
	tb.RunJobs(t.Context())
	// On time: 100 → 90 (November) → 81 (December) → 72 (January).
	if got, sk := decayNotes(l.Current().Read()), l.Current().Read().Balance("carol").SK; got != "2026-11 2026-12 2027-01" || sk != 72 {
		t.Fatalf("once the forge is back: decay rows for %s, carol has %d SK; want November to January and 72", got, sk)
	}
}

// A ledger whose first months had nothing to decay still catches up the
// months the bot was not running.
func TestDecayCatchesUpWithoutAnEarlierDecay(t *testing.T) {
	f := newCaptainFixture(t)
	f.clock = time.Date(2026, 12, 15, 12, 0, 0, 0, time.UTC)
	f.ok("bob", opsRoom, "!award_sk carol conflict_resolution") // 25 SK
	f.clock = time.Date(2027, 1, 1, 0, 0, 5, 0, time.UTC)
	if res := f.tb.RunJobs(t.Context()); len(res) != 0 {
		t.Fatalf("January, SK still in its grace period: %+v", res)
	}
	// Not running in February; back on 1 March.
	f.clock = time.Date(2027, 3, 1, 0, 0, 5, 0, time.UTC)
	f.tb.RunJobs(t.Context())
	// February: 25 → 22 (the SK is 48 days old); March: 22 → 19.
	if got, sk := decayNotes(f.read()), f.read().Balance("carol").SK; got != "2027-02 2027-03" || sk != 19 {
		t.Fatalf("decay rows for %s, carol has %d SK; want February and March, 19", got, sk)
	}
}
