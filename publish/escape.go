package publish

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"unicode"
)

// The site is built by MkDocs, whose Markdown (Python-Markdown with
// whatever extensions the site enables: attr_list, md_in_html, pymdownx.*,
// admonition, toc…) gives meaning to almost every ASCII punctuation mark
// somewhere: < for HTML, [ ] ( ) for links, ! for images and admonitions,
// { } for attribute lists, # for headings, | for tables, : for emoji and
// definitions, + ~ = ^ for pymdownx's inline marks, @ for mentions, / and
// . for magic links. Rather than chase each extension's syntax, text a
// person typed keeps only letters, digits and spaces as they are; every
// other ASCII character becomes a numeric character reference, which
// Python-Markdown passes through as an entity and a browser shows as the
// character. No pattern can match what is no longer there.

// text makes typed text inert: it reads as typed, and none of it is markup.
// Characters that are not printable (line breaks, controls, bidirectional
// overrides) become spaces, so that it stays on its line.
func text(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == ' '):
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || !unicode.IsPrint(r):
			b.WriteByte(' ')
		case r < 0x80:
			b.WriteString("&#")
			b.WriteString(strconv.Itoa(int(r)))
			b.WriteByte(';')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// textOr is text, or what to show when there is none.
func textOr(s, none string) string {
	if strings.TrimSpace(s) == "" {
		return none
	}
	return text(s)
}

// slug turns an ID into a name safe as a file name and an HTML anchor:
// lower-case letters, digits, _ and -. IDs the ledger checked already are
// slugs of themselves; anything else is also given a hash of the original,
// so that two IDs differing only in what was replaced stay apart.
func slug(id string) string {
	var b strings.Builder
	changed := id == ""
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(unicode.ToLower(r))
			changed = true
		default:
			b.WriteByte('-')
			changed = true
		}
	}
	if changed {
		h := fnv.New32a()
		h.Write([]byte(id))
		fmt.Fprintf(&b, "-%08x", h.Sum32())
	}
	return b.String()
}

// isHex reports whether s is a hex string (a commit or a hash), which may be
// shown as it is.
func isHex(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}
