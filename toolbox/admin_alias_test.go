package toolbox_test

import (
	"strings"
	"testing"
)

// An alias names its owner's page in the ledger (pages/owners/<alias>.md),
// so it must be a file name every system can check out. Windows reserves
// CON, PRN, AUX, NUL, COM0–COM9 and LPT0–LPT9 as device names, in any case
// and with any extension after them (NUL.txt and NUL.tar.gz are NUL), and
// drops a trailing dot: such aliases are refused, and nothing is written.
func TestAddOwnerRefusesAliasesThatAreNotPortableFileNames(t *testing.T) {
	f := newAdminFixture(t)
	var cases []adminRefusal
	for _, alias := range []string{
		"con", "prn", "aux", "nul", "com0", "com1", "com9", "lpt0", "lpt1", "lpt9",
		"CON", "Nul", "con.txt", "nul.tar.gz", "Lpt3.md", "aux.",
	} {
		cases = append(cases, adminRefusal{who: "ada", line: "!add_owner @frank:s.test " + alias + " work", want: "reserve"})
	}
	for _, alias := range []string{"frank.", "frank-", "frank_"} {
		cases = append(cases, adminRefusal{who: "ada", line: "!add_owner @frank:s.test " + alias + " work", want: "ends with a letter or a digit"})
	}
	f.refusals(f.tb, cases)

	// Names that only look like them are fine.
	for i, alias := range []string{"console", "com10", "lpt", "auxiliary", "nul1", "con-man", "con_1", "prn2.b"} {
		r := f.dm("ada", "!add_owner @new"+strings.Repeat("x", i)+":s.test "+alias+" work")
		if r.Refused {
			t.Errorf("alias %q refused: %s", alias, r.Text)
		}
	}
}
