package toolbox_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"smartup0.org/engelbot/ledger"
)

// Control characters and stray bytes written into the ledger behind its
// back — an edit committed straight to the repository — are found by
// !verify, named by file and line, and never shown raw: the answer goes to
// a chat, and `engelbot verify` prints the same problems to a terminal.
func TestVerifyFindsControlCharacters(t *testing.T) {
	f := newAdminFixture(t)
	ctx := t.Context()
	tasks, err := f.store.ReadFile(ctx, ledger.ShardPath(ledger.TasksIndex, 1))
	if err != nil {
		t.Fatal(err)
	}
	// The line of the tasks index that gets an escape sequence, as the
	// file says, and pages with NULs and a stray byte.
	lines := strings.Split(string(tasks.Content), "\n")
	taskLine := 0
	for i, l := range lines {
		if strings.Contains(l, "Count the chairs") {
			taskLine = i + 1
		}
	}
	if taskLine == 0 {
		t.Fatalf("no line of %s holds the task's title:\n%s", ledger.ShardPath(ledger.TasksIndex, 1), tasks.Content)
	}
	edited := strings.Replace(string(tasks.Content), "Count the chairs", "Count the\x1b[2J\x1b]0;owned\x07 chairs", 1)
	const page, page2 = "pages/tasks/forged.md", "pages/tasks/forged2.md"
	c := ledger.Commit{
		Message: "a hand edit", Author: ledger.Signature{Name: "Some\x1b[31mone", Email: "someone@example.org"},
		Changes: []ledger.Change{
			{Op: ledger.OpUpdate, Path: ledger.ShardPath(ledger.TasksIndex, 1), Content: []byte(edited), SHA: tasks.SHA},
			{Op: ledger.OpCreate, Path: page, Content: []byte("---\ntitle: x\n---\nnul\x00 here\nand\x00 again\n")},
			{Op: ledger.OpCreate, Path: page2, Content: []byte("---\ntitle: \xfe\n---\n")},
		},
	}
	if _, err := f.store.Commit(ctx, c); err != nil {
		t.Fatal(err)
	}

	r := f.dm("ada", "!verify")
	if r.Refused {
		t.Fatalf("verify: %+v", r)
	}
	for _, want := range []string{
		fmt.Sprintf("%s line %d: holds a control character (U+001B)", ledger.ShardPath(ledger.TasksIndex, 1), taskLine),
		page + " line 4: holds a control character (U+0000), and so does 1 more line",
		page2 + " line 2: holds a byte that is not valid UTF-8 (0xFE)",
	} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("the answer does not say %q:\n%s", want, r.Text)
		}
	}
	if !utf8.ValidString(r.Text) || strings.ContainsFunc(r.Text, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) {
		t.Errorf("the answer carries raw control characters or bytes: %q", r.Text)
	}
}
