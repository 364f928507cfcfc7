package publish

import (
	"html"
	"strconv"
	"strings"
	"testing"
)

// TestTextIsInert: typed text keeps only letters, digits, spaces and
// non-ASCII characters as they are; everything else is a numeric entity,
// which a browser shows as the character typed. Line breaks and controls
// become spaces.
func TestTextIsInert(t *testing.T) {
	for _, in := range []string{
		"<script>alert(1)</script>", "[x](http://evil)", "![i](http://evil/i.png)", "{: onclick=x}", "!!! note",
		"# heading", "| a | b |", "`", "---", "&lt;", "@room", "a_b*c~d=e^f:g+h/i.j\\k", "Zoë 日本 ✓",
	} {
		out := text(in)
		stripped := out
		for _, r := range in {
			if r < 0x80 && !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == ' ') {
				stripped = strings.ReplaceAll(stripped, "&#"+strconv.Itoa(int(r))+";", "")
			}
		}
		if strings.ContainsAny(stripped, "<>[](){}!#|`-&@*_~=^:+/.\\;") {
			t.Errorf("text(%q) = %q keeps markup characters", in, out)
		}
		if got := html.UnescapeString(out); got != in {
			t.Errorf("text(%q) reads as %q", in, got)
		}
	}
	if got := text("a\nb\r\u2028c\x00d\u202ee"); strings.ContainsAny(got, "\n\r\u2028\x00\u202e") || html.UnescapeString(got) != "a b  c d e" {
		t.Errorf("line breaks and controls: %q", got)
	}
}

// TestSlugKeepsIDsApart: an ID the ledger checked is its own slug; any
// other becomes a safe name that differs from every other ID's.
func TestSlugKeepsIDsApart(t *testing.T) {
	if s := slug("6_1_7_12"); s != "6_1_7_12" {
		t.Errorf("slug(6_1_7_12) = %q", s)
	}
	a, b := slug("x y"), slug("x/y")
	if a == b || strings.ContainsAny(a+b, " /\"<>") {
		t.Errorf("slug: %q and %q", a, b)
	}
}

// TestRelLinksBetweenPages: links between the section's folders.
func TestRelLinksBetweenPages(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{"index.md", "owners/001.md", "owners/001.md"},
		{"owners/001.md", "owners/002.md", "002.md"},
		{"owners/001.md", "index.md", "../index.md"},
		{"tasks/team/obj-001.md", "owners/001.md", "../../owners/001.md"},
		{"tasks/team/obj-001.md", "tasks/index.md", "../index.md"},
		{"teams/a.md", "tasks/t/o-001.md", "../tasks/t/o-001.md"},
	} {
		if got := rel(tc.from, tc.to); got != tc.want {
			t.Errorf("rel(%s, %s) = %s, want %s", tc.from, tc.to, got, tc.want)
		}
	}
}

// TestIDsSortByNumber: 6_1_7_2 before 6_1_7_10, by compareIDs and idKey.
func TestIDsSortByNumber(t *testing.T) {
	ids := []string{"6_1_7_2", "6_1_7_10", "6_2_1_1", "6_1_10_1", "5_1"}
	for _, a := range ids {
		for _, b := range ids {
			c, k := compareIDs(a, b), strings.Compare(idKey(a), idKey(b))
			if c != k {
				t.Errorf("%s vs %s: compareIDs %d, idKey %d", a, b, c, k)
			}
		}
	}
	if compareIDs("6_1_7_2", "6_1_7_10") >= 0 {
		t.Error("6_1_7_2 does not sort before 6_1_7_10")
	}
}
