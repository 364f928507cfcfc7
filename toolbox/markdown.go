package toolbox

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Replies and announcements are Markdown, which the bot renders to HTML.
// Text someone typed — a title, a reason, a note, an argument, an unknown
// command's name — is data, whether it comes straight from the command or
// back from the ledger: put into a reply as it is, "[x](…)" would become a
// link, "![](mxc://…)" an image, a matrix.to link a mention, "<b>" HTML, and
// a backtick would close the code span around it. Every such piece goes
// through mdText (in a sentence) or mdCode (as code). Aliases, IDs and
// other values the ledger checked against a pattern need neither.

// mdSpecial are the characters that start Markdown markup within a line:
// links and images ([ ]), raw HTML and autolinks (< >), entities (&), code
// spans (`), emphasis (* _), strikethrough (~), spoilers and tables (|),
// headings (#) and escapes (\). Each is escaped with a backslash.
const mdSpecial = "\\`*_[]<>&~|#"

// mdText is typed text for a sentence of a reply: it reads exactly as
// typed, and none of it is markup. Line breaks become spaces, so that it
// stays within the line it is put in.
func mdText(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == '\n' || r == '\r':
			r = ' '
		case r == '_' && i > 0 && i+1 < len(rs) && alnum(rs[i-1]) && alnum(rs[i+1]):
			// Between letters or digits (6_1_7_1, snake_case) an
			// underscore can neither open nor close emphasis.
		case strings.ContainsRune(mdSpecial, r):
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return noRoomMention(escapeLineStart(b.String()))
}

func alnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// escapeLineStart escapes what would make a line a list item if the text
// came first on it: a leading - or +, or a number followed by . or ).
func escapeLineStart(s string) string {
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return `\` + s
	}
	digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
	if digits > 0 && digits < len(s) && (s[digits] == '.' || s[digits] == ')') {
		return s[:digits] + `\` + s[digits:]
	}
	return s
}

// mdCode is typed text shown as code. Its backtick fence is longer than
// any run of backticks inside, as CommonMark allows, so the text cannot
// close the span early; nothing inside a code span is markup. Line breaks
// become spaces.
func mdCode(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	// A span's content loses one space at each end when it has one at
	// both; padding keeps a backtick at an end from joining the fence,
	// and the text's own spaces as typed.
	if s == "" || s[0] == '`' || s[len(s)-1] == '`' || (s[0] == ' ' && s[len(s)-1] == ' ' && strings.Trim(s, " ") != "") {
		s = " " + s + " "
	}
	return fence + noRoomMention(s) + fence
}

// noRoomMention keeps "@room" in typed text from notifying everyone in the
// room. A homeserver applying the older push rules (Dendrite does) notifies
// the whole room for any "@room" in a message's plain body, whoever typed
// it, when the sender may do so — and the bot usually may. An invisible
// word joiner after the @ breaks the match and changes nothing a reader
// sees.
func noRoomMention(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i+len("@room") <= len(s); i++ {
		if s[i] == '@' && strings.EqualFold(s[i+1:i+len("@room")], "room") {
			b.WriteString(s[last : i+1])
			b.WriteString("\u2060")
			last = i + 1
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// quoteArg echoes an argument as typed, as code and cut short, so that a
// refusal never repeats a whole pasted page. An argument that would not
// read back as itself — empty, spaces at an end, a control character,
// bytes that are not UTF-8 — is shown as a quoted string, with escapes
// that make every character visible.
func quoteArg(s string) string {
	const most = 40
	if utf8.RuneCountInString(s) > most {
		s = string([]rune(s)[:most]) + "…"
	}
	if s == "" || s != strings.TrimSpace(s) || !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) {
		s = strconv.Quote(s)
	}
	return mdCode(s)
}
