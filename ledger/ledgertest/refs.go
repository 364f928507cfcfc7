package ledgertest

import (
	"testing"

	"smartup0.org/engelbot/ledger"
)

func ids(tasks []ledger.Task) []string {
	var out []string
	for _, t := range tasks {
		out = append(out, t.ID)
	}
	return out
}

// The per-owner index follows every change: inside a transaction, after
// its commit, and after a restart.
func (s suite) testTasksOfFollowsChanges(t *testing.T) {
	l, st := s.openLedger(t)
	apply := func(eventID string, run func(tx *ledger.Tx)) { t.Helper(); applyFunc(t, l, eventID, run) }
	apply("$1", func(tx *ledger.Tx) {
		tx.PutTask(ledger.Task{ID: "6_1_1_1", Attacker: "carol", Defender: "dave"})
		tx.PutTask(ledger.Task{ID: "6_1_1_2", Attacker: "carol"})
		if got := ids(tx.TasksOf("carol")); len(got) != 2 {
			t.Errorf("inside the transaction carol has %v", got)
		}
	})
	apply("$2", func(tx *ledger.Tx) {
		task, _ := tx.Task("6_1_1_1")
		task.Attacker = "erin"
		tx.PutTask(task)
		if got := ids(tx.TasksOf("carol")); len(got) != 1 || got[0] != "6_1_1_2" {
			t.Errorf("after reassigning inside the transaction carol has %v", got)
		}
	})
	for _, snap := range []*ledger.Snapshot{l.Current(), openOn(t, st).Current()} {
		tx := snap.Read()
		if got := ids(tx.TasksOf("carol")); len(got) != 1 || got[0] != "6_1_1_2" {
			t.Errorf("carol has %v, want [6_1_1_2]", got)
		}
		if got := ids(tx.TasksOf("erin")); len(got) != 1 || got[0] != "6_1_1_1" {
			t.Errorf("erin has %v, want [6_1_1_1]", got)
		}
		if got := ids(tx.TasksOf("dave")); len(got) != 1 {
			t.Errorf("dave has %v, want [6_1_1_1]", got)
		}
	}
}
