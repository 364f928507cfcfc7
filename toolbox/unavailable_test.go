package toolbox_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// refusingStore is a ledger store whose forge refuses every commit for
// good, as one does with a revoked token.
type refusingStore struct{ ledger.Store }

func (refusingStore) Commit(context.Context, ledger.Commit) (ledger.CommitResult, error) {
	return ledger.CommitResult{}, fmt.Errorf("%w: the forge answered 401", ledger.ErrPermanent)
}

// An owner whose write the forge refuses for good is told that waiting will
// not help and an admin must act — not to try again in a few minutes; a
// write cut off by a restart is told to send it again.
func TestWriteFailuresSayWhatWouldHelp(t *testing.T) {
	f := newFixture(t) // carol may start work on 6_1_7_1
	refusing, err := ledger.Open(t.Context(), refusingStore{f.store}, ledger.Options{Clock: func() time.Time { return f.clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(refusing.Close)
	f.tb = toolbox.New(refusing, toolbox.Config{Founder: "@bob:s.test"})
	before := f.head()
	r := f.run("carol", "!start_work 6_1_7_1")
	if !r.Refused || r.Err == nil || !strings.Contains(r.Text, "an admin has to fix") || strings.Contains(r.Text, "few minutes") {
		t.Errorf("a write the forge refuses for good was answered %+v", r)
	}

	refusing.Close()
	r = f.run("carol", "!start_work 6_1_7_1")
	if !r.Refused || !strings.Contains(r.Text, "restarting") {
		t.Errorf("a write after the ledger closed was answered %+v", r)
	}
	if f.head() != before {
		t.Error("a failed write changed the ledger")
	}
}
