package forgejo

import (
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// A repository created on the forge without any commit becomes a ledger:
// Init starts its branch, and the ledger opens and writes on it.
func TestInitStartsALedgerInAnEmptyRepository(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	if err := f.g.CreateEmptyRepo(t.Context(), f.owner, "empty-ledger", true); err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{URL: f.g.URL, Owner: f.owner, Repo: "empty-ledger", Branch: "main", Token: f.g.Token})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Head(t.Context()); err == nil {
		t.Fatal("an empty repository has a head before Init; the test shows nothing")
	}
	if err := c.Init(t.Context()); err != nil {
		t.Fatalf("Init on an empty repository: %v", err)
	}
	head := mustHead(t, c)
	if f, err := c.ReadFile(t.Context(), "README.md"); err != nil || string(f.Content) != ledger.Readme {
		t.Errorf("README.md after Init: %q, %v", f.Content, err)
	}
	if err := c.Init(t.Context()); err != nil || mustHead(t, c) != head {
		t.Errorf("a second Init: %v, head moved: %v", err, mustHead(t, c) != head)
	}
	l, err := ledger.Open(t.Context(), c, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	res, err := l.Apply(t.Context(), ledger.Mutation{EventID: "$first", Actor: "engelbot", Command: "first",
		Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
			tx.PutTeam(ledger.Team{ID: "3_1_leadership_team", Name: "Leadership team", Status: ledger.StatusActive})
			return ledger.Outcome{Action: "test", Target: "t", Reply: "ok"}, nil
		}})
	if err != nil || res.Refused {
		t.Fatalf("the first write on the started ledger: %+v, %v", res, err)
	}
}

// A misspelt branch in a repository with commits is an error that names
// the branches there, never a second ledger started beside the real one.
func TestInitRefusesAMissingBranchInARepositoryWithCommits(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	_, name := f.repo(t, "")
	c, err := New(Config{URL: f.g.URL, Owner: f.owner, Repo: name, Branch: "mian", Token: f.g.Token})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Init(t.Context())
	if err == nil || !strings.Contains(err.Error(), `no branch "mian"`) || !strings.Contains(err.Error(), "main") {
		t.Fatalf("Init on a missing branch: %v", err)
	}
	if _, err := c.Head(t.Context()); err == nil {
		t.Error("Init created the misspelt branch")
	}
}
