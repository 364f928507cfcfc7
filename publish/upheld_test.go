package publish_test

import (
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
)

// A task whose SC the forum's vote upheld after an objection, while the
// treasury holds the award back, shows as upheld and waiting for the
// award: not as a window running with an end in the past.
func TestUpheldTaskShowsItWaitsForTheAward(t *testing.T) {
	c := newCommunity(t)
	c.mutate("an upheld assessment", func(tx *ledger.Tx) {
		now := tx.Now()
		tx.PutObjective(ledger.Objective{ID: "5_1", Title: "Grow", Status: ledger.ObjectiveOpen})
		tx.PutObjective(ledger.Objective{ID: "5_1_7", Parent: "5_1", Team: ops, Title: "Run", Status: ledger.ObjectiveOpen})
		tx.PutTask(ledger.Task{ID: "6_1_7_1", Team: ops, Objective: "5_1_7", Title: "Write the guide", Size: "M", BudgetSC: 50,
			State: ledger.TaskApproved, Attacker: "fay", Created: now, Updated: now})
		tx.PutAssessment(ledger.Assessment{ID: "as_1", Task: "6_1_7_1", Effort: 8, Learning: 7, Collaboration: 9, PayoutPct: 90, PayoutSC: 45,
			AttackerSC: 45, State: ledger.AssessmentApproved, AssessedBy: "fay", Assessed: now.Add(-200 * time.Hour), ApprovedBy: "fay",
			Approved: now.Add(-199 * time.Hour), WindowEnds: now.Add(-151 * time.Hour), ObjectedBy: "fay", Objected: now.Add(-152 * time.Hour), Objection: "a chapter is missing"})
		tx.PutProposal(ledger.Proposal{ID: "prop_1", Kind: ledger.ProposalContestedSC, Scope: ledger.ScopeBinding, Room: ledger.ProposalRoomForum,
			Team: ops, Subject: "as_1", Title: "Award 45 SC for 6_1_7_1", Author: "fay", State: ledger.ProposalPassed, Created: now.Add(-152 * time.Hour),
			VoteEnds: now.Add(-time.Hour), Closed: now})
	})
	site := c.render(sampleTreasury())
	var row string
	for name, data := range site.Files {
		if !strings.HasPrefix(name, "tasks/") {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, "Write the guide") {
				row = line
			}
		}
	}
	if row == "" {
		t.Fatal("no task page lists the task")
	}
	if !strings.Contains(row, "approved (upheld by vote)") || !strings.Contains(row, "upheld by the forum's vote (prop&#95;1); waiting for the award (the treasury)") {
		t.Errorf("the task's row does not say the vote upheld it and the award waits:\n%s", row)
	}
	if strings.Contains(row, "window running") || strings.Contains(row, "objections possible") {
		t.Errorf("the task's row still speaks of a window:\n%s", row)
	}
}
