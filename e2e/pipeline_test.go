package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"code.gitea.io/sdk/gitea"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/servers"
)

// An admin onboarding a team sends one !add_owner after the other, each
// with a real name and an e-mail address, without waiting for the answers.
// Each is answered once, in the order sent, and applied in that order; and
// their writes share commits, in the ledger and in the private identity
// mapping, instead of taking one forge commit each.
func TestOneSendersWritesShareCommitsInOrder(t *testing.T) {
	var token string
	e := newEnvWith(t, envOptions{configure: func(forge *servers.Gitea, cfg *config.Config) {
		cfg.Identity = identityLedger(t, forge, keeper)
		token = cfg.Identity.Forgejo.Token
	}})
	ids := userAPI(t, e.forge, token)
	idBase := identityCommits(t, ids)
	alice := e.login("alice")
	dm := e.directChat(alice)
	_, server, _ := strings.Cut(string(alice.Matrix().UserID), ":")
	base := e.head()

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	const n = 10
	var cmds []sent
	start := time.Now()
	for i := range n {
		alias := fmt.Sprintf("newcomer%02d", i)
		text := fmt.Sprintf("!add_owner @%s:%s %s work Newcomer Number%02d %s@example.org", alias, server, alias, i, alias)
		evt, err := alice.Send(ctx, dm, text)
		if err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, sent{by: alice, name: "alice", text: text, evt: evt})
	}
	// Answers come in order: the last command's is the last answer.
	if _, err := alice.Await(ctx, cmds[n-1].evt); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	e.awaitAnswers(cmds)
	e.answeredOnce(cmds)

	var want []id.EventID
	for _, c := range cmds {
		want = append(want, c.evt)
	}
	if got := answerOrder(alice, dm, want); !slices.Equal(got, want) {
		t.Errorf("answered in the order %v, want the order sent %v", got, want)
	}
	var seqs []int64
	for _, c := range cmds {
		rows := e.auditRows(string(c.evt))
		if len(rows) != 1 {
			t.Fatalf("%q has %d audit rows, want 1; answered %v", c.text, len(rows), c.by.Replies(c.evt))
		}
		seqs = append(seqs, rows[0].Seq)
	}
	if !slices.IsSorted(seqs) {
		t.Errorf("audit rows' seq in the order sent: %v, want increasing", seqs)
	}
	commits := e.commitsSince(base)
	var subjects []string
	for _, c := range commits {
		subject, _, _ := strings.Cut(c.RepoCommit.Message, "\n")
		subjects = append(subjects, subject)
	}
	if len(commits) >= n {
		t.Errorf("%d commits for %d onboardings from one sender, want fewer: they share commits (%q)", len(commits), n, subjects)
	}
	t.Logf("%d onboardings in %d commits, the last answered %s after the first was sent: %q", n, len(commits), took.Round(time.Millisecond), subjects)

	// The private rows: every one kept, in fewer commits than onboardings.
	if got := identityCommits(t, ids) - idBase; got < 1 || got >= n {
		t.Errorf("%d identity mapping commits for %d onboardings from one sender, want fewer", got, n)
	} else {
		t.Logf("%d identity rows in %d commits", n, got)
	}
	f, _, err := ids.GetFile(keeper, identityRepo, branch, "identity-mapping.csv")
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if !strings.Contains(string(f), fmt.Sprintf("Newcomer Number%02d", i)) {
			t.Errorf("the identity mapping has no row for newcomer %d", i)
		}
	}
}

// keeper owns the private identity repository of the test above.
const keeper = "identity-keeper"

// identityCommits counts the commits on the identity repository's branch.
func identityCommits(t *testing.T, api *gitea.Client) int {
	t.Helper()
	n := 0
	for page := 1; ; page++ {
		cs, _, err := api.ListRepoCommits(keeper, identityRepo, gitea.ListCommitOptions{SHA: branch, ListOptions: gitea.ListOptions{Page: page, PageSize: 50}})
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 {
			return n
		}
		n += len(cs)
	}
}
