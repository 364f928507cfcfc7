package demo

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"smartup0.org/engelbot/toolbox"
)

// Build makes the demo community in a ledger the bootstrap has set up
// (alice, the founder, is its first owner) with the commands an operator's
// founder and captains would type: alice onboards the people, creates the
// roles and appoints to them in her direct chat, opens the organisation's
// objective and deposits the treasury's first euros; bob, captain of the operational team, opens the team's
// objective and creates and assigns its tasks in the team's room. Nothing
// is written behind the commands' backs, so the demo runs the production
// path.
//
// Commands that do not depend on each other are sent at once, as owners
// would send them, and the ledger commits them together; a step waits for
// the one before. Each command has a fixed event ID, so building again on
// the same ledger writes nothing twice. It returns the task each extra
// worker (w01, w02, …) attacks.
func Build(ctx context.Context, tb *toolbox.Toolbox, w *World) (map[string]string, error) {
	b := &builder{ctx: ctx, tb: tb, w: w}
	dm := toolbox.Room{Kind: toolbox.RoomDirect}
	ops := toolbox.Room{Kind: toolbox.RoomTeam, Team: Team}
	devs := toolbox.Room{Kind: toolbox.RoomTeam, Team: OtherTeam}
	var workers []Person
	for _, p := range w.People {
		if isExtraWorker(p.Name) {
			workers = append(workers, p)
		}
	}

	// The people, the roles and the organisation's first objective.
	var step []line
	for _, p := range w.People {
		if p.License != "" && p.Name != "alice" {
			step = append(step, line{"alice", dm, fmt.Sprintf("!add_owner %s %s %s", p.UserID, p.Name, p.License)})
		}
	}
	step = append(step,
		line{"alice", dm, "!create_role operational captain Team captain, operations"},
		line{"alice", dm, "!create_role operational senior Operations lead"},
		line{"alice", dm, "!create_role operational junior Operations junior"},
		line{"alice", dm, "!create_role developer captain Team captain, developers"},
		line{"alice", dm, "!create_objective Open the SmartupOS workplace"},
		// The euros behind the SC the story awards: the 3x rule holds back
		// any award the treasury does not cover.
		line{"alice", dm, "!deposit " + SeedTreasury + " seed money from the founders"},
	)
	if _, err := b.run(step...); err != nil {
		return nil, err
	}

	// Appointments, the roles' details, and the developers' objective.
	step = []line{
		{"alice", dm, "!update_role 4_1_7_tc_operational_team hours 10"},
		{"alice", dm, "!update_role 4_1_7_tc_operational_team sc 100"},
		{"alice", dm, "!update_role 4_1_7_tc_operational_team recruitment closed"},
		{"alice", dm, "!update_role 4_2_7_operations_lead hours 8"},
		{"alice", dm, "!update_role 4_2_7_operations_lead sc 200"},
		{"alice", dm, "!update_role 4_3_7_operations_junior hours 4"},
		{"alice", dm, "!update_role 4_3_7_operations_junior sc 50"},
		{"alice", dm, "!update_role 4_1_3_tc_developer_team hours 10"},
		{"alice", dm, "!update_role 4_1_3_tc_developer_team sc 100"},
		{"alice", dm, "!update_role 4_1_3_tc_developer_team recruitment future"},
		{"alice", devs, "!team_objective 5_1 Build Engelbot"},
	}
	for _, p := range w.People {
		for _, r := range p.Roles {
			if p.Name != "alice" {
				step = append(step, line{"alice", dm, fmt.Sprintf("!assign_role %s %s", r, p.Name)})
			}
		}
	}
	if len(workers) > 0 {
		step = append(step, line{"alice", dm, "!create_objective Handle a burst of work"})
	}
	if _, err := b.run(step...); err != nil {
		return nil, err
	}

	// The operational team's objective and its tasks, one at a time so that
	// each has the ID the demo's texts name (6_1_7_1, 6_1_7_2, 6_1_7_3).
	if _, err := b.run(line{"bob", ops, "!team_objective 5_1 Run the workplace day to day"}); err != nil {
		return nil, err
	}
	for _, t := range []string{"M Write the onboarding checklist", "S Set up the shared calendar", "L Review the treasury report"} {
		if _, err := b.run(line{"bob", ops, "!create_task " + t}); err != nil {
			return nil, err
		}
	}
	if _, err := b.run(
		line{"bob", ops, "!assign 6_1_7_1 carol attacker"},
		line{"bob", ops, "!assign 6_1_7_1 dave defender"},
		line{"bob", ops, "!assign 6_1_7_2 dave attacker"},
		line{"bob", ops, "!assign 6_1_7_2 carol defender"},
	); err != nil {
		return nil, err
	}
	if len(workers) == 0 {
		return map[string]string{}, nil
	}

	// A task for each extra worker, under an objective of their own so that
	// the demo's tasks keep their numbers.
	if _, err := b.run(line{"bob", ops, "!team_objective 5_2 Get through the burst"}); err != nil {
		return nil, err
	}
	step = nil
	for _, p := range workers {
		step = append(step, line{"bob", ops, "!create_task S Burst task of " + p.Name})
	}
	replies, err := b.run(step...)
	if err != nil {
		return nil, err
	}
	tasks := map[string]string{}
	step = nil
	for i, p := range workers {
		m := createdTask.FindStringSubmatch(replies[i])
		if m == nil {
			return nil, fmt.Errorf("no task ID in the answer to the burst task of %s: %s", p.Name, replies[i])
		}
		tasks[p.Name] = m[1]
		step = append(step, line{"bob", ops, fmt.Sprintf("!assign %s %s attacker", m[1], p.Name)})
	}
	if _, err := b.run(step...); err != nil {
		return nil, err
	}
	return tasks, nil
}

// SeedTreasury is the founders' first deposit, in euros: it covers three
// times as many SC (4,500), enough for every award of the demo.
const SeedTreasury = "1500"

var createdTask = regexp.MustCompile("Task `(6_[0-9_]+)` created")

func isExtraWorker(name string) bool { return len(name) == 3 && name[0] == 'w' }

// line is one command a person of the demo types in a room.
type line struct {
	who  string
	room toolbox.Room
	text string
}

type builder struct {
	ctx context.Context
	tb  *toolbox.Toolbox
	w   *World
	n   int // commands sent so far, for their event IDs
}

// run sends lines at once and waits for every answer; any refusal stops
// the build with what the bot said.
func (b *builder) run(lines ...line) ([]string, error) {
	replies := make([]string, len(lines))
	errs := make([]error, len(lines))
	var wg sync.WaitGroup
	for i, l := range lines {
		b.n++
		eventID := fmt.Sprintf("$demo-build-%d", b.n)
		wg.Go(func() { replies[i], errs[i] = b.send(l, eventID) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return replies, nil
}

func (b *builder) send(l line, eventID string) (string, error) {
	p, ok := b.w.Person(l.who)
	if !ok {
		return "", fmt.Errorf("nobody called %q in the demo", l.who)
	}
	words := strings.Fields(strings.TrimPrefix(l.text, "!"))
	r := b.tb.Run(b.ctx, toolbox.Request{
		Sender: p.UserID, EventID: eventID, Room: l.room, Command: words[0], Args: words[1:], Sent: time.Now(),
	})
	if r.Refused && !r.Duplicate {
		if r.Err != nil {
			return "", fmt.Errorf("%s, as %s: %s (%w)", l.text, l.who, r.Text, r.Err)
		}
		return "", fmt.Errorf("%s, as %s: %s", l.text, l.who, r.Text)
	}
	return r.Text, nil
}
