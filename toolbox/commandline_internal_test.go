package toolbox

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The audit row keeps the command as typed, so that a reader of
// master-events sees what was asked. What was typed may hold anything a
// Matrix client can send; the audit copy must still be printable text that
// says exactly what it was: each argument either as typed, or quoted with
// its control characters and stray bytes written out as escapes.
func TestCommandLineIsPrintable(t *testing.T) {
	cases := [][]string{
		{"dave", "thanks\u0000\u001b[2J\u001b]0;owned\u0007"},
		{"dave", "thanks\u009b31m"},
		{"dave", "a\rb"},
		{"dave", "bad\xff\xfebytes"},
		{"dave", "del\u007f"},
		{"dave", "two words", "tab\there", "line\nbreak", `say "hi"`},
		{"dave", `back\slash`, `\x1b`, "café 🎉", "ok"},
		{"dave", ""},
	}
	for _, args := range cases {
		c := &call{Request: &Request{Args: args}, cmd: cmdKudos}
		line := c.commandLine()
		if !utf8.ValidString(line) || strings.ContainsFunc(line, unicode.IsControl) {
			t.Errorf("args %q → audit line %q, which is not printable text", args, line)
			continue
		}
		if got := splitAuditLine(t, line); !slices.Equal(got, append([]string{"!kudos"}, args...)) {
			t.Errorf("audit line %q reads back as %q, want %q", line, got[1:], args)
		}
	}
}

// splitAuditLine reads an audit line back into its words: a word in double
// quotes is a Go string literal, any other word is as typed.
func splitAuditLine(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	for line != "" {
		line = strings.TrimPrefix(line, " ")
		if strings.HasPrefix(line, `"`) {
			lit, err := strconv.QuotedPrefix(line)
			if err != nil {
				t.Fatalf("audit line %q: %v", line, err)
			}
			w, _ := strconv.Unquote(lit)
			words = append(words, w)
			line = line[len(lit):]
			continue
		}
		w, rest, _ := strings.Cut(line, " ")
		words = append(words, w)
		line = rest
	}
	return words
}
