package toolbox

import (
	"regexp"
	"slices"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// An alias is an owner's public name, and it names their page in the
// ledger (pages/owners/<alias>.md): it must be a file name that every
// system can check out, with one spelling only. Hence lower case (one file
// on case-insensitive file systems), ASCII letters, digits and `_ - .`, a
// letter or digit at both ends (no hidden files; Windows drops a trailing
// dot), and none of the names Windows reserves for devices.

var aliasShape = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,30}[a-z0-9]$`)

// reservedAliases are names the ledger already uses for itself: scheduled
// work is recorded with the actor engelbot.
var reservedAliases = []string{"engelbot"}

// deviceNames are the file names Windows reserves, in any case and with
// any extension after them: NUL.txt and NUL.tar.gz are NUL too.
var deviceNames = []string{
	"con", "prn", "aux", "nul",
	"com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
	"lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
}

// isDeviceName reports whether a file named name.md would be a device on
// Windows: what comes before its first dot is a reserved name.
func isDeviceName(name string) bool {
	base, _, _ := strings.Cut(strings.ToLower(name), ".")
	return slices.Contains(deviceNames, base)
}

// checkAlias refuses what can't be an alias. echo: the refusal may repeat
// what was typed, and suggest a corrected alias; onboarding passes false,
// since an argument typed in the wrong place may be part of a real name.
func checkAlias(alias string, echo bool) error {
	lower := strings.ToLower(alias)
	what := "That alias"
	if echo {
		what = quoteArg(alias)
	}
	switch {
	case isDeviceName(alias):
		return ledger.Refuse("%s can't be an alias: an alias names the owner's page in the ledger, and CON, PRN, AUX, NUL, COM0–COM9 and LPT0–LPT9 "+
			"are names Windows reserves for devices, even with an extension after them, so the ledger could not be checked out there. Please choose another.", what)
	case alias != lower && aliasShape.MatchString(lower):
		if !echo {
			return ledger.Refuse("Aliases are lower case; please type it again in lower case.")
		}
		return ledger.Refuse("Aliases are lower case: use `%s`.", lower)
	case len(alias) > 2 && strings.ContainsRune("_.-", rune(alias[len(alias)-1])) && aliasShape.MatchString(lower[:len(lower)-1]):
		if !echo {
			return ledger.Refuse("%s can't be an alias: an alias starts and ends with a letter or a digit.", what)
		}
		return ledger.Refuse("%s can't be an alias: an alias starts and ends with a letter or a digit, like `%s`.", what, lower[:len(lower)-1])
	case !aliasShape.MatchString(alias):
		return ledger.Refuse("%s can't be an alias. An alias is 2–32 characters — lower-case letters, digits, `_`, `-` and `.` — and starts and ends with a letter or a digit, like `frank` or `frank.j`.", what)
	case slices.Contains(reservedAliases, alias):
		return ledger.Refuse("`%s` is the name Engelbot records its own work under, so it can't be an owner's alias. Please choose another.", alias)
	}
	return nil
}
