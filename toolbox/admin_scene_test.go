package toolbox_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/identity"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/toolbox"
)

// adminFixture is a community for the admins' commands, with the identity
// mapping in a local git repository of its own, as in production.
//
// fay is the founder (Leadership team's captain role); ada a configured
// admin without a role. Operational team (3_7): bob captains it; carol
// and dave hold its senior role, carol with a work session open on
// 6_1_7_1, dave on task 6_1_7_2 and also an editor in the Media team
// (3_5, which has no captain role). erin has a Watch license, gus is
// inactive.
type adminFixture struct {
	*scene
	tb      *toolbox.Toolbox
	ids     *identity.Book
	idStore *localgit.Store
}

const (
	adminOps   = "3_7_operational_team"
	adminMedia = "3_5_media_team"
	adminLead  = "3_1_leadership_team"
	adminVer   = "v1.4.2"
)

var (
	adminDM       = toolbox.Room{Kind: toolbox.RoomDirect}
	adminTeamRoom = toolbox.Room{Kind: toolbox.RoomTeam, Team: adminOps}
)

func newAdminFixture(t *testing.T) *adminFixture {
	t.Helper()
	f := &adminFixture{scene: newScene(t, time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))}
	f.mutate("seed", func(tx *ledger.Tx) {
		tx.PutTeam(ledger.Team{ID: adminLead, Name: "Leadership team", Status: ledger.StatusActive})
		tx.PutTeam(ledger.Team{ID: adminMedia, Name: "Media team", Status: ledger.StatusActive})
		tx.PutTeam(ledger.Team{ID: adminOps, Name: "Operational team", Status: ledger.StatusActive})
		for _, r := range []ledger.Role{
			{ID: "4_1_1_founder", Team: adminLead, Type: ledger.RoleCaptain, Title: "Founder", Recruitment: "closed"},
			{ID: "4_1_7_tc", Team: adminOps, Type: ledger.RoleCaptain, Title: "Operations captain", Recruitment: "closed"},
			{ID: "4_2_7_lead", Team: adminOps, Type: ledger.RoleSenior, Title: "Operations lead", Recruitment: "open"},
			{ID: "4_2_5_editor", Team: adminMedia, Type: ledger.RoleSenior, Title: "Editor", Recruitment: "open"},
		} {
			r.Status = ledger.StatusActive
			tx.PutRole(r)
		}
		for _, o := range []struct{ alias, license, status string }{
			{"fay", "organizational", "active"}, {"ada", "organizational", "active"}, {"bob", "work", "active"},
			{"carol", "work", "active"}, {"dave", "work", "active"}, {"erin", "watch", "active"}, {"gus", "work", "inactive"},
		} {
			tx.PutOwner(ledger.Owner{Alias: o.alias, MatrixID: "@" + o.alias + ":s.test", License: o.license, Status: o.status, Joined: tx.Now()})
		}
		for _, a := range []struct{ alias, role string }{
			{"fay", "4_1_1_founder"}, {"bob", "4_1_7_tc"}, {"carol", "4_2_7_lead"}, {"dave", "4_2_7_lead"}, {"dave", "4_2_5_editor"},
		} {
			tx.PutAssignment(ledger.Assignment{ID: "ra_" + a.alias + "_" + a.role, Role: a.role, Alias: a.alias, Status: ledger.StatusActive, Since: tx.Now()})
		}
		tx.PutTask(ledger.Task{ID: "6_1_7_1", Team: adminOps, Title: "Count the chairs", Size: "S", BudgetSC: 25, State: ledger.TaskInProgress, Attacker: "carol"})
		tx.PutTask(ledger.Task{ID: "6_1_7_2", Team: adminOps, Title: "Paint the door", Size: "M", BudgetSC: 50, State: ledger.TaskClaimed, Attacker: "dave"})
		// The seed is the scene's first mutation: its audit row is $setup1.
		tx.PutSession(ledger.Session{ID: "6_1_7_1_ws1", Task: "6_1_7_1", Alias: "carol", Position: ledger.Attacker,
			State: ledger.SessionOpen, Started: tx.Now(), StartEvent: "$setup1"})
	})
	st, err := localgit.Open(filepath.Join(t.TempDir(), "identity.git"), "main")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	f.idStore, f.ids = st, identity.New(st)
	f.tb = f.toolbox(recorder{f.ids})
	f.clock = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	return f
}

// recorder writes the toolbox's identity entries into a real identity
// mapping, as the app does.
type recorder struct{ book *identity.Book }

func (r recorder) Record(ctx context.Context, e toolbox.IdentityEntry, queued func()) error {
	return r.book.RecordQueued(ctx, identity.Entry(e), queued)
}

// toolbox is a toolbox on the fixture's ledger with the given identity
// repository (nil: none). The server name comes from the founder's ID.
func (f *adminFixture) toolbox(ids toolbox.Identity) *toolbox.Toolbox {
	return toolbox.New(f.l, toolbox.Config{Founder: "@fay:s.test", Admins: []string{"@ada:s.test"}, Identity: ids, Version: adminVer})
}

// send runs a command with the arguments as given (as the bot passes them,
// quotes already resolved), with a fresh event ID.
func (f *adminFixture) send(tb *toolbox.Toolbox, who string, room toolbox.Room, name string, args ...string) toolbox.Reply {
	f.t.Helper()
	return f.sendEvent(tb, "", who, room, name, args...)
}

func (f *adminFixture) sendEvent(tb *toolbox.Toolbox, event, who string, room toolbox.Room, name string, args ...string) toolbox.Reply {
	f.t.Helper()
	return f.request(tb, toolbox.Request{
		Sender: "@" + who + ":s.test", EventID: event, Room: room, Command: name, Args: args,
	})
}

// dm sends a command line in a direct chat, split on spaces.
func (f *adminFixture) dm(who, line string) toolbox.Reply {
	f.t.Helper()
	fields := strings.Fields(line)
	return f.send(f.tb, who, adminDM, strings.TrimPrefix(fields[0], "!"), fields[1:]...)
}

// lastEvent is the event ID of the last command sent.

// heads are both repositories' branch heads: a refusal leaves both alone.
func (f *adminFixture) heads() [2]string {
	f.t.Helper()
	h, err := f.idStore.Head(f.t.Context())
	if err != nil {
		f.t.Fatal(err)
	}
	return [2]string{f.head(), h}
}

func (f *adminFixture) read() *ledger.Tx { return f.l.Current().ReadAt(f.clock) }

// adminRefusal is a command expected to be refused with words to match;
// hidden lists text that must not appear in the answer.
type adminRefusal struct {
	who, line, want string
	args            []string // instead of line's arguments, when given
	hidden          []string
}

func (f *adminFixture) refusals(tb *toolbox.Toolbox, cases []adminRefusal) {
	f.t.Helper()
	before := f.heads()
	for _, tc := range cases {
		var r toolbox.Reply
		if tc.args != nil {
			r = f.send(tb, tc.who, adminDM, strings.TrimPrefix(tc.line, "!"), tc.args...)
		} else {
			fields := strings.Fields(tc.line)
			r = f.send(tb, tc.who, adminDM, strings.TrimPrefix(fields[0], "!"), fields[1:]...)
		}
		if !r.Refused || !strings.Contains(r.Text, tc.want) {
			f.t.Errorf("%s %q %q → %+v, want a refusal saying %q", tc.who, tc.line, tc.args, r, tc.want)
		}
		if strings.HasPrefix(tc.line, "!add_owner") && !r.Forget {
			f.t.Errorf("%s %q %q: a refused onboarding is not removed from the chat (Forget false)", tc.who, tc.line, tc.args)
		}
		for _, h := range tc.hidden {
			if strings.Contains(r.Text, h) {
				f.t.Errorf("%s %q: the refusal repeats %q: %q", tc.who, tc.line, h, r.Text)
			}
		}
	}
	if after := f.heads(); after != before {
		f.t.Fatalf("a refusal wrote: ledger %v, identity %v", after[0] != before[0], after[1] != before[1])
	}
}

// ledgerHolds lists where in the ledger's repository — any file at the
// head, any commit message of its history — one of the texts appears.
func (f *adminFixture) ledgerHolds(texts ...string) []string {
	f.t.Helper()
	ctx := f.t.Context()
	tree, err := f.store.Tree(ctx, "")
	if err != nil {
		f.t.Fatal(err)
	}
	var found []string
	for p := range tree.Files {
		file, err := f.store.ReadFile(ctx, p)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, s := range texts {
			if bytes.Contains(bytes.ToLower(file.Content), []byte(strings.ToLower(s))) {
				found = append(found, fmt.Sprintf("%s holds %q", p, s))
			}
		}
	}
	h, ok := f.store.(ledger.Historian)
	if !ok {
		f.t.Fatal("the scene's store cannot walk its history")
	}
	err = h.History(ctx, func(c ledger.CommitInfo) bool {
		for _, s := range texts {
			if strings.Contains(strings.ToLower(c.Message), strings.ToLower(s)) {
				found = append(found, fmt.Sprintf("a commit message holds %q", s))
			}
		}
		return true
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return found
}
