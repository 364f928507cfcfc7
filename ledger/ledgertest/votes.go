package ledgertest

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
)

// votesLedger holds a proposal decided by two votes: ann 120 SK, voting
// no then yes (weight 1.120), and bob with no SK voting no (1.000); bob's
// 300 SK come after the opening and do not count.
func (s suite) votesLedger(t *testing.T) (ledger.Store, *ledger.Ledger) {
	t.Helper()
	st := s.newStore(t)
	// A clock a minute on at each look, so that the SK row after the
	// opening is later than it, not in the same second.
	var ticks atomic.Int64
	base := time.Now().UTC().Truncate(time.Second)
	l, err := ledger.Open(t.Context(), st, ledger.Options{Clock: func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * time.Minute) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	applyFunc(t, l, "$sk", func(tx *ledger.Tx) {
		for _, alias := range []string{"ann", "bob"} {
			tx.PutOwner(ledger.Owner{Alias: alias, MatrixID: "@" + alias + ":s.test", License: ledger.LicenseWatch, Status: ledger.StatusActive, Joined: tx.Now()})
		}
		tx.AppendSK(ledger.SKTx{Alias: "ann", Category: "documentation", Amount: 120, By: "fay"})
	})
	var opened time.Time
	applyFunc(t, l, "$open", func(tx *ledger.Tx) {
		opened = tx.Now()
		tx.PutProposal(ledger.Proposal{ID: "prop_1", Kind: ledger.ProposalDecision, Scope: ledger.ScopeBinding, Room: ledger.ProposalRoomForum,
			Title: "=Fridays", Author: "ann", State: ledger.ProposalVoting, Created: opened, VoteOpened: opened, VoteEnds: opened.Add(24 * time.Hour), Eligible: 2, SKRows: 1})
	})
	applyFunc(t, l, "$late-sk", func(tx *ledger.Tx) {
		tx.AppendSK(ledger.SKTx{Alias: "bob", Category: "documentation", Amount: 300, By: "fay"})
	})
	for i, v := range []ledger.Vote{
		{Alias: "ann", Choice: ledger.VoteNo, SK: 120, Weight: 1120},
		{Alias: "bob", Choice: ledger.VoteNo, SK: 0, Weight: 1000},
		{Alias: "ann", Choice: ledger.VoteYes, SK: 120, Weight: 1120},
	} {
		v.Proposal = "prop_1"
		applyFunc(t, l, "$vote"+string(rune('a'+i)), func(tx *ledger.Tx) { tx.AppendVote(v) })
	}
	applyFunc(t, l, "$close", func(tx *ledger.Tx) {
		p, _ := tx.Proposal("prop_1")
		p.State, p.Yes, p.No, p.YesWeight, p.NoWeight, p.Closed = ledger.ProposalPassed, 1, 1, 1120, 1000, tx.Now()
		tx.PutProposal(p)
	})
	return st, l
}

// Votes are a journal of their own, read back after a restart, with the
// weight in exact thousandths; a sound ledger verifies clean.
func (s suite) testVotesJournal(t *testing.T) {
	st, l := s.votesLedger(t)
	if ps := l.Current().Verify(); len(ps) != 0 {
		t.Fatalf("problems in sound votes: %v", ps)
	}
	shard := journalShard(t, st, ledger.VotesDir)
	f, err := st.ReadFile(t.Context(), shard)
	if err != nil {
		t.Fatal(err)
	}
	want := "vote_id,timestamp,sent_at,proposal_id,alias,choice,sk_at_opening,weight,event_id\n"
	if !strings.HasPrefix(string(f.Content), want) || !strings.Contains(string(f.Content), ",prop_1,ann,yes,120,1.120,$votec\n") {
		t.Fatalf("the votes shard reads:\n%s", f.Content)
	}
	again := openOn(t, st)
	var got []string
	for v := range again.Current().Read().Votes() {
		got = append(got, v.ID+" "+v.Alias+" "+v.Choice+" "+v.Weight.String())
	}
	if strings.Join(got, "|") != "v_1 ann no 1.120|v_2 bob no 1.000|v_3 ann yes 1.120" {
		t.Fatalf("votes read back as %q", got)
	}
	if p, _ := again.Current().Read().Proposal("prop_1"); p.Title != "=Fridays" || p.YesWeight != 1120 {
		t.Fatalf("the proposal reads back as %+v", p)
	}
}

// A vote edited by hand — a weight raised, the SK at the opening made up,
// a choice changed so the tally no longer adds up — is reported.
func (s suite) testVerifyCatchesAForgedVote(t *testing.T) {
	st, _ := s.votesLedger(t)
	shard := journalShard(t, st, ledger.VotesDir)
	handEdit(t, st, shard, func(s string) string {
		s = strings.Replace(s, ",bob,no,0,1.000,", ",bob,no,300,1.300,", 1)
		return strings.Replace(s, ",ann,yes,120,1.120,", ",ann,no,120,1.120,", 1)
	})
	got := problems(t, st)
	for _, want := range []string{
		"(v_2): sk_at_opening 300, but bob had 0 SK when the vote opened",
		"prop_1: the tally yes 1 (1.120), no 1 (1.000), abstain 0 (0.000) does not match the votes: yes 0 (0.000), no 2 (2.420)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("verify does not report %q:\n%s", want, got)
		}
	}
}

// Verify redoes a vote's weight from its SK, and asks that the voter was
// an owner when the vote opened: a raised weight alone, or a vote by an
// alias the Book of Owners does not hold, is reported.
func (s suite) testVerifyCatchesAForgedWeightAndAStranger(t *testing.T) {
	for _, c := range []struct{ name, from, to, want string }{
		{"weight", ",bob,no,0,1.000,", ",bob,no,0,1.300,", "(v_2): weight 1.300, but sk_at_opening 0 gives 1.000"},
		{"stranger", ",bob,no,0,1.000,", ",eve,no,0,1.000,", "(v_2): eve voted on prop_1, but they are not in " + ledger.OwnersIndex},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, _ := s.votesLedger(t)
			shard := journalShard(t, st, ledger.VotesDir)
			handEdit(t, st, shard, func(s string) string { return strings.Replace(s, c.from, c.to, 1) })
			if got := problems(t, st); !strings.Contains(got, c.want) {
				t.Errorf("verify does not report %q:\n%s", c.want, got)
			}
		})
	}
}

// A decided proposal's state follows from its stored tally: a vote the
// tally passes, written as failed, is reported.
func (s suite) testVerifyCatchesAResultTheTallyDoesNotGive(t *testing.T) {
	st, _ := s.votesLedger(t)
	handEdit(t, st, ledger.ShardPath(ledger.ProposalsIndex, 1), func(s string) string { return strings.Replace(s, ",passed,", ",failed,", 1) })
	want := "prop_1: failed, but its tally (yes 1.120, no 1.000, 2 of 2 voting) says it passed"
	if got := problems(t, st); !strings.Contains(got, want) {
		t.Errorf("verify does not report %q:\n%s", want, got)
	}
}

// journalShard is the one shard of an append-only folder.
func journalShard(t *testing.T, st ledger.Store, dir string) string {
	t.Helper()
	tree, err := st.Tree(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	for p := range tree.Files {
		if strings.HasPrefix(p, dir+"/") {
			return p
		}
	}
	t.Fatalf("no shard under %s", dir)
	return ""
}
