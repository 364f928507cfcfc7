package ledger_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
)

// Tx.CheckText is the net under the commands' own refusals: whatever a
// mutation put into a row or a page that is not printable UTF-8 is found
// before it is committed, and the file it would have gone to is named.
func TestTxCheckTextNamesTheFile(t *testing.T) {
	st, err := localgit.Open(t.TempDir()+"/l.git", "main")
	if err != nil {
		t.Fatal(err)
	}
	l, err := ledger.Open(t.Context(), st, ledger.Options{Clock: func() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)

	cases := []struct {
		name, file string
		write      func(tx *ledger.Tx)
		rune       rune // utf8.RuneError for a stray byte; 0: printable
	}{
		{"a title with an escape", ledger.TasksIndex, func(tx *ledger.Tx) { tx.PutTask(ledger.Task{ID: "6_1_7_1", Title: "a\x1b[2Jb"}) }, 0x1b},
		{"a C1 control in an SK note", ledger.SKDir, func(tx *ledger.Tx) { tx.AppendSK(ledger.SKTx{Alias: "dave", Note: "x\u009by"}) }, 0x9b},
		{"a stray byte on a page", "pages/tasks/6_1_7_1.md", func(tx *ledger.Tx) {
			tx.WritePage("pages/tasks/6_1_7_1.md", ledger.Page{Front: ledger.Frontmatter{Title: "t"}, Body: "ok\xffno"})
		}, 0xfffd},
		{"lines, tabs and any script", "", func(tx *ledger.Tx) {
			tx.PutTask(ledger.Task{ID: "6_1_7_2", Title: "Ω ≠ 0 🎉"})
			tx.WritePage("pages/tasks/6_1_7_2.md", ledger.Page{Front: ledger.Frontmatter{Title: "t"}, Body: "a\n\tb\n"})
		}, 0},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var checked error
			_, err := l.Apply(t.Context(), ledger.Mutation{
				EventID: "$" + tc.name, Actor: "engelbot", Command: "test",
				Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
					tc.write(tx)
					checked = tx.CheckText()
					return ledger.Outcome{}, ledger.Refuse("only checking")
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			var te *ledger.TextError
			switch {
			case tc.rune == 0 && checked != nil:
				t.Errorf("case %d: printable text refused: %v", i, checked)
			case tc.rune == 0:
			case !errors.As(checked, &te):
				t.Errorf("case %d: CheckText = %v, want a *TextError", i, checked)
			case te.Rune != tc.rune || !strings.Contains(checked.Error(), tc.file):
				t.Errorf("case %d: CheckText = %v (rune %U), want %U in %s", i, checked, te.Rune, tc.rune, tc.file)
			}
		})
	}
}
