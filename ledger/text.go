package ledger

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// The ledger's files hold printable UTF-8 only: valid UTF-8 without
// control characters (C0, DEL, C1), newline and tab excepted. A single NUL
// makes git treat a whole shard as binary ("Binary files differ" for its
// thousand rows), and an escape sequence runs in the terminal of whoever
// reads the file. Commands refuse such text before it reaches a row or a
// page (package toolbox), Tx.CheckText catches what they miss, and
// VerifyAll reports any that a hand edit brought in.

// TextError says where a text stops being printable UTF-8. It never holds
// the text itself, which may be hostile: only what was found, and where.
type TextError struct {
	Offset int  // byte offset of the offending character
	Rune   rune // the control character; utf8.RuneError for a byte that is not UTF-8
	Byte   byte // the byte that is not UTF-8, when Rune is utf8.RuneError
}

// Invalid reports whether the text holds bytes that are not UTF-8 (rather
// than a control character).
func (e *TextError) Invalid() bool { return e.Rune == utf8.RuneError }

func (e *TextError) Error() string { return fmt.Sprintf("%s at byte %d", e.what(), e.Offset) }

// what says what was found, in words and a code, never as itself.
func (e *TextError) what() string {
	if e.Invalid() {
		return fmt.Sprintf("a byte that is not valid UTF-8 (0x%02X)", e.Byte)
	}
	return fmt.Sprintf("a control character (%U)", e.Rune)
}

// CheckText returns nil when s is printable UTF-8 as the ledger keeps it,
// and otherwise a *TextError for its first offending character.
func CheckText(s string) error {
	if e := firstUnprintable([]byte(s)); e != nil {
		return e
	}
	return nil
}

// printable reports whether r may stand in a ledger file.
func printable(r rune) bool { return r == '\n' || r == '\t' || !unicode.IsControl(r) }

// firstUnprintable finds the first character of data that may not stand
// in a ledger file.
func firstUnprintable(data []byte) *TextError {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return &TextError{Offset: i, Rune: utf8.RuneError, Byte: data[i]}
		}
		if !printable(r) {
			return &TextError{Offset: i, Rune: r}
		}
		i += size
	}
	return nil
}

// CheckText checks everything the running mutation has written so far —
// its rows in every index and journal, and its pages — and names the first
// file that would hold text that is not printable UTF-8. A mutation calls
// it last, and refuses rather than commit what it reports.
func (tx *Tx) CheckText() error {
	check := func(file string, data []byte, err error) error {
		if err != nil {
			return err // a value no file can hold: the writer says which
		}
		if e := firstUnprintable(data); e != nil {
			return fmt.Errorf("ledger: %s would hold %w", file, e)
		}
		return nil
	}
	for _, ix := range indexes {
		if ix.running(&tx.overlays) {
			data, err := ix.runningCSV(&tx.overlays)
			if err := check(ix.dir, data, err); err != nil {
				return err
			}
		}
	}
	if len(tx.sc.cur) > 0 {
		data, err := encodeCSV(tx.sc.cur)
		if err := check(SCDir, data, err); err != nil {
			return err
		}
	}
	if len(tx.sk.cur) > 0 {
		data, err := encodeCSV(tx.sk.cur)
		if err := check(SKDir, data, err); err != nil {
			return err
		}
	}
	if len(tx.treasury.cur) > 0 {
		data, err := encodeCSV(tx.treasury.cur)
		if err := check(TreasuryDir, data, err); err != nil {
			return err
		}
	}
	if len(tx.votes.cur) > 0 {
		data, err := encodeCSV(tx.votes.cur)
		if err := check(VotesDir, data, err); err != nil {
			return err
		}
	}
	for p, data := range tx.pages.cur {
		if err := check(p, data, nil); err != nil {
			return err
		}
	}
	return nil
}
