package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// verifyText reads every ledger file of the snapshot and reports each one
// that holds text that is not printable UTF-8: the file, the first line
// with such a character, what the character is (never the character
// itself), and how many lines have one. Commands keep to printable text,
// so what is found came in by hand, or was written by a version of
// Engelbot from before this check.
func (s *Snapshot) verifyText(ctx context.Context, st Store) ([]Problem, error) {
	var paths []string
	s.tree.each(func(p, _ string) {
		if isLedgerFile(p) || strings.HasPrefix(p, EventsDir+"/") {
			paths = append(paths, p)
		}
	})
	sort.Strings(paths)

	found := make([]*Problem, len(paths))
	err := forEach(ctx, len(paths), func(i int) error {
		f, err := st.ReadFile(ctx, paths[i])
		switch {
		case errors.Is(err, ErrNotFound):
			// Gone since the snapshot was taken: not this check's business.
		case err != nil:
			return fmt.Errorf("reading %s: %w", paths[i], err)
		default:
			found[i] = textProblem(paths[i], f.Content)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var ps []Problem
	for _, p := range found {
		if p != nil {
			ps = append(ps, *p)
		}
	}
	return ps, nil
}

// textProblem is the problem a file's content has, if any.
func textProblem(path string, data []byte) *Problem {
	var (
		first          *TextError
		line, badLines int
	)
	for lineNo, rest := 1, data; len(rest) > 0; lineNo++ {
		var l []byte
		l, rest, _ = bytes.Cut(rest, []byte{'\n'})
		if e := firstUnprintable(l); e != nil {
			badLines++
			if first == nil {
				first, line = e, lineNo
			}
		}
	}
	if first == nil {
		return nil
	}
	what := "holds " + first.what()
	switch {
	case badLines == 2:
		what += ", and so does 1 more line"
	case badLines > 2:
		what += fmt.Sprintf(", and so do %d more lines", badLines-1)
	}
	what += ": the ledger keeps printable UTF-8 only"
	return &Problem{Where: fmt.Sprintf("%s line %d", path, line), What: what}
}

// visible writes anything in a problem's text that is not printable —
// taken from a file name, an author or an event ID a hand edit chose — as
// an escape, so that a report never carries raw control bytes to a
// terminal or a chat.
func visible(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r) // '\x1b', '\u009b'
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
	}
	return b.String()
}
