package publish_test

import (
	"strings"
	"testing"
	"time"
)

// The governance page lists the binding proposals with where they stand,
// shows no tally while a vote runs, and the count once it is over.
func TestGovernancePageShowsTallyOnlyWhenOver(t *testing.T) {
	c := newCommunity(t)
	c.populate() // a forum proposal, objected to, one vote against
	page := string(c.render(sampleTreasury()).Files["governance.md"])
	for _, want := range []string{"prop&#95;2", "being voted on until", "contested SC of", "&#60;script&#62;alert&#40;1&#41;"} {
		if !strings.Contains(page, want) {
			t.Errorf("the governance page during the vote lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "no 1 (") {
		t.Errorf("the governance page shows a tally while the vote runs:\n%s", page)
	}

	c.clock = c.clock.Add(8 * 24 * time.Hour)
	c.tb.RunJobs(t.Context())
	page = string(c.render(sampleTreasury()).Files["governance.md"])
	if !strings.Contains(page, "**failed**") || !strings.Contains(page, "yes 0 (0.000), no 1 (") {
		t.Errorf("the governance page after the vote:\n%s", page)
	}
}
