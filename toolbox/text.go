package toolbox

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"smartup0.org/engelbot/ledger"
)

// Text an owner types goes into the ledger's files, which keep printable
// UTF-8 only (docs/ledger.md): a control character would make git treat a
// shard as binary and run as an escape in a reader's terminal. Such text is
// refused, not cleaned: quietly dropping characters would record something
// the owner did not write. Line breaks and tabs are ordinary typing, so
// they are kept where a field has lines, and become spaces where it is
// one line.

// oneLine is text shown within a line wherever it appears — a title, a
// reason, a note: in a list item, a heading, a reply. Runs of spaces, tabs
// and line breaks become one space. what names the field in a refusal
// ("The reason").
func oneLine(what, s string, max int) (string, error) {
	s, err := typedText(what, s, max, false)
	if err != nil {
		return "", err
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' }), " "), nil
}

// multiLine is text with a section of its own on a page — a description,
// a summary, a motivation: line breaks ("\r\n" becomes "\n") and tabs stay.
func multiLine(what, s string, max int) (string, error) {
	return typedText(what, s, max, true)
}

func typedText(what, s string, max int, lines bool) (string, error) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if err := ledger.CheckText(s); err != nil {
		var te *ledger.TextError
		if !errors.As(err, &te) || te.Invalid() {
			return "", ledger.Refuse("%s is not valid UTF-8 text, so the ledger can't keep it. Nothing was written; please type it again.", what)
		}
		fine := ""
		if lines {
			fine = " Line breaks and tabs are fine."
		}
		return "", ledger.Refuse("%s holds a control character (%U), an invisible code that the ledger does not keep: it would garble its files. "+
			"Nothing was written; please send it again without it.%s", what, te.Rune, fine)
	}
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n > max {
		return "", ledger.Refuse("%s is %d characters long; the limit is %d. Please shorten it.", what, n, max)
	}
	return s, nil
}

// errGarbled refuses a write that would put text that is not printable
// into the ledger. The commands refuse such text with their own words
// first; this is the net under them.
var errGarbled = ledger.Refuse("Part of that is not printable text (a control character, or bytes that are not UTF-8), which the ledger does not keep. " +
	"Nothing was written; please send it again without it.")

// checkWritten checks everything a command's write would put into the
// ledger: its rows and pages, and its audit row.
func checkWritten(tx *ledger.Tx, eventID, line string, out ledger.Outcome) error {
	if err := tx.CheckText(); err != nil {
		return err
	}
	for _, f := range []struct{ name, text string }{
		{"event ID", eventID}, {"command", line}, {"action", out.Action}, {"target", out.Target}, {"reply", out.Reply},
	} {
		if err := ledger.CheckText(f.text); err != nil {
			return fmt.Errorf("the audit row's %s would hold %w", f.name, err)
		}
	}
	return nil
}
