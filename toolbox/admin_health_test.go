package toolbox_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/toolbox"
)

// hexSHA is anything that looks like a commit or blob hash.
var hexSHA = regexp.MustCompile(`\b[0-9a-f]{7,64}\b`)

func TestVerifyAllClear(t *testing.T) {
	f := newAdminFixture(t)
	if r := f.dm("ada", "!add_owner @frank:s.test frank work"); r.Refused {
		t.Fatal(r.Text)
	}
	r := f.dm("ada", "!verify")
	if r.Refused || !strings.HasPrefix(r.Text, "**All clear.**") {
		t.Fatalf("verify on a sound ledger: %+v", r)
	}
	// Two audit rows (the seed and the onboarding), three commits (the
	// repository's first, and one each), eight owners.
	for _, want := range []string{"2 rows", "All 3 commits", "8 owners", "2 tasks"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("the answer does not say %q: %q", want, r.Text)
		}
	}
}

// A hand edit — a page committed straight to the repository — is found,
// named by its file, without a SHA in sight.
func TestVerifyFindsHandEdits(t *testing.T) {
	f := newAdminFixture(t)
	forge(t, f.store, "pages/tasks/forged.md")
	r := f.dm("ada", "!verify")
	if r.Refused || !strings.Contains(r.Text, "found 2 problems") {
		t.Fatalf("verify after a hand edit: %+v", r)
	}
	for _, want := range []string{
		"pages/tasks/forged.md: a page that no index row points to",
		"a commit by Someone (\"a hand edit\"): changed pages/tasks/forged.md without an audit row",
	} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("the answer does not say %q:\n%s", want, r.Text)
		}
	}
	if sha := hexSHA.FindString(r.Text); sha != "" {
		t.Errorf("the answer shows %q:\n%s", sha, r.Text)
	}
}

// Many problems: the first 20 are listed, the rest counted.
func TestVerifyListsAtMostTwenty(t *testing.T) {
	f := newAdminFixture(t)
	var paths []string
	for i := range 15 {
		paths = append(paths, fmt.Sprintf("pages/tasks/forged%02d.md", i))
	}
	forge(t, f.store, paths...)
	r := f.dm("ada", "!verify")
	// Each forged page is two problems: an orphan page, and a change
	// without an audit row.
	if !strings.Contains(r.Text, "found 30 problems") || !strings.Contains(r.Text, "…and 10 more") {
		t.Fatalf("verify with 30 problems:\n%s", r.Text)
	}
	if n := strings.Count(r.Text, "\n- pages/") + strings.Count(r.Text, "\n- a commit"); n != 20 {
		t.Errorf("%d problems listed, want 20:\n%s", n, r.Text)
	}
}

// forge commits files straight to the store, as someone editing the
// repository by hand would.
func forge(t *testing.T, st ledger.Store, paths ...string) {
	t.Helper()
	c := ledger.Commit{Message: "a hand edit", Author: ledger.Signature{Name: "Someone", Email: "someone@example.org"}}
	for _, p := range paths {
		c.Changes = append(c.Changes, ledger.Change{Op: ledger.OpCreate, Path: p, Content: []byte("---\ntitle: x\n---\n")})
	}
	if _, err := st.Commit(t.Context(), c); err != nil {
		t.Fatal(err)
	}
}

func TestStatus(t *testing.T) {
	f := newAdminFixture(t)
	if r := f.dm("ada", "!add_owner @frank:s.test frank work"); r.Refused {
		t.Fatal(r.Text)
	}
	r := f.dm("fay", "!status")
	if r.Refused {
		t.Fatalf("status: %+v", r)
	}
	for _, want := range []string{
		"Version: " + adminVer,
		"Ledger repository: answers (the freshness check took ",
		"Last change: 2026-11-26 10:00 UTC by ada — owner.add on frank",
		"Writes waiting in the queue: 0",
		"Owners: 8 (7 active)",
		"Tasks: 2 (2 not yet awarded or cancelled)",
		"Open work sessions: 1",
		"a private repository is configured",
	} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("status does not say %q:\n%s", want, r.Text)
		}
	}
	if sha := hexSHA.FindString(r.Text); sha != "" {
		t.Errorf("status shows %q:\n%s", sha, r.Text)
	}
	if r := f.send(f.toolbox(nil), "ada", adminDM, "status"); !strings.Contains(r.Text, "none configured") {
		t.Errorf("status without an identity repository:\n%s", r.Text)
	}
}

// downStore is a local store whose forge can be switched off: every call
// fails as an unreachable server's would.
type downStore struct {
	*localgit.Store
	down atomic.Bool
}

var errDown = errors.New("connection refused")

func (s *downStore) Head(ctx context.Context) (string, error) {
	if s.down.Load() {
		return "", errDown
	}
	return s.Store.Head(ctx)
}

func (s *downStore) Tree(ctx context.Context, commit string) (ledger.Tree, error) {
	if s.down.Load() {
		return ledger.Tree{}, errDown
	}
	return s.Store.Tree(ctx, commit)
}

// With the forge down, !status still answers, from the last copy read,
// and says the forge does not answer; !verify says it could not check.
func TestStatusAndVerifyWithTheForgeDown(t *testing.T) {
	st, err := localgit.Open(t.TempDir()+"/l.git", "main")
	if err != nil {
		t.Fatal(err)
	}
	ds := &downStore{Store: st}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	l, err := ledger.Open(t.Context(), ds, ledger.Options{Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	res, err := l.Apply(t.Context(), ledger.Mutation{EventID: "$seed", Actor: "engelbot", Command: "seed", Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
		tx.PutOwner(ledger.Owner{Alias: "ada", MatrixID: "@ada:s.test", License: ledger.LicenseWork, Status: ledger.StatusActive})
		return ledger.Outcome{Action: "ledger.seed", Target: "test", Reply: "ok"}, nil
	}})
	if err != nil || res.Refused {
		t.Fatal(err, res)
	}
	tb := toolbox.New(l, toolbox.Config{Founder: "@ada:s.test"})
	ds.down.Store(true)
	run := func(name string) toolbox.Reply {
		return tb.Run(t.Context(), toolbox.Request{Sender: "@ada:s.test", EventID: "$" + name, Room: adminDM, Command: name})
	}
	r := run("status")
	for _, want := range []string{"**does not answer**", "from the last copy read", "by engelbot — ledger.seed on test", "Owners: 1 (1 active)", "unknown"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("status with the forge down does not say %q:\n%s", want, r.Text)
		}
	}
	if strings.Contains(r.Text, errDown.Error()) {
		t.Errorf("status shows the raw error:\n%s", r.Text)
	}
	r = run("verify")
	if !r.Refused || !strings.Contains(r.Text, "couldn't finish the check") || r.Err == nil {
		t.Errorf("verify with the forge down: %+v", r)
	}
}
