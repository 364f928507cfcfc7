package toolbox_test

import (
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// argFor is an argument of the right shape for a kind, so that a command
// gets past its shape checks to the one under test.
func argFor(p toolbox.Param, task string) string {
	switch p.Kind {
	case toolbox.KindTask:
		return task
	case toolbox.KindOwner:
		return "carol"
	case toolbox.KindScore:
		return "5"
	case toolbox.KindSlot:
		return "attacker"
	case toolbox.KindSize:
		return "M"
	case toolbox.KindSKCategory:
		return "documentation"
	case toolbox.KindLicense:
		return "work"
	case toolbox.KindRole:
		return "4_2_7_lead"
	case toolbox.KindApplication:
		return "app_1"
	case toolbox.KindMatrixID:
		return "@carol:s.test"
	case toolbox.KindRoleType:
		return "senior"
	}
	return "words"
}

// A team whose objective already has task …_9999 gets …_10000 from
// !create_task, and every command that takes a task ID takes that one.
func TestCreatedTaskIDIsAcceptedEverywhere(t *testing.T) {
	f := newCaptainFixture(t)
	f.mutate("a full objective", func(tx *ledger.Tx) {
		tx.PutTask(ledger.Task{ID: "6_2_7_9999", Team: opsTeam, Objective: "5_2_7", Title: "The last with four digits", Size: "S", BudgetSC: 25, State: ledger.TaskOpen})
	})
	f.ok("bob", opsRoom, "!create_task S One more")
	var id string
	for task := range f.read().Tasks() {
		if task.Title == "One more" {
			id = task.ID
		}
	}
	if id == "" || id == "6_2_7_9999" {
		t.Fatalf("create_task made %q", id)
	}

	// It works as a task: claimed, shown.
	if r := f.run("carol", opsRoom, "!claim "+id); r.Refused {
		t.Errorf("!claim %s → %q", id, r.Text)
	}
	if r := f.run("carol", opsRoom, "!task "+id); r.Refused || !strings.Contains(r.Text, "One more") {
		t.Errorf("!task %s → %q", id, r.Text)
	}
	// And no command that takes a task ID refuses its shape.
	for _, cmd := range toolbox.Commands() {
		var args []string
		takesTask := false
		for _, p := range cmd.Params {
			takesTask = takesTask || p.Kind == toolbox.KindTask
			if !p.Optional || p.Kind == toolbox.KindTask {
				args = append(args, argFor(p, id))
			}
		}
		if !takesTask {
			continue
		}
		r := f.request(f.tb, toolbox.Request{Sender: "@alice:s.test", Room: opsRoom, Command: cmd.Name, Args: args})
		if strings.Contains(r.Text, "not a task ID") {
			t.Errorf("!%s %s → %q: the ID create_task made is refused", cmd.Name, strings.Join(args, " "), r.Text)
		}
	}
}
