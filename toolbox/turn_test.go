package toolbox_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// turnGuard bounds a wait that a correct toolbox ends at once.
const turnGuard = 15 * time.Second

// waitingCtx tells when the command first waits on it: with nothing but
// the turn to wait for, that is the wait for the earlier commands.
type waitingCtx struct {
	context.Context
	once    sync.Once
	waiting chan struct{}
}

func (c *waitingCtx) Done() <-chan struct{} {
	c.once.Do(func() { close(c.waiting) })
	return c.Context.Done()
}

// inTurn runs req in a goroutine, in a turn whose earlier commands settle
// when the test closes settled, and have queued their writes once ahead is
// closed (nil: they have); it returns once the command waits.
func inTurn(t *testing.T, f *adminFixture, req toolbox.Request, settled, ahead chan struct{}) <-chan toolbox.Reply {
	t.Helper()
	ctx := &waitingCtx{Context: toolbox.WithTurn(t.Context(), toolbox.Turn{Settled: settled, Ahead: ahead, Queued: func() {}}), waiting: make(chan struct{})}
	out := make(chan toolbox.Reply, 1)
	go func() { out <- f.tb.Run(ctx, req) }()
	select {
	case <-ctx.waiting:
	case r := <-out:
		t.Fatalf("%s answered without waiting for the earlier commands: %q", req.Command, r.Text)
	case <-time.After(turnGuard):
		t.Fatalf("%s neither waited nor answered", req.Command)
	}
	return out
}

func reply(t *testing.T, out <-chan toolbox.Reply) toolbox.Reply {
	t.Helper()
	select {
	case r := <-out:
		return r
	case <-time.After(turnGuard):
		t.Fatal("no answer once the earlier commands settled")
	}
	return toolbox.Reply{}
}

// A write whose sender the committed ledger refuses asks again once the
// sender's earlier commands, queued but not committed, have settled: one
// of them may be what allows it.
func TestAWriteRefusedBeforeTheEarlierCommandsSettleAsksAgain(t *testing.T) {
	f := newAdminFixture(t)
	settled := make(chan struct{})
	out := inTurn(t, f, toolbox.Request{Sender: "@erin:s.test", EventID: "$kudos", Room: adminTeamRoom, Command: "kudos", Args: []string{"dave", "thanks"}}, settled, nil)
	// The earlier command: erin gets a Work license and a role.
	f.mutate("erin works", func(tx *ledger.Tx) {
		o, _ := tx.Owner("erin")
		o.License = ledger.LicenseWork
		tx.PutOwner(o)
		tx.PutAssignment(ledger.Assignment{ID: "ra_erin", Role: "4_2_7_lead", Alias: "erin", Status: ledger.StatusActive, Since: tx.Now()})
	})
	close(settled)
	if r := reply(t, out); r.Refused || r.Err != nil {
		t.Fatalf("kudos refused on data an earlier command changed: %+v", r)
	}
	if _, ok := f.l.Current().Applied("$kudos"); !ok {
		t.Error("the kudos is not in the ledger")
	}
}

// A query waits for the sender's earlier commands to settle: it answers
// from the data they left, as if run after them.
func TestAQueryWaitsForTheEarlierCommands(t *testing.T) {
	f := newAdminFixture(t)
	settled := make(chan struct{})
	out := inTurn(t, f, toolbox.Request{Sender: "@ada:s.test", EventID: "$whois", Room: adminDM, Command: "whois", Args: []string{"hana"}}, settled, nil)
	f.mutate("hana joins", func(tx *ledger.Tx) {
		tx.PutOwner(ledger.Owner{Alias: "hana", MatrixID: "@hana:s.test", License: ledger.LicenseWork, Status: ledger.StatusActive, Joined: tx.Now()})
	})
	close(settled)
	if r := reply(t, out); r.Refused || !strings.Contains(r.Text, "hana") {
		t.Fatalf("whois answered before the owner an earlier command added: %+v", r)
	}
}

// countingIdentity records in the real identity mapping, counts the
// entries it was given per Matrix ID, and tells of each once recorded.
type countingIdentity struct {
	recorder
	mu       sync.Mutex
	calls    map[string]int
	recorded chan string
}

func (c *countingIdentity) Record(ctx context.Context, e toolbox.IdentityEntry, queued func()) error {
	c.mu.Lock()
	c.calls[e.MatrixID]++
	c.mu.Unlock()
	err := c.recorder.Record(ctx, e, queued)
	c.recorded <- e.MatrixID
	return err
}

// An onboarding that names someone an earlier onboarding still in flight
// adds waits for it, and is refused before it writes the private identity
// mapping: run one after the other, it would have been.
func TestAnOnboardingWaitsForTheSamePersonInFlight(t *testing.T) {
	f := newAdminFixture(t)
	ids := &countingIdentity{recorder: recorder{f.ids}, calls: map[string]int{}, recorded: make(chan string, 4)}
	f.tb = f.toolbox(ids)
	// The first onboarding is in flight: its write waits for its turn.
	ahead := make(chan struct{})
	first := make(chan toolbox.Reply, 1)
	go func() {
		ctx := toolbox.WithTurn(t.Context(), toolbox.Turn{Ahead: ahead, Queued: func() {}})
		first <- f.tb.Run(ctx, toolbox.Request{Sender: "@ada:s.test", EventID: "$first", Room: adminDM, Command: "add_owner",
			Args: []string{"@hana:s.test", "hana", "work", "Hana", "First"}})
	}()
	select {
	case <-ids.recorded:
	case r := <-first:
		t.Fatalf("the first onboarding ended before it kept the identity: %+v", r)
	case <-time.After(turnGuard):
		t.Fatal("the first onboarding never kept the identity")
	}
	settled := make(chan struct{})
	second := inTurn(t, f, toolbox.Request{Sender: "@ada:s.test", EventID: "$second", Room: adminDM, Command: "add_owner",
		Args: []string{"@hana:s.test", "hanna", "work", "Hanna", "Second"}}, settled, ahead)
	close(ahead)
	if r := reply(t, first); r.Refused || r.Err != nil {
		t.Fatalf("the first onboarding: %+v", r)
	}
	close(settled)
	r := reply(t, second)
	if !r.Refused || !strings.Contains(r.Text, "already in the Book of Owners") {
		t.Errorf("the second onboarding of the same person: %+v, want refused", r)
	}
	if n := ids.calls["@hana:s.test"]; n != 1 {
		t.Errorf("the identity mapping was written %d times for hana, want once: the second onboarding must not replace the first's", n)
	}
	e, _, err := f.ids.Lookup(t.Context(), "@hana:s.test")
	if err != nil || e.RealName != "Hana First" {
		t.Errorf("identity row %+v (%v), want the first onboarding's", e, err)
	}
}

// heldIdentity puts each entry in line at once, then writes it only once
// released: a slow identity repository.
type heldIdentity struct {
	recorder
	release chan struct{}
}

func (h heldIdentity) Record(ctx context.Context, e toolbox.IdentityEntry, queued func()) error {
	queued()
	<-h.release
	return h.recorder.Record(ctx, e, func() {})
}

// An onboarding lets the admin's next command start as soon as its private
// row is in line to be written, before that write and its own ledger write:
// the next onboarding's row is written after it, in the same commit or a
// later one.
func TestAnOnboardingLetsTheNextStartOnceItsRowIsInLine(t *testing.T) {
	f := newAdminFixture(t)
	ids := heldIdentity{recorder: recorder{f.ids}, release: make(chan struct{})}
	f.tb = f.toolbox(ids)
	next := make(chan struct{})
	var once sync.Once
	ctx := toolbox.WithTurn(t.Context(), toolbox.Turn{Queued: func() {}, Next: func() { once.Do(func() { close(next) }) }})
	out := make(chan toolbox.Reply, 1)
	go func() {
		out <- f.tb.Run(ctx, toolbox.Request{Sender: "@ada:s.test", EventID: "$hana", Room: adminDM, Command: "add_owner",
			Args: []string{"@hana:s.test", "hana", "work", "Hana", "First"}})
	}()
	select {
	case <-next:
	case r := <-out:
		t.Fatalf("answered before letting the next command start: %+v", r)
	case <-time.After(turnGuard):
		t.Fatal("the next command was never let start")
	}
	close(ids.release)
	if r := reply(t, out); r.Refused || r.Err != nil {
		t.Fatalf("the onboarding: %+v", r)
	}
}
