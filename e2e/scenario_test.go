package e2e

// One newcomer's way through the community, end to end on a real Dendrite
// and a real Gitea: onboarded by an admin, accepted into a role, paired on
// a new task, assessed, approved, and paid once the lazy-consensus window
// passed without objection — with the ledger sound at the end.

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/app"
	"smartup0.org/engelbot/chat"
	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/demo"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/servers"
)

// The newcomer, and what only the identity mapping may hold of them.
const (
	realName = "Frank Example"
	email    = "frank@example.org"
)

// lazyConsensus is the window in which any owner may object (product brief).
const lazyConsensus = 48 * time.Hour

// scenario is the community of TestScenario and what its steps learn on
// the way.
type scenario struct {
	e        *env
	offset   atomic.Int64 // how far the bot's clock is ahead of the wall clock
	identity config.Ledger
	ledgerAt config.Ledger // the ledger repository, as the bot reaches it

	alice, bob, carol, frank *chat.Client
	aliceDM, frankDM         id.RoomID
	team                     id.RoomID

	app        string // frank's application
	task       string // the task frank and carol share
	assessment ledger.Assessment
}

func TestScenario(t *testing.T) {
	began := time.Now()
	s := &scenario{}
	s.e = newEnvWith(t, envOptions{
		strangers: []string{"frank"},
		clock:     func() time.Time { return time.Now().Add(time.Duration(s.offset.Load())) },
		configure: func(forge *servers.Gitea, cfg *config.Config) {
			cfg.Jobs.Interval = time.Second
			cfg.Ledger.Forgejo.Token = ledgerAccount(t, forge, "ledger-bot")
			s.identity = identityLedger(t, forge, "identity-keeper")
			cfg.Identity = s.identity
			s.ledgerAt = cfg.Ledger
			// Neither token reaches the other's repository: only the code
			// given the identity settings can touch the identity mapping.
			cannotSee(t, forge, cfg.Ledger.Forgejo.Token, s.identity.Forgejo.Owner, identityRepo)
			cannotSee(t, forge, s.identity.Forgejo.Token, org, repo)
		},
	})
	e := s.e
	s.alice, s.bob, s.carol, s.frank = e.login("alice"), e.login("bob"), e.login("carol"), e.login("frank")
	s.aliceDM, s.frankDM = e.directChat(s.alice), e.directChat(s.frank)
	s.team = idOf(e.room(demo.RoomTeam))
	t.Logf("Gitea, Dendrite, the demo community and Engelbot up in %s", time.Since(began).Round(time.Millisecond))

	for _, step := range []struct {
		name string
		run  func(t *testing.T)
	}{
		{"1_admin_onboards_frank", s.onboard},
		{"2_frank_applies_and_is_accepted", s.apply},
		{"3_captain_creates_a_task_both_claim", s.createAndClaim},
		{"4_frank_works", s.work},
		{"5_captain_assesses_and_approves", s.assessAndApprove},
		{"6_window_passes_job_awards", s.awaitAward},
		{"7_wallets_show_the_award", s.wallets},
		{"8_ledger_verifies", s.verify},
	} {
		stepBegan := time.Now()
		ok := t.Run(step.name, step.run)
		t.Logf("step %s: %s", step.name, time.Since(stepBegan).Round(time.Millisecond))
		if !ok {
			t.Fatalf("step %s failed; every later step builds on it", step.name)
		}
	}
	t.Logf("the whole scenario took %s", time.Since(began).Round(time.Millisecond))
}

// 1. alice, an admin, adds frank in her direct chat: his alias goes into the
// public Book of Owners, his real name and e-mail into the private
// identity mapping and nowhere else.
func (s *scenario) onboard(t *testing.T) {
	e := s.e.on(t)
	frank, _ := e.world.Person("frank")
	for _, o := range rows[ledger.Owner](e, ledger.OwnersIndex) {
		if o.Alias == "frank" || o.MatrixID == frank.UserID {
			t.Fatalf("frank is an owner before anyone added him: %+v", o)
		}
	}
	base := e.head()
	cmd, reply := e.write(s.alice, s.aliceDM, `!add_owner `+frank.UserID+` frank work "`+realName+`" `+email)
	t.Logf("!add_owner answered: %q", reply.Body)
	if !strings.Contains(reply.Body, "frank") {
		t.Errorf("the answer does not name frank: %q", reply.Body)
	}
	if strings.Contains(reply.Body, realName) || strings.Contains(reply.Body, email) {
		t.Errorf("the answer repeats the private details: %q", reply.Body)
	}
	// The typed command leaves the chat: the bot redacts it once answered.
	e.awaitLedger("the onboarding command redacted", time.Minute, func() (bool, string) {
		evt, err := s.alice.Matrix().GetEvent(t.Context(), s.aliceDM, id.EventID(cmd))
		if err != nil {
			return false, err.Error()
		}
		if evt.Unsigned.RedactedBecause == nil || strings.Contains(string(evt.Content.VeryRaw), email) {
			return false, "the command is still readable in the direct chat"
		}
		return true, ""
	})

	var got *ledger.Owner
	for _, o := range rows[ledger.Owner](e, ledger.OwnersIndex) {
		if o.Alias == "frank" {
			got = &o
		}
	}
	switch {
	case got == nil:
		t.Fatalf("frank is not in the Book of Owners:\n%s", e.readIndex(ledger.OwnersIndex))
	case got.MatrixID != frank.UserID || got.License != ledger.LicenseWork || got.Status != ledger.StatusActive:
		t.Errorf("frank's row in the Book of Owners: %+v", *got)
	}

	row := ""
	for p, content := range repoFiles(t, s.identity) {
		for _, line := range strings.Split(content, "\n") {
			if strings.Contains(line, realName) && strings.Contains(line, email) {
				row = p + ": " + line
			}
		}
	}
	if row == "" {
		t.Errorf("the identity repository has no row with frank's real name and e-mail")
	} else {
		t.Logf("identity mapping: %s", row)
	}

	for p, content := range repoFiles(t, s.ledgerAt) {
		for _, secret := range []string{realName, email} {
			if strings.Contains(content, secret) {
				t.Errorf("the ledger's %s holds %q, which belongs in the identity mapping only", p, secret)
			}
		}
	}
	for _, c := range e.commitsSince(base) {
		for _, secret := range []string{realName, email} {
			if strings.Contains(c.RepoCommit.Message, secret) {
				t.Errorf("the ledger's commit %s names %q in its message", c.SHA, secret)
			}
		}
	}
}

var applicationID = regexp.MustCompile(`\bapp_[0-9]+\b`)

// 2. frank applies for the open junior role from his direct chat; the team
// room hears of it and bob, its captain, accepts him.
func (s *scenario) apply(t *testing.T) {
	e := s.e.on(t)
	const role = "4_3_7_operations_junior"
	_, reply := e.write(s.frank, s.frankDM, `!apply `+role+` "I want to help run things"`)
	s.app = applicationID.FindString(reply.Body)
	if s.app == "" {
		t.Fatalf("the answer names no application: %q", reply.Body)
	}
	var found bool
	for _, a := range rows[ledger.Application](e, ledger.ApplicationsIndex) {
		if a.ID == s.app {
			found = true
			if a.Alias != "frank" || a.Role != role || a.State != ledger.ApplicationPending {
				t.Errorf("application %s: %+v", s.app, a)
			}
		}
	}
	if !found {
		t.Fatalf("application %s is not in the ledger", s.app)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if _, err := s.bob.AwaitNotice(ctx, s.team, s.app); err != nil {
		t.Fatalf("the team room did not hear of the application: %v", err)
	}

	e.write(s.bob, s.team, "!accept "+s.app)
	for _, a := range rows[ledger.Application](e, ledger.ApplicationsIndex) {
		if a.ID == s.app && (a.State != ledger.ApplicationAccepted || a.DecidedBy != "bob") {
			t.Errorf("after !accept, application %s is %+v", s.app, a)
		}
	}
	holds := slices.ContainsFunc(rows[ledger.Assignment](e, ledger.AssignmentsIndex), func(a ledger.Assignment) bool {
		return a.Alias == "frank" && a.Role == role && a.Status == ledger.StatusActive
	})
	if !holds {
		t.Fatalf("frank does not hold %s after !accept:\n%s", role, e.readIndex(ledger.AssignmentsIndex))
	}
}

var teamTaskID = regexp.MustCompile(`^6_1_7_[0-9]+$`)

// 3. bob creates a medium task in the team room; the room hears of it;
// frank claims it as attacker, carol as defender.
func (s *scenario) createAndClaim(t *testing.T) {
	e := s.e.on(t)
	const title = "Write the newcomer guide"
	before := map[string]bool{}
	for _, tk := range rows[ledger.Task](e, ledger.TasksIndex) {
		before[tk.ID] = true
	}
	_, reply := e.write(s.bob, s.team, `!create_task M "`+title+`"`)
	var created []ledger.Task
	for _, tk := range rows[ledger.Task](e, ledger.TasksIndex) {
		if !before[tk.ID] {
			created = append(created, tk)
		}
	}
	if len(created) != 1 {
		t.Fatalf("!create_task added %d tasks, want 1: %+v", len(created), created)
	}
	tk := created[0]
	s.task = tk.ID
	if !teamTaskID.MatchString(tk.ID) {
		t.Errorf("the new task's ID %q is not a task of objective 5_1_7 (6_1_7_N)", tk.ID)
	}
	// Budgets by size are the community's (domain facts): a medium task is 50 SC.
	if tk.Title != title || tk.Team != demo.Team || tk.Objective != "5_1_7" || tk.Size != "M" || tk.BudgetSC != 50 ||
		tk.State != ledger.TaskOpen || tk.CreatedBy != "bob" {
		t.Errorf("the new task: %+v", tk)
	}
	if !strings.Contains(reply.Body, tk.ID) {
		t.Errorf("the answer does not name the new task %s: %q", tk.ID, reply.Body)
	}
	n := e.awaitAnnouncement(s.carol, s.team, tk.ID, reply.EventID)
	t.Logf("the team room heard: %q", n.Body)

	e.write(s.frank, s.frankDM, "!claim "+s.task+" attacker")
	e.write(s.carol, s.team, "!claim "+s.task+" defender")
	if tk := e.task(s.task); tk.Attacker != "frank" || tk.Defender != "carol" || tk.State != ledger.TaskClaimed {
		t.Fatalf("after both claims the task is %+v", tk)
	}
}

// 4. frank works on the task; stopping sends it to review.
func (s *scenario) work(t *testing.T) {
	e := s.e.on(t)
	e.write(s.frank, s.frankDM, "!start_work "+s.task)
	if tk := e.task(s.task); tk.State != ledger.TaskInProgress {
		t.Errorf("after !start_work the task is %s", tk.State)
	}
	e.write(s.frank, s.frankDM, `!stop_work "wrote the guide"`)
	if tk := e.task(s.task); tk.State != ledger.TaskReview {
		t.Fatalf("after !stop_work the task is %s, want %s", tk.State, ledger.TaskReview)
	}
	closed := slices.ContainsFunc(rows[ledger.Session](e, ledger.SessionsIndex), func(ss ledger.Session) bool {
		return ss.Task == s.task && ss.Alias == "frank" && ss.Position == ledger.Attacker && ss.State == ledger.SessionClosed
	})
	if !closed {
		t.Errorf("frank has no closed attacker session on %s:\n%s", s.task, e.readIndex(ledger.SessionsIndex))
	}
}

// assessmentOf is the task's assessment on the forge that is not superseded.
func (s *scenario) assessmentOf(e *env) ledger.Assessment {
	e.t.Helper()
	var found []ledger.Assessment
	for _, a := range rows[ledger.Assessment](e, ledger.AssessmentsIndex) {
		if a.Task == s.task && a.State != ledger.AssessmentSuperseded {
			found = append(found, a)
		}
	}
	if len(found) != 1 {
		e.t.Fatalf("task %s has %d live assessments, want 1:\n%s", s.task, len(found), e.readIndex(ledger.AssessmentsIndex))
	}
	return found[0]
}

// scOf is the SC transactions on the forge of the task, of one kind.
func (s *scenario) scOf(e *env, kind string) map[string]ledger.SCTx {
	e.t.Helper()
	out := map[string]ledger.SCTx{}
	for _, tx := range journalRows[ledger.SCTx](e, ledger.SCDir) {
		if tx.Task != s.task || tx.Kind != kind {
			continue
		}
		if prev, dup := out[tx.Alias]; dup {
			e.t.Fatalf("two %s SC rows for %s on %s: %+v and %+v", kind, tx.Alias, s.task, prev, tx)
		}
		out[tx.Alias] = tx
	}
	return out
}

// 5. bob scores the work: pending SC split 90/10 between attacker and
// defender. Approving it starts the 48 h window.
func (s *scenario) assessAndApprove(t *testing.T) {
	e := s.e.on(t)
	e.write(s.bob, s.team, `!assess `+s.task+` 8 7 9 "clear and friendly"`)
	a := s.assessmentOf(e)
	if a.Effort != 8 || a.Learning != 7 || a.Collaboration != 9 || a.State != ledger.AssessmentAssessed || a.AssessedBy != "bob" {
		t.Errorf("the assessment: %+v", a)
	}
	budget := e.task(s.task).BudgetSC
	if a.PayoutSC <= 0 || a.PayoutSC > budget {
		t.Errorf("the payout %d SC is not within the task's budget of %d SC", a.PayoutSC, budget)
	}
	// The split: the defender gets a tenth, rounded down, the attacker the rest.
	if a.DefenderSC != a.PayoutSC/10 || a.AttackerSC != a.PayoutSC-a.PayoutSC/10 {
		t.Errorf("payout %d SC split %d (attacker) / %d (defender), want %d / %d",
			a.PayoutSC, a.AttackerSC, a.DefenderSC, a.PayoutSC-a.PayoutSC/10, a.PayoutSC/10)
	}
	if tk := e.task(s.task); tk.State != ledger.TaskAssessed {
		t.Errorf("after !assess the task is %s, want %s", tk.State, ledger.TaskAssessed)
	}
	pending := s.scOf(e, ledger.SCPending)
	for alias, want := range map[string]struct {
		share  string
		amount int
	}{"frank": {ledger.Attacker, a.AttackerSC}, "carol": {ledger.Defender, a.DefenderSC}} {
		if tx, ok := pending[alias]; !ok || tx.Share != want.share || tx.Amount != want.amount {
			t.Errorf("pending SC of %s: %+v (found: %v), want %d SC as %s", alias, tx, ok, want.amount, want.share)
		}
	}
	if len(pending) != 2 {
		t.Errorf("pending SC rows for %s: %+v, want frank's and carol's", s.task, pending)
	}
	_, wallet := e.askIn(s.frank, s.frankDM, "!wallet")
	if n, ok := numberOn(wallet.Body, "pending"); !ok || n != a.AttackerSC {
		t.Errorf("frank's wallet shows %d SC pending (found: %v), want %d: %q", n, ok, a.AttackerSC, wallet.Body)
	}

	e.write(s.bob, s.team, "!approve "+s.task)
	a = s.assessmentOf(e)
	if a.State != ledger.AssessmentApproved || a.ApprovedBy != "bob" || a.WindowEnds.Sub(a.Approved) != lazyConsensus {
		t.Errorf("after !approve the assessment is %+v, want approved by bob with a %s window", a, lazyConsensus)
	}
	if tk := e.task(s.task); tk.State != ledger.TaskApproved {
		t.Errorf("after !approve the task is %s, want %s", tk.State, ledger.TaskApproved)
	}
	s.assessment = a
	t.Logf("assessed: %d SC of the %d SC budget (%d %%), %d to the attacker, %d to the defender; the window ends %s",
		a.PayoutSC, budget, a.PayoutPct, a.AttackerSC, a.DefenderSC, a.WindowEnds.Format(time.RFC3339))
}

// 6. Nobody objects. Once the bot's clock is past the window, its
// scheduled job awards the SC by itself.
func (s *scenario) awaitAward(t *testing.T) {
	e := s.e.on(t)
	s.offset.Store(int64(lazyConsensus + time.Hour))
	movedAt := time.Now()
	e.awaitLedger("awarded", 2*time.Minute, func() (bool, string) {
		tk := e.task(s.task)
		return tk.State == ledger.TaskAwarded, "the task is " + tk.State
	})
	t.Logf("the job awarded the task %s after the clock moved", time.Since(movedAt).Round(time.Millisecond))

	a := s.assessmentOf(e)
	if a.State != ledger.AssessmentAwarded || a.Settled.Before(a.WindowEnds) {
		t.Errorf("the awarded assessment: %+v", a)
	}
	if a.PayoutSC != s.assessment.PayoutSC || a.AttackerSC != s.assessment.AttackerSC || a.DefenderSC != s.assessment.DefenderSC {
		t.Errorf("the amounts changed on the way: approved %+v, awarded %+v", s.assessment, a)
	}
	pending, awarded := s.scOf(e, ledger.SCPending), s.scOf(e, ledger.SCAwarded)
	for _, alias := range []string{"frank", "carol"} {
		p, aw := pending[alias], awarded[alias]
		if aw.ID == "" || aw.Ref != p.ID || aw.Amount != p.Amount || aw.Share != p.Share {
			t.Errorf("%s's award %+v does not settle their pending row %+v", alias, aw, p)
		}
		if aw.Time.Before(a.WindowEnds) {
			t.Errorf("%s's SC were awarded at %s, before the window ended at %s", alias, aw.Time, a.WindowEnds)
		}
	}
	byJob := slices.ContainsFunc(journalRows[ledger.Event](e, ledger.EventsDir), func(ev ledger.Event) bool {
		return strings.HasPrefix(ev.EventID, "job:") && (ev.Target == s.task || ev.Target == a.ID)
	})
	if !byJob {
		t.Errorf("no audit row of a scheduled job names %s or %s", s.task, a.ID)
	}
	// The team room hears of the award, with each side's share.
	n := e.awaitAnnouncement(s.carol, s.team, "awarded after 48 hours", "")
	if !strings.Contains(n.Body, s.task) || !strings.Contains(n.Body, fmt.Sprintf("frank %d SC", a.AttackerSC)) ||
		!strings.Contains(n.Body, fmt.Sprintf("carol %d SC", a.DefenderSC)) {
		t.Errorf("the award's announcement: %q", n.Body)
	}
}

// 7. frank and carol see their SC in their wallets; together they are the
// assessment's payout.
func (s *scenario) wallets(t *testing.T) {
	e := s.e.on(t)
	a := s.assessmentOf(e)
	awardedTo := map[string]int{}
	for _, tx := range journalRows[ledger.SCTx](e, ledger.SCDir) {
		if tx.Kind == ledger.SCAwarded {
			awardedTo[tx.Alias] += tx.Amount
		}
	}
	shown := map[string]int{}
	for _, w := range []struct {
		alias string
		c     *chat.Client
		room  id.RoomID
		share int
	}{{"frank", s.frank, s.frankDM, a.AttackerSC}, {"carol", s.carol, s.team, a.DefenderSC}} {
		_, reply := e.askIn(w.c, w.room, "!wallet")
		n, ok := numberOn(reply.Body, "awarded")
		if !ok {
			t.Errorf("%s's wallet shows no awarded SC: %q", w.alias, reply.Body)
			continue
		}
		shown[w.alias] = n
		t.Logf("%s's wallet: %q", w.alias, reply.Body)
		if n != w.share || n != awardedTo[w.alias] {
			t.Errorf("%s's wallet shows %d SC awarded; their share is %d and the ledger's awarded rows add up to %d",
				w.alias, n, w.share, awardedTo[w.alias])
		}
		if p, ok := numberOn(reply.Body, "pending"); !ok || p != 0 {
			t.Errorf("%s's wallet still shows %d SC pending (found: %v): %q", w.alias, p, ok, reply.Body)
		}
	}
	if shown["frank"]+shown["carol"] != a.PayoutSC {
		t.Errorf("the wallets show %d + %d SC, but the payout was %d", shown["frank"], shown["carol"], a.PayoutSC)
	}
	if shown["frank"] <= shown["carol"] {
		t.Errorf("the attacker got %d SC and the defender %d: the attacker's share is the larger", shown["frank"], shown["carol"])
	}
}

// 8. The ledger is sound, as `engelbot verify` checks it and as alice's
// !verify reports it; and the newcomer's private details are still only
// in the identity mapping.
func (s *scenario) verify(t *testing.T) {
	e := s.e.on(t)
	store, err := app.OpenStore(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	l, err := ledger.Open(ctx, store, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// What `engelbot verify` runs.
	v, err := l.VerifyAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !v.History || v.Commits == 0 {
		t.Errorf("verify did not walk the forge's history (%d commits)", v.Commits)
	}
	for _, p := range v.Problems {
		t.Errorf("verify: %s", p)
	}
	snap := v.Snapshot
	t.Logf("the ledger at %s: %d audit rows, %d commits checked", snap.Head(), snap.EventCount(), v.Commits)

	_, reply := e.askIn(s.alice, s.aliceDM, "!verify")
	if strings.Contains(reply.Body, unknownCommand) {
		t.Fatalf("!verify is not a command yet: %q", reply.Body)
	}
	t.Logf("!verify answered: %q", reply.Body)
	if problemCount.MatchString(reply.Body) || !allWell.MatchString(reply.Body) {
		t.Errorf("!verify does not say the ledger is sound: %q", reply.Body)
	}
	// It checked the same trail: it names as many audit rows as there are.
	if !regexp.MustCompile(`\b` + strconv.Itoa(snap.EventCount()) + `\b`).MatchString(reply.Body) {
		t.Errorf("!verify does not name the %d audit rows it checked: %q", snap.EventCount(), reply.Body)
	}

	for p, content := range repoFiles(t, s.ledgerAt) {
		for _, secret := range []string{realName, email} {
			if strings.Contains(content, secret) {
				t.Errorf("at the end, the ledger's %s holds %q", p, secret)
			}
		}
	}
}

// What a report of a sound ledger says, and what a report of problems
// would: a count of them.
var (
	problemCount = regexp.MustCompile(`(?i)\b[1-9][0-9]* (problems?|issues?|errors?)\b`)
	allWell      = regexp.MustCompile(`(?i)\b(sound|unbroken|intact|all clear|all is well|all well|no problems?|consistent)\b`)
)
