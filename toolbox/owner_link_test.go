package toolbox_test

import (
	"strings"
	"testing"
)

// An owner named by a matrix.to link is named by the link alone: Markdown
// [name](link), <link>, or the bare link, with nothing typed before or
// after it. Text in front of a link is refused, not trimmed away: it may be
// another address that only carries "matrix.to/#/@…" in its path, or words
// that were meant as something else.
func TestOwnerLinkWithTextAroundIsRefused(t *testing.T) {
	f := newWorkersFixture(t)
	for _, arg := range []string{
		"x[Dave](https://matrix.to/#/@dave:s.test)",
		"[x]](https://matrix.to/#/@dave:s.test)",
		"evilhttps://matrix.to/#/@dave:s.test",
		"see:https://matrix.to/#/@dave:s.test",
		"https://evil.example/?matrix.to/#/@dave:s.test",
		"https://evil.example/matrix.to/#/@dave:s.test",
		"[Dave](https://matrix.to/#/@dave:s.test)x",
		"<https://matrix.to/#/@dave:s.test>x",
		"https://matrix.to/#/@dave:s.test)",
	} {
		before := f.head()
		r := f.run("carol", "!kudos "+arg+" thanks")
		if !r.Refused || !strings.Contains(r.Text, "link") {
			t.Errorf("kudos to %q → %q, want a refusal about the link", arg, r.Text)
		}
		if f.head() != before {
			t.Errorf("kudos to %q wrote to the ledger", arg)
		}
	}
	// A rest-of-line argument: words in front of the link.
	for _, line := range []string{"!whois ask https://matrix.to/#/@dave:s.test", "!whois [x] y [Dave](https://matrix.to/#/@dave:s.test)"} {
		if r := f.run("carol", line); !r.Refused || strings.Contains(r.Text, "**dave**") {
			t.Errorf("%s → %q, want a refusal", line, r.Text)
		}
	}

	// The link alone, in every form clients write it, still names dave.
	for _, arg := range []string{
		"[Dave](https://matrix.to/#/@dave:s.test)",
		"[Dave [ops]](https://matrix.to/#/%40dave%3As.test?via=s.test)",
		"<https://matrix.to/#/@dave:s.test>",
		"https://matrix.to/#/@dave:s.test?via=s.test",
		"http://matrix.to/#/@dave:s.test",
		"matrix.to/#/@dave:s.test",
	} {
		if r := f.run("carol", "!whois "+arg); r.Refused || !strings.Contains(r.Text, "**dave**") {
			t.Errorf("whois %q → %q, want dave's card", arg, r.Text)
		}
	}
}
