package toolbox_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"smartup0.org/engelbot/toolbox"
)

// The ledger keeps printable UTF-8 only. Text arrives from any Matrix
// client as JSON, where "\u0000" or "\u001b[2J" is as easy to send as a
// letter: raw control characters in a shard make git call it binary for all
// its rows, and a terminal that shows it runs the escapes.

// hostile is what an owner can put into an argument.
// refusalFor is what a refusal of hostile text must name.
func refusalFor(text string) string {
	if !utf8.ValidString(text) {
		return "UTF-8"
	}
	return "control character"
}

var hostile = []struct{ name, text string }{
	{"escapes and a NUL", "thanks\u0000\u001b[2J\u001b]0;owned\u0007"},
	{"a C1 control (CSI)", "thanks\u009b31m"},
	{"a carriage return over the text", "thanks\rowned"},
	{"invalid UTF-8", "thanks\xff\xfe"},
	{"DEL", "thanks\u007f"},
}

// unprintable lists, for every file on the scene's ledger branch, each line
// that holds a byte that is not valid UTF-8 or a control character other
// than newline and tab. It is written apart from the code under test, as
// the plain rule the ledger promises.
func (s *scene) unprintable() []string {
	s.t.Helper()
	tree, err := s.store.Tree(s.t.Context(), "")
	if err != nil {
		s.t.Fatal(err)
	}
	var bad []string
	for p := range tree.Files {
		f, err := s.store.ReadFile(s.t.Context(), p)
		if err != nil {
			s.t.Fatal(err)
		}
		for i, line := range strings.Split(string(f.Content), "\n") {
			if !utf8.ValidString(line) {
				bad = append(bad, fmt.Sprintf("%s line %d: invalid UTF-8 %q", p, i+1, line))
				continue
			}
			for _, r := range line {
				if unicode.IsControl(r) && r != '\t' {
					bad = append(bad, fmt.Sprintf("%s line %d: %U in %q", p, i+1, r, line))
					break
				}
			}
		}
	}
	sort.Strings(bad)
	return bad
}

// refusedUnchanged checks that a reply refuses, says why, writes nothing
// and shows no raw control character in Element.
func (s *scene) refusedUnchanged(t *testing.T, before string, what string, r toolbox.Reply, want ...string) {
	t.Helper()
	if !r.Refused {
		t.Errorf("%s → %q, want a refusal", what, r.Text)
	}
	for _, w := range want {
		if !strings.Contains(r.Text, w) {
			t.Errorf("%s → %q, want it to say %q", what, r.Text, w)
		}
	}
	if !utf8.ValidString(r.Text) || strings.ContainsFunc(r.Text, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) {
		t.Errorf("%s: the answer carries raw control characters: %q", what, r.Text)
	}
	if s.head() != before {
		t.Fatalf("%s was refused but wrote to the ledger", what)
	}
}

// Workers' free text: kudos reasons, stop_work summaries, motivations.
func TestWorkersRefuseControlCharacters(t *testing.T) {
	f := newWorkersFixture(t)
	if r := f.run("carol", "!start_work 6_1_7_11"); r.Refused {
		t.Fatal(r.Text)
	}
	for _, h := range hostile {
		t.Run(h.name, func(t *testing.T) {
			before := f.head()
			want := refusalFor(h.text)
			for _, req := range []struct{ who, cmd string }{
				{"carol", "kudos dave"},
				{"gina", "apply 4_2_5_editor"},
				{"carol", "stop_work"},
			} {
				fields := strings.Fields(req.cmd)
				r := f.request(f.tb, toolbox.Request{
					Sender: "@" + req.who + ":s.test", Room: toolbox.Room{Kind: toolbox.RoomTeam, Team: opsTeam},
					Command: fields[0], Args: append(fields[1:], "well", h.text),
				})
				f.refusedUnchanged(t, before, "!"+req.cmd+" with "+h.name, r, want, "Nothing was written")
			}
		})
	}
}

// Captains' free text: titles, descriptions, SK notes, assessment notes.
func TestCaptainsRefuseControlCharacters(t *testing.T) {
	f := newCaptainFixture(t)
	for _, h := range hostile {
		t.Run(h.name, func(t *testing.T) {
			before := f.head()
			want := refusalFor(h.text)
			for _, args := range [][]string{
				{"create_task", "M", "Fix", h.text},
				{"create_task", "M", "Fix the lights", "|", h.text},
				{"award_sk", "carol", "documentation", h.text},
				{"assess", "6_1_7_1", "5", "5", "5", h.text},
			} {
				r := f.request(f.tb, toolbox.Request{Sender: "@bob:s.test", Room: opsRoom, Command: args[0], Args: args[1:]})
				f.refusedUnchanged(t, before, fmt.Sprintf("!%s %q", args[0], args[1:]), r, want, "Nothing was written")
			}
		})
	}
}

// What the commands above would have written, read back from every file:
// hostile text is refused, and text with line breaks, tabs and any
// printable script is kept — on one line where the field is one line.
func TestLedgerFilesStayPrintable(t *testing.T) {
	f := newWorkersFixture(t)
	ops := toolbox.Room{Kind: toolbox.RoomTeam, Team: opsTeam}
	send := func(who, cmd string, args ...string) toolbox.Reply {
		t.Helper()
		return f.request(f.tb, toolbox.Request{Sender: "@" + who + ":s.test", Room: ops, Command: cmd, Args: args})
	}
	for _, h := range hostile {
		send("carol", "kudos", "dave", h.text)
		send("gina", "apply", "4_2_5_editor", h.text)
	}
	if r := send("carol", "kudos", "dave", "merci\tpour\r\nle café 🎉"); r.Refused {
		t.Fatalf("kudos with a line break: %s", r.Text)
	}
	if r := send("carol", "start_work", "6_1_7_11"); r.Refused {
		t.Fatal(r.Text)
	}
	if r := send("carol", "stop_work", "Fixed the lights.\r\n\tThe fan\ttoo; Ω ≠ 0"); r.Refused {
		t.Fatalf("stop_work with a line break: %s", r.Text)
	}

	if bad := f.unprintable(); len(bad) > 0 {
		t.Errorf("the ledger holds text that is not printable UTF-8:\n%s", strings.Join(bad, "\n"))
	}
	// The kudos reason is one line; the summary keeps its lines and tabs.
	var note string
	for sk := range f.read().SKTxs() {
		if sk.Category == "kudos" {
			note = sk.Note
		}
	}
	if note != "merci pour le café 🎉" {
		t.Errorf("kudos reason kept as %q, want it on one line", note)
	}
	s, ok := f.read().Session("6_1_7_11_ws1")
	if !ok || s.Summary != "Fixed the lights.\n\tThe fan\ttoo; Ω ≠ 0" {
		t.Errorf("summary kept as %q, want its line break and tabs", s.Summary)
	}
}

// What no command checks itself — here an event ID, which the transport
// hands over — is caught by the net under every write: the write is
// refused in plain words, nothing is written, and the error says for the
// log what was found.
func TestWritesWithUnprintableTextAreRefused(t *testing.T) {
	f := newWorkersFixture(t)
	before := f.head()
	r := f.request(f.tb, toolbox.Request{
		Sender: "@carol:s.test", EventID: "$ev\x1b[2J", Room: toolbox.Room{Kind: toolbox.RoomTeam, Team: opsTeam},
		Command: "kudos", Args: []string{"dave", "thanks"},
	})
	f.refusedUnchanged(t, before, "kudos with an escape in its event ID", r, "not printable", "Nothing was written")
	// The event ID goes into the SK row too, so the row is what is named.
	if r.Err == nil || !strings.Contains(r.Err.Error(), "U+001B") {
		t.Errorf("the error for the log is %v, want it to say what was found", r.Err)
	}
	if bad := f.unprintable(); len(bad) > 0 {
		t.Errorf("the ledger holds text that is not printable UTF-8:\n%s", strings.Join(bad, "\n"))
	}
}
