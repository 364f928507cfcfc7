package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/app"
	"smartup0.org/engelbot/chat"
	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/demo"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/servers"
	"smartup0.org/engelbot/toolbox"
)

// An operator starts a community from nothing: a fresh homeserver with the
// people's accounts, an empty repository on the forge (created without
// any commit), and a configuration file written by hand. Everything after
// that is `engelbot run` and what people type; no helper writes a ledger
// table.
func TestACommunityStartsFromZero(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	forge := servers.GiteaForTest(t)
	if err := forge.CreateEmptyRepo(ctx, org, repo, true); err != nil {
		t.Fatal(err)
	}
	api, err := forge.API(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hs := servers.DendriteForTest(t)
	server := servers.TestServerName
	password := func(name string) string { return name + "-from-zero" }
	people := map[string]string{}
	for _, name := range []string{"engelbot", "alice", "bob", "carol", "dave"} {
		if people[name], err = hs.Register(ctx, name, password(name), false); err != nil {
			t.Fatal(err)
		}
	}

	path := filepath.Join(dir, "engelbot.yaml")
	yaml := fmt.Sprintf(`# Written as the README's "Operating it" says.
homeserver:
  url: %s
  server_name: %s
bot:
  user_id: "@engelbot:%s"
database: engelbot.db
ledger:
  backend: forgejo
  branch: %s
  forgejo:
    url: %s
    owner: %s
    repo: %s
founder: "@alice:%s"
log:
  level: info
  format: json
`, hs.URL, server, server, branch, forge.URL, org, repo, server)
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	// The secrets come from the environment, as a service's would.
	secrets := []string{config.EnvPassword + "=" + password("engelbot"), config.EnvForgeToken + "=" + forge.Token}

	world := &demo.World{Homeserver: hs.URL, Bot: demo.Person{Name: "engelbot", UserID: people["engelbot"]}, Rooms: map[string]string{}}
	for _, name := range []string{"alice", "bob", "carol", "dave"} {
		world.People = append(world.People, demo.Person{Name: name, UserID: people[name], Password: password(name)})
	}
	e := &env{t: t, dir: dir, world: world, forge: forge, api: api}

	// Each step builds on the one before: the first to fail ends the test.
	step := func(name string, run func(t *testing.T)) {
		t.Helper()
		if !t.Run(name, run) {
			t.FailNow()
		}
	}
	proc := startEngelbot(t, path, secrets)
	alice := e.login("alice")
	aliceDM := e.directChat(alice)

	step("1_the_first_start_set_the_ledger_up", func(t *testing.T) {
		e := e.on(t)
		audit := e.auditRows(toolbox.BootstrapEventID)
		if len(audit) != 1 || audit[0].Actor != toolbox.JobActor {
			t.Fatalf("the bootstrap's audit rows: %+v, want one by the bot", audit)
		}
		owners := rows[ledger.Owner](e, ledger.OwnersIndex)
		if len(owners) != 1 || owners[0].MatrixID != people["alice"] || owners[0].License != ledger.LicenseOrganizational {
			t.Errorf("the Book of Owners after the first start: %+v", owners)
		}
		if teams := rows[ledger.Team](e, ledger.TeamsIndex); len(teams) != 7 {
			t.Errorf("teams after the first start: %+v, want seven", teams)
		}
	})

	var team id.RoomID
	step("2_setup_rooms", func(t *testing.T) {
		e := e.on(t)
		_, r := e.askIn(alice, aliceDM, "!setup_rooms")
		if !strings.Contains(r.Body, "3_7_operational_team") {
			t.Fatalf("!setup_rooms answered %q", r.Body)
		}
		team = joinByAlias(t, alice, "#3_7_operational_team:"+server)
		joinByAlias(t, alice, "#1_general_forum:"+server)
		joinByAlias(t, alice, "#2_workplace:"+server)
		// The founder has power in the rooms the bot made, so she can
		// invite the team.
		for _, name := range []string{"bob", "carol", "dave"} {
			if _, err := alice.Matrix().InviteUser(t.Context(), team, &mautrix.ReqInviteUser{UserID: id.UserID(people[name])}); err != nil {
				t.Fatalf("alice inviting %s to the team room: %v", name, err)
			}
		}
	})

	bob, carol, dave := e.login("bob"), e.login("carol"), e.login("dave")
	for _, c := range []*chat.Client{bob, carol, dave} {
		if _, err := c.Matrix().JoinRoomByID(ctx, team); err != nil {
			t.Fatal(err)
		}
	}

	step("3_founder_onboards_in_her_direct_chat", func(t *testing.T) {
		e := e.on(t)
		for _, line := range []string{
			"!add_owner @bob:" + server + " bob work",
			"!add_owner @carol:" + server + " carol work",
			"!add_owner @dave:" + server + " dave work",
			"!create_role operational captain Team captain, operations",
			"!create_role operational senior Operations lead",
			"!create_role operational junior Operations junior",
			"!assign_role 4_1_7_tc_operational_team bob",
			"!assign_role 4_2_7_operations_lead carol",
			"!assign_role 4_3_7_operations_junior dave",
			"!create_objective Open the workplace",
			// Euros behind the SC to come: without them the 3x rule holds
			// every award back. €10 covers 30 SC, less than the 45 the task
			// earns: its award waits for a second deposit (step 8).
			"!deposit 10 seed money from the founders",
		} {
			e.write(alice, aliceDM, line)
		}
	})

	const task = "6_1_7_1"
	step("4_captain_opens_an_objective_and_a_task", func(t *testing.T) {
		e := e.on(t)
		e.write(bob, team, "!team_objective 5_1 Run the workplace day to day")
		_, r := e.write(bob, team, "!create_task M Write the onboarding checklist")
		if !strings.Contains(r.Body, task) {
			t.Fatalf("!create_task answered %q, want task %s", r.Body, task)
		}
	})

	step("5_workers_claim_work_and_stop", func(t *testing.T) {
		e := e.on(t)
		e.write(carol, team, "!claim "+task)
		e.write(dave, team, "!claim "+task+" defender")
		e.write(carol, team, "!start_work "+task)
		e.write(carol, team, "!stop_work Wrote the onboarding checklist")
		if tk := e.task(task); tk.State != ledger.TaskReview || tk.Attacker != "carol" || tk.Defender != "dave" {
			t.Fatalf("the task after the work: %+v", tk)
		}
	})

	step("6_captain_assesses_and_approves", func(t *testing.T) {
		e := e.on(t)
		e.write(bob, team, "!assess "+task+" 8 7 9 clear and complete")
		e.write(bob, team, "!approve "+task)
		if tk := e.task(task); tk.State != ledger.TaskApproved {
			t.Fatalf("the task after approval: %s", tk.State)
		}
	})

	step("7_sigterm_exits_cleanly", func(t *testing.T) {
		if code := proc.stop(syscall.SIGTERM); code != 0 {
			t.Fatalf("engelbot run exited %d on SIGTERM, want 0", code)
		}
	})

	// The 48-hour window passes: the same configuration, the bot's clock
	// two days on. Its scheduled job awards the SC by itself.
	step("8_after_the_window_the_sc_is_awarded", func(t *testing.T) {
		e := e.on(t)
		// The secrets from the environment, as the service's were.
		t.Setenv(config.EnvPassword, password("engelbot"))
		t.Setenv(config.EnvForgeToken, forge.Token)
		cfg, err := config.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Jobs.Interval = time.Second
		later := func() time.Time { return time.Now().Add(lazyConsensus + time.Hour) }
		a, err := app.OpenWith(t.Context(), cfg, zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel), app.Options{Clock: later})
		if err != nil {
			t.Fatal(err)
		}
		runCtx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(runCtx) }()
		// The treasury covers 30 SC; the award is 45: the job holds it
		// back and says so in the team's room, and the task stays approved.
		held := e.awaitAnnouncement(bob, team, "is held back", "")
		if !strings.Contains(held.Body, "the treasury holds €10.00, which covers 30 SC") || !strings.Contains(held.Body, "a deposit of €5.00 lets its 45 SC through") {
			t.Errorf("the hold's announcement: %q", held.Body)
		}
		if tk := e.task(task); tk.State != ledger.TaskApproved {
			t.Errorf("a held-back task is %s, want %s", tk.State, ledger.TaskApproved)
		}
		if _, r := e.askIn(carol, team, "!treasury"); !strings.Contains(r.Body, "Held back: 45 SC of 1 task(s)") {
			t.Errorf("!treasury while the award waits: %q", r.Body)
		}
		// The deposit that makes room: the next job run awards it by itself.
		e.write(alice, aliceDM, "!deposit 5 a second gift")
		e.awaitLedger("awarded", 2*time.Minute, func() (bool, string) {
			tk := e.task(task)
			return tk.State == ledger.TaskAwarded, "the task is " + tk.State
		})
		cancel()
		if err := <-done; err != nil {
			t.Errorf("engelbot stopped with: %v", err)
		}
		awarded := map[string]int{}
		for _, tx := range journalRows[ledger.SCTx](e, ledger.SCDir) {
			if tx.Kind == ledger.SCAwarded {
				awarded[tx.Alias] += tx.Amount
			}
		}
		if awarded["carol"] <= 0 || awarded["dave"] <= 0 {
			t.Errorf("SC awarded: %v, want some for carol and dave", awarded)
		}
	})

	step("9_verify_and_doctor_are_clean", func(t *testing.T) {
		for _, sub := range []string{"verify", "doctor"} {
			out, code := runEngelbot(t, secrets, sub, "-config", path)
			if code != 0 {
				t.Errorf("engelbot %s exited %d:\n%s", sub, code, out)
			}
			if strings.Contains(out, password("engelbot")) || strings.Contains(out, forge.Token) {
				t.Errorf("engelbot %s printed a secret", sub)
			}
		}
	})
}

// joinByAlias joins c to the room an alias names and waits until its sync
// shows it there.
func joinByAlias(t *testing.T, c *chat.Client, alias string) id.RoomID {
	t.Helper()
	resp, err := c.Matrix().JoinRoom(t.Context(), alias, nil)
	if err != nil {
		t.Fatalf("joining %s: %v", alias, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if err := c.AwaitJoined(ctx, resp.RoomID); err != nil {
		t.Fatal(err)
	}
	var pl event.PowerLevelsEventContent
	if err := c.Matrix().StateEvent(t.Context(), resp.RoomID, event.StatePowerLevels, "", &pl); err != nil {
		t.Fatal(err)
	}
	if got := pl.GetUserLevel(c.UserID()); got < 100 {
		t.Errorf("%s has power %d in %s, want 100", c.UserID(), got, alias)
	}
	return resp.RoomID
}

// engelbotProc is `engelbot run` started as an operator's service would.
type engelbotProc struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func startEngelbot(t *testing.T, configPath string, env []string) *engelbotProc {
	t.Helper()
	logPath := filepath.Join(filepath.Dir(configPath), "engelbot.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(engelbotBinary(t), "run", "-config", configPath)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &engelbotProc{cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			data, _ := os.ReadFile(logPath)
			t.Logf("engelbot's log:\n%s", tail(string(data), 60))
		}
	})
	return p
}

// stop signals the process and returns its exit code once it ended.
func (p *engelbotProc) stop(sig syscall.Signal) int {
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(2 * time.Minute):
		return -2
	}
	return p.cmd.ProcessState.ExitCode()
}

// runEngelbot runs one of the operator's subcommands to its end.
func runEngelbot(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(engelbotBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if x, ok := err.(*exec.ExitError); ok {
			return string(out), x.ExitCode()
		}
		t.Fatal(err)
	}
	return string(out), 0
}
