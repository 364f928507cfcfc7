package publish_test

import (
	"bytes"
	"html"
	"sort"
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// TestNothingPrivateIsPublished fills every private place — the identity
// mapping's real names and e-mail addresses, Matrix IDs, an application's
// motivation, a rejection's reason, session summaries, notes, an
// objection, a deactivation's reason — with unique canaries, renders the
// site, and searches every byte of every file and the summary for each.
func TestNothingPrivateIsPublished(t *testing.T) {
	c := newCommunity(t)
	cn := c.populate()

	// The canaries must be in the ledger or the identity mapping, or
	// their absence from the site would prove nothing.
	where := c.privateText(t)
	for what, s := range cn {
		if !strings.Contains(where, strings.ToLower(s)) {
			t.Errorf("the canary for %s (%s) is in neither the ledger nor the identity mapping", what, s)
		}
	}

	site := c.render(sampleTreasury())
	if len(site.Files) < 8 {
		t.Fatalf("the site has %d files; expected the overview, pages and charts", len(site.Files))
	}
	paths := make([]string, 0, len(site.Files))
	for p := range site.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for what, s := range cn {
		needle := []byte(strings.ToLower(s))
		for _, p := range paths {
			// Entities are decoded too: "&#64;" on the site is an "@".
			data := bytes.ToLower(site.Files[p])
			if bytes.Contains(data, needle) || strings.Contains(html.UnescapeString(string(data)), string(needle)) {
				t.Errorf("%s: holds the %s (%s)", p, what, s)
			}
		}
		if strings.Contains(strings.ToLower(site.Summary), string(needle)) {
			t.Errorf("the summary holds the %s", what)
		}
	}
	// What is public does appear: a canary test that found nothing
	// because nothing was rendered would pass for the wrong reason.
	for _, want := range []string{"carol", "Paint the door"} {
		found := false
		for _, p := range paths {
			found = found || bytes.Contains(site.Files[p], []byte(want))
		}
		if !found {
			t.Errorf("no page shows %q", want)
		}
	}
}

// privateText is every file of the ledger and the identity mapping, lower
// case, to check that the canaries were written.
func (c *community) privateText(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, st := range []ledger.Store{c.store, c.idStore} {
		tree, err := st.Tree(t.Context(), "")
		if err != nil {
			t.Fatal(err)
		}
		for p := range tree.Files {
			f, err := st.ReadFile(t.Context(), p)
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString(strings.ToLower(string(f.Content)))
		}
	}
	return b.String()
}
