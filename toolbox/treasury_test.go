package toolbox_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// approveAndWait assesses and approves a task, and moves the clock to the
// moment its award is due.
func (f *captainFixture) approveAndWait(task, scores string) ledger.Assessment {
	f.t.Helper()
	f.ok("bob", opsRoom, "!assess "+task+" "+scores)
	f.ok("bob", opsRoom, "!approve "+task)
	a, ok := liveAssessmentOf(f.read(), task)
	if !ok {
		f.t.Fatalf("%s has no approved assessment", task)
	}
	f.clock = a.WindowEnds.Add(10 * time.Minute)
	return a
}

func liveAssessmentOf(tx *ledger.Tx, task string) (ledger.Assessment, bool) {
	for a := range tx.Assessments() {
		if a.Task == task && a.State == ledger.AssessmentApproved {
			return a, true
		}
	}
	return ledger.Assessment{}, false
}

// The 3x rule at the award: a ledger without euros holds the award back
// and says so once, in the team room and the workplace, across restarts;
// a treasury one SC short still holds it; the cent that makes it exactly
// 3× lets it through on the next run.
func TestAwardWaitsForTheTreasury(t *testing.T) {
	f := newCaptainFixture(t)
	// 8+7+9 → 45 SC: carol 41, dave 4. 45 SC need €15.00.
	r := f.ok("bob", opsRoom, "!assess 6_1_7_1 8 7 9 clear")
	if !strings.Contains(r.Text, "this award will be held back until a deposit of €15.00 makes room") {
		t.Fatalf("the assessment does not warn that the award will wait: %q", r.Text)
	}
	f.ok("bob", opsRoom, "!approve 6_1_7_1")
	a, _ := liveAssessmentOf(f.read(), "6_1_7_1")
	f.clock = a.WindowEnds.Add(10 * time.Minute)

	before := f.head()
	res := f.tb.RunJobs(t.Context())
	if len(res) != 1 || res[0].Job != "hold" || res[0].Key != a.ID || res[0].Err != nil || res[0].Duplicate {
		t.Fatalf("jobs with an empty treasury: %+v", res)
	}
	say := "SC for `6_1_7_1` (Task 6_1_7_1) is held back: the treasury holds €0.00, which covers 0 SC; 0 SC are awarded; " +
		"a deposit of €15.00 lets its 45 SC through. It is awarded by itself once the treasury allows."
	want := []toolbox.Announcement{{Team: opsTeam, Text: say}, {Team: opsTeam, Workplace: true, Text: "Operational team — " + say}}
	if !slices.Equal(res[0].Announce, want) {
		t.Fatalf("the hold's announcement:\n%+v\nwant\n%+v", res[0].Announce, want)
	}
	if e, ok := f.l.Current().Applied("job:hold:" + a.ID); !ok || e.Action != "sc.hold" || e.Files != "" {
		t.Fatalf("the hold's audit row: %+v (found %v)", e, ok)
	}
	if f.head() == before {
		t.Fatal("the hold left no trace in the ledger: a restart would announce it again")
	}
	if c := f.read().Balance("carol"); c.SCAwarded != 0 || c.SCPending != 41 {
		t.Fatalf("carol while held: %+v", c)
	}

	// Again, and after a restart: the rooms heard it already.
	held := f.head()
	if res := f.tb.RunJobs(t.Context()); len(res) != 0 {
		t.Fatalf("the second run: %+v", res)
	}
	l2, err := ledger.Open(t.Context(), f.store, ledger.Options{Clock: func() time.Time { return f.clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l2.Close)
	if res := toolbox.New(l2, toolbox.Config{Founder: "@alice:s.test"}).RunJobs(t.Context()); len(res) != 0 {
		t.Fatalf("the run after a restart: %+v", res)
	}
	if f.head() != held {
		t.Fatal("a repeated run wrote")
	}

	// €14.99 covers 44 SC: one short. The award still waits.
	r = f.ok("alice", adminDM, "!deposit 14.99 seed money")
	if !strings.Contains(r.Text, "covers 44 SC") || !strings.Contains(r.Text, "still need €0.01 more") {
		t.Fatalf("deposit one SC short: %q", r.Text)
	}
	if res := f.tb.RunJobs(t.Context()); len(res) != 0 {
		t.Fatalf("jobs one SC short: %+v", res)
	}
	if a, _ := f.read().Assessment(a.ID); a.State != ledger.AssessmentApproved {
		t.Fatalf("one SC short, the assessment is %s", a.State)
	}

	// One cent more: exactly 3 × €15.00 = 45 SC. It goes through.
	r = f.ok("alice", adminDM, "!deposit 0.01 the last cent")
	if !strings.Contains(r.Text, "go through on the next scheduled run") {
		t.Fatalf("deposit that makes room: %q", r.Text)
	}
	res = f.tb.RunJobs(t.Context())
	if len(res) != 1 || res[0].Job != "finalize" || res[0].Key != a.ID || res[0].Err != nil || res[0].Duplicate {
		t.Fatalf("jobs once the treasury allows: %+v", res)
	}
	if c, d := f.read().Balance("carol"), f.read().Balance("dave"); c.SCAwarded != 41 || d.SCAwarded != 4 {
		t.Fatalf("after the release: carol %+v dave %+v", c, d)
	}
	tr := toolbox.TreasuryOf(f.read())
	if tr.BalanceCents != 1500 || tr.SCOutstanding != 45 || !tr.Within || tr.HeadroomSC != 0 || tr.Ratio != "3.00" || tr.SCPending != 0 {
		t.Fatalf("the treasury at exactly 3x: %+v", tr)
	}
	r = f.ok("gina", forumRoom, "!treasury")
	for _, w := range []string{"Balance: €15.00", "SC outstanding (awarded, a claim of €1 each): 45", "SC pending (not awarded yet): 0",
		"Ratio: 3.00", "3x rule: holds", "Headroom: 0 more SC"} {
		if !strings.Contains(r.Text, w) {
			t.Errorf("!treasury lacks %q:\n%s", w, r.Text)
		}
	}
	if ps := f.l.Current().Verify(); len(ps) != 0 {
		t.Fatalf("verify: %v", ps)
	}
}

// A withdrawal may take the treasury exactly down to what the SC
// outstanding need; one cent more is refused, saying how much may go.
func TestWithdrawalKeepsTheRule(t *testing.T) {
	f := newCaptainFixture(t)
	f.ok("alice", adminDM, "!deposit 20 seed money")
	f.approveAndWait("6_1_7_1", "8 7 9") // 45 SC: they need €15.00
	if res := f.tb.RunJobs(t.Context()); len(res) != 1 || res[0].Job != "finalize" {
		t.Fatalf("the award: %+v", res)
	}
	f.refused("alice", adminDM, "!withdraw 5.01 hosting",
		"A withdrawal of €5.01 is refused: the treasury holds €20.00 and 45 SC are awarded, which the 3x rule says need at least €15.00. At most €5.00 may be withdrawn now.")
	r := f.ok("alice", adminDM, "!withdraw 5 hosting")
	if !strings.Contains(r.Text, "the treasury holds €15.00, which covers 45 SC") {
		t.Fatalf("the withdrawal to the limit: %q", r.Text)
	}
	f.refused("alice", adminDM, "!withdraw 0.01 more hosting", "At most €0.00 may be withdrawn now.")
	var rows []string
	for m := range f.read().TreasuryTxs() {
		rows = append(rows, m.Kind+" "+m.Delta.String()+" "+m.Balance.String()+" "+m.Ratio+" "+m.By+" "+m.Note)
	}
	if got := strings.Join(rows, " | "); got != "deposit 20.00 20.00 0.00 alice seed money | withdrawal -5.00 15.00 3.00 alice hosting" {
		t.Fatalf("the treasury's rows: %s", got)
	}
}

// Awards go oldest window first: while the oldest waits, a later one that
// would fit on its own waits too, and hears that it queues behind it.
func TestHeldAwardsGoOldestFirst(t *testing.T) {
	f := newCaptainFixture(t)
	f.ok("alice", adminDM, "!deposit 10 seed money") // covers 30 SC
	f.ok("bob", opsRoom, "!assess 6_1_7_1 8 7 9")    // 45 SC
	f.ok("bob", opsRoom, "!approve 6_1_7_1")
	f.clock = f.clock.Add(time.Hour)
	second := f.approveAndWait("6_1_7_2", "5 5 5") // 77 % of 25 = 19 SC, 18 for the attacker: alone within the 30
	res := f.tb.RunJobs(t.Context())
	if len(res) != 2 || res[0].Job != "hold" || res[1].Job != "hold" || res[1].Key != second.ID {
		t.Fatalf("jobs: %+v", res)
	}
	if txt := res[1].Announce[0].Text; !strings.Contains(txt, "45 SC of earlier tasks wait ahead of it; a deposit of €11.00 lets its 18 SC through") {
		t.Fatalf("the second hold: %q", txt)
	}
	if r := f.ok("gina", forumRoom, "!treasury"); !strings.Contains(r.Text, "Held back: 63 SC of 2 task(s) wait for the treasury; a deposit of €11.00 lets them all through") {
		t.Fatalf("!treasury with held awards: %q", r.Text)
	}
	f.ok("alice", adminDM, "!deposit 11 grant")
	res = f.tb.RunJobs(t.Context())
	if len(res) != 2 || res[0].Job != "finalize" || res[0].Key == second.ID || res[1].Key != second.ID {
		t.Fatalf("jobs after the deposit: %+v", res)
	}
	if tr := toolbox.TreasuryOf(f.read()); tr.SCOutstanding != 63 || !tr.Within {
		t.Fatalf("treasury: %+v", tr)
	}
}

// Amounts and notes are checked before anything is written; the refusal
// says what works.
func TestTreasuryCommandsRefuseBadInput(t *testing.T) {
	f := newCaptainFixture(t)
	for line, want := range map[string]string{
		"!deposit 1.500,00 gift":     "is not an amount I take. Amounts are euros with a point before the cents",
		"!deposit 1,500 gift":        "`1500`, `1500.5` or `1500.50`",
		"!deposit €15 gift":          "is not an amount I take",
		"!deposit -5 gift":           "is not an amount I take",
		"!deposit 0 gift":            "from €0.01 to €10000000",
		"!deposit 0.00 gift":         "is not an amount I take",
		"!deposit 10000000.01 gift":  "is not an amount I take",
		"!deposit 1.005 gift":        "is not an amount I take",
		"!deposit 15":                "Usage: `!deposit <amount_eur> <note>`",
		"!deposit 15 \x1b[2Jgift":    "U+001B",
		"!withdraw 1 hosting":        "At most €0.00 may be withdrawn now",
		"!withdraw 99999999 hosting": "is not an amount I take",
	} {
		f.refused("alice", adminDM, line, want)
	}
	f.refused("gina", adminDM, "!deposit 15 gift", "")
	if r := f.run("gina", adminDM, "!deposit 15 gift"); !r.Denied {
		t.Fatalf("a non-admin's deposit was not denied: %+v", r)
	}
	// A note that looks like a formula is kept as typed, and inert in the file.
	f.ok("alice", adminDM, "!deposit 10000000 =HYPERLINK(\"x\")")
	for m := range f.read().TreasuryTxs() {
		if m.Note != "=HYPERLINK(\"x\")" || m.Delta.Cents() != 10_000_000_00 {
			t.Fatalf("the row: %+v", m)
		}
	}
}
