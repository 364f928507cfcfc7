package ledger_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
)

// Any text an owner can type survives a write and a read unchanged, and
// nothing the ledger writes starts with a spreadsheet formula character.
func TestCSVRoundTripsText(t *testing.T) {
	texts := []string{
		"plain", "", `with "quotes"`, "crlf\r\ninside", "lone\rcr", "trailing\r\n", "comma, separated", "new\nline", "tab\there", "ünïcødé ✓ 日本",
		"=SUM(A1:A9)", "+1", "-2", "@user", "'apostrophe", "''two", "'=both", "\ttab first", "<b>html</b>",
		"# not a comment", "trailing space ", "../../etc/passwd",
	}
	var rows []ledger.Owner
	for i, s := range texts {
		rows = append(rows, ledger.Owner{Alias: s, MatrixID: "@x:y", License: "work", Status: "active", Joined: time.Unix(int64(i), 0).UTC()})
	}
	data := ledger.EncodeCSV(rows)
	for _, line := range strings.Split(string(data), "\n") {
		field := strings.TrimPrefix(line, `"`)
		if field != "" && strings.ContainsRune("=+-@\t", rune(field[0])) {
			t.Errorf("a written line starts with a formula character: %q", line)
		}
	}
	back, err := ledger.DecodeCSV[ledger.Owner]("book.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(texts) {
		t.Fatalf("read %d rows, wrote %d", len(back), len(texts))
	}
	for i, s := range texts {
		if back[i].Alias != s {
			t.Errorf("row %d: wrote %q, read %q", i, s, back[i].Alias)
		}
		if !back[i].Joined.Equal(rows[i].Joined) {
			t.Errorf("row %d: time %v became %v", i, rows[i].Joined, back[i].Joined)
		}
	}
}

// A bad file is refused with the file, line and column named.
func TestCSVStrictReading(t *testing.T) {
	header := strings.Join(ledger.Columns[ledger.Task](), ",")
	good := "6_1_1_1,3_1_x,5_1,Title,S,25,open,,,bob,2026-01-02T03:04:05Z,2026-01-02T03:04:05Z,"
	for _, tc := range []struct {
		name, data string
		line       int
		column     string
	}{
		{"empty file", "", 1, ""},
		{"missing column", strings.TrimSuffix(header, ",wiki_path") + "\n", 1, "wiki_path"},
		{"unknown column", header + ",extra\n", 1, "extra"},
		{"renamed column", strings.Replace(header, "title", "name", 1) + "\n", 1, "name"},
		{"short row", header + "\n" + good + "\n6_1_1_2,x\n", 3, ""},
		{"bad number", header + "\n" + strings.Replace(good, ",25,", ",many,", 1) + "\n", 2, "budget_sc"},
		{"bad time", header + "\n" + strings.Replace(good, "2026-01-02T03:04:05Z,2026", "yesterday,2026", 1) + "\n", 2, "created_at"},
		{"bad quoting", header + "\n" + `6_1_1_1,"unclosed` + "\n", 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ledger.DecodeCSV[ledger.Task]("indexes/tasks.csv", []byte(tc.data))
			var pe *ledger.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a ParseError", err)
			}
			if pe.File != "indexes/tasks.csv" || pe.Line != tc.line || pe.Column != tc.column {
				t.Fatalf("error names %s:%d column %q, want line %d column %q (%v)", pe.File, pe.Line, pe.Column, tc.line, tc.column, err)
			}
		})
	}
	rows, err := ledger.DecodeCSV[ledger.Task]("t.csv", []byte("# a comment\n"+header+"\r\n# another\n\n"+good+"\n"))
	if err != nil || len(rows) != 1 || rows[0].ID != "6_1_1_1" {
		t.Fatalf("comment lines are not skipped: %v %+v", err, rows)
	}
}

// Any two strings survive a write and a read, whatever bytes they hold.
func FuzzCSVRoundTrip(f *testing.F) {
	for _, s := range []string{"", "a,b", "\"q\"", "x\r\ny", "=1", "#c", "'", "\n", "\r"} {
		f.Add(s, s+"!")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		rows := []ledger.Owner{{Alias: a, MatrixID: b}, {Alias: b, License: a}}
		back, err := ledger.DecodeCSV[ledger.Owner]("f.csv", ledger.EncodeCSV(rows))
		if err != nil {
			t.Fatalf("%q %q: %v", a, b, err)
		}
		if len(back) != 2 || back[0].Alias != a || back[0].MatrixID != b || back[1].Alias != b || back[1].License != a {
			t.Fatalf("%q %q came back as %+v", a, b, back)
		}
	})
}
