package toolbox

import (
	"html"
	"strings"
	"testing"

	"maunium.net/go/mautrix/format"
)

// rendered is the text a reader sees of Markdown as the bot renders it,
// and whether the HTML holds anything besides paragraphs and code.
func rendered(md string) (text string, markup bool) {
	content := format.RenderMarkdown(md, true, false)
	h := content.FormattedBody
	if content.Format == "" { // nothing but text: no HTML is sent
		h = html.EscapeString(content.Body)
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "<p>"), "</p>")
	markup = strings.Contains(strings.NewReplacer("<code>", "", "</code>", "").Replace(h), "<")
	text = html.UnescapeString(strings.NewReplacer("<code>", "", "</code>", "", "\u2060", "").Replace(h))
	return text, markup
}

func TestMDTextReadsAsTyped(t *testing.T) {
	for _, s := range []string{
		"plain words, with punctuation (and brackets)!",
		"[Alice](https://matrix.to/#/@alice:s.test)",
		"![](mxc://evil/cat)",
		"[login](javascript:alert(1))",
		"<b>html</b> <https://evil.example> &amp; &#60;",
		"*em* **strong** _it_ __it__ ~~del~~ ||spoiler|| `code` ``code``",
		`\*escaped\* \\ trailing\`,
		"# heading", "> quote", "- item", "+ item", "12. item", "3) item",
		"snake_case and 6_1_7_1 stay readable",
	} {
		got, markup := rendered("x " + mdText(s) + " y")
		if want := "x " + s + " y"; got != want || markup {
			t.Errorf("mdText(%q) reads %q (markup: %v), want %q", s, got, markup, want)
		}
		// At the start of a line too: no heading, list or quote.
		if got, markup := rendered(mdText(s)); got != s || markup {
			t.Errorf("mdText(%q) first on a line reads %q (markup: %v)", s, got, markup)
		}
	}
	if got := mdText("6_1_7_1 snake_case"); got != "6_1_7_1 snake_case" {
		t.Errorf("underscores within words are escaped: %q", got)
	}
	if got := mdText("two\nlines\r\nhere"); strings.ContainsAny(got, "\r\n") {
		t.Errorf("mdText keeps a line break: %q", got)
	}
}

func TestMDCodeCannotBeClosedEarly(t *testing.T) {
	for _, s := range []string{
		"plain", "a`b", "a``b", "```", "`start", "end`", "` both `", " spaced ", "[x](javascript:alert(1)) <b>",
	} {
		got, markup := rendered("x " + mdCode(s) + " y")
		if want := "x " + s + " y"; got != want || markup {
			t.Errorf("mdCode(%q) = %s reads %q (markup: %v), want %q", s, mdCode(s), got, markup, want)
		}
	}
}

func TestRoomMentionIsBroken(t *testing.T) {
	for _, s := range []string{mdText("hey @room and @ROOM"), mdCode("@Room!"), quoteArg("@room")} {
		body := format.RenderMarkdown(s, true, false).Body
		if strings.Contains(strings.ToLower(body), "@room") {
			t.Errorf("%q: the plain body %q says @room", s, body)
		}
	}
	if got := noRoomMention("mail@roommates.org"); strings.Contains(got, "@room") {
		t.Errorf("noRoomMention missed %q", got)
	}
	if got := noRoomMention("nothing here"); got != "nothing here" {
		t.Errorf("noRoomMention changed %q", got)
	}
}

func TestQuoteArg(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"6_1_x", "`6_1_x`"},
		{"", "`\"\"`"},
		{" padded", "`\" padded\"`"},
		{"esc\x1b[31m", "`\"esc\\x1b[31m\"`"},
		{"a`b", "``a`b``"},
		{strings.Repeat("x", 50), "`" + strings.Repeat("x", 40) + "…`"},
	} {
		if got := quoteArg(tc.in); got != tc.want {
			t.Errorf("quoteArg(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
