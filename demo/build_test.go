package demo_test

import (
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/toolbox"

	"smartup0.org/engelbot/demo"
)

// The demo's community, made by command on a bootstrapped ledger, is the
// community the demo's texts and the end-to-end tests speak of.
func TestBuildMakesTheDemoCommunityByCommand(t *testing.T) {
	st, err := localgit.Open(t.TempDir()+"/l.git", "main")
	if err != nil {
		t.Fatal(err)
	}
	l, err := ledger.Open(t.Context(), st, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	w := demo.Offline(3)
	founder, _ := w.Person("alice")
	tb := toolbox.New(l, toolbox.Config{Founder: founder.UserID, ServerName: demo.ServerName})
	if _, err := tb.Bootstrap(t.Context(), "alice"); err != nil {
		t.Fatal(err)
	}
	tasks, err := demo.Build(t.Context(), tb, w)
	if err != nil {
		t.Fatal(err)
	}

	tx := l.Current().ReadAt(time.Now())
	for _, p := range w.People {
		o, ok := tx.OwnerByMatrixID(p.UserID)
		if ok != (p.License != "") || (ok && o.License != p.License) {
			t.Errorf("%s in the Book of Owners: %+v (found %v), want license %q", p.Name, o, ok, p.License)
		}
		held := map[string]bool{}
		for _, a := range tx.AssignmentsOf(p.Name) {
			held[a.Role] = a.Status == ledger.StatusActive
		}
		for _, r := range p.Roles {
			if !held[r] {
				t.Errorf("%s does not hold %s: %v", p.Name, r, held)
			}
		}
	}
	for id, want := range map[string]string{
		"6_1_7_1": "carol/dave/claimed", "6_1_7_2": "dave/carol/claimed", "6_1_7_3": "//open",
		tasks["w01"]: "w01//claimed", tasks["w03"]: "w03//claimed",
	} {
		task, ok := tx.Task(id)
		if got := task.Attacker + "/" + task.Defender + "/" + task.State; !ok || got != want {
			t.Errorf("task %q: %s (found %v), want %s", id, got, ok, want)
		}
	}
	if len(tasks) != 3 || tasks["w01"] == tasks["w02"] {
		t.Errorf("the extra workers' tasks: %v", tasks)
	}
	if r, _ := tx.Role("4_2_7_operations_lead"); r.Hours != 8 || r.SCPotential != 200 || r.Recruitment != "open" {
		t.Errorf("the senior role: %+v", r)
	}
	if r, _ := tx.Role("4_1_3_tc_developer_team"); r.Recruitment != "future" {
		t.Errorf("the developers' captain role: %+v", r)
	}
	for _, id := range []string{"5_1", "5_1_7", "5_1_3", "5_2", "5_2_7"} {
		if o, ok := tx.Objective(id); !ok || o.Status != ledger.ObjectiveOpen {
			t.Errorf("objective %s: %+v (found %v)", id, o, ok)
		}
	}
	if tr := toolbox.TreasuryOf(tx); tr.BalanceCents != 1500_00 || tr.CoverSC != 4500 || tr.Movements != 1 {
		t.Errorf("the demo's treasury: %+v", tr)
	}
	v, err := l.VerifyAll(t.Context())
	if err != nil || len(v.Problems) > 0 {
		t.Errorf("verify: %v %v", v.Problems, err)
	}

	// Building again, as a demo restarted on its ledger would, writes nothing.
	head, err := st.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Build(t.Context(), tb, w); err != nil {
		t.Fatalf("building again: %v", err)
	}
	if again, _ := st.Head(t.Context()); again != head {
		t.Error("building the demo again wrote to the ledger")
	}
}
