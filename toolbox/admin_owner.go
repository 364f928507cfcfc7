package toolbox

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"smartup0.org/engelbot/ledger"
)

// Onboarding: !add_owner writes a public Book of Owners row and page, and,
// when the admin gives a real name or an e-mail address, a row of the
// private identity mapping in its own repository.
//
// Write order: the private row first, the ledger second. The ledger is
// append-only in spirit (an owner row is never removed), so it must not
// announce an owner whose identity could not be kept; the identity mapping
// is an upsert keyed by Matrix ID, so a row written for an onboarding that
// then does not happen is harmless — it names nobody in public, gives no
// rights (authority is the Book of Owners), and the next !add_owner for
// that Matrix ID replaces it. Both writes check the same rules: first on a
// fresh snapshot before anything is written, then again inside the ledger
// mutation. Only if another admin onboards the same Matrix ID or alias in
// between does the second check refuse after the private row was written;
// what remains is an identity row whose event_id has no audit row in the
// ledger, and the admin is told so. docs/ledger.md says the same.

var cmdAddOwner = &Command{
	Name: "add_owner", Tier: TierAdmin, Params: []Param{{Name: "@user:server", Kind: KindMatrixID}, {Name: "alias", Kind: KindWord}, {Name: "license", Kind: KindLicense}, {Name: "real name", Kind: KindText, Optional: true, Rest: true, Shown: "[real name] [email]"}},
	Summary: "onboard an owner: a public Book of Owners row, and their real name and e-mail in the private identity mapping",
	Help: "Adds someone to the Book of Owners under a public alias, with a license (campaign, watch, work or organizational). " +
		"The Matrix ID must be of this community's homeserver. Aliases are 2–32 characters: lower-case letters, digits, `_`, `-` and `.`, " +
		"starting and ending with a letter or digit, not a device name Windows reserves (`con`, `nul`, `com1`, `lpt1`…, even with an extension), " +
		"and not taken by anyone else. A real name (several words, or in quotes) and an e-mail address " +
		"(the last argument) are optional; they go only to the private identity mapping, never to the ledger, a shared room or the log, " +
		"and the audit trail records the command without them. Example: `!add_owner @frank:smartup0.org frank work Frank Jansen frank@example.org`.",
	Private:   true,
	run:       runAddOwner,
	runInTurn: true,
	write:     addOwner,
}

// newOwner is what !add_owner was asked to record.
type newOwner struct {
	matrixID, alias, license string
	realName, email          string // private: never in the ledger, a reply or a log
}

func (n newOwner) private() bool { return n.realName != "" || n.email != "" }

var matrixIDShape = regexp.MustCompile(`^@[a-z0-9._=/+-]{1,255}:[A-Za-z0-9.-]+(:[0-9]{1,5})?$`)

const (
	maxRealName = 100
	maxEmail    = 254
)

// parseNewOwner reads the arguments and checks their shape. Its refusals
// repeat no argument: one typed in the wrong place may be part of a real
// name or an e-mail address.
func parseNewOwner(args []string) (newOwner, error) {
	n := newOwner{matrixID: args[0], alias: args[1]}
	if !matrixIDShape.MatchString(n.matrixID) {
		return n, ledger.Refuse("The first argument is not a Matrix user ID. Type it in full, like `@frank:smartup0.org`.")
	}
	if err := checkAlias(n.alias, false); err != nil {
		return n, err
	}
	l, ok := license(args[2])
	if !ok {
		return n, licenseRefusal("The third argument")
	}
	n.license = l
	rest := args[3:]
	if len(rest) > 0 && strings.Contains(rest[len(rest)-1], "@") {
		n.email, rest = strings.TrimSpace(rest[len(rest)-1]), rest[:len(rest)-1]
		if !validEmail(n.email) {
			return n, ledger.Refuse("The last argument has an @ but is not an e-mail address I can keep. Give one like `frank@example.org`, or leave it out.")
		}
	}
	n.realName = strings.TrimSpace(strings.Join(rest, " "))
	if err := checkRealName(n.realName); err != nil {
		return n, err
	}
	return n, nil
}

// validEmail accepts a plain address (no display name, no angle brackets)
// with a domain that has a dot.
func validEmail(s string) bool {
	if len(s) > maxEmail || strings.ContainsFunc(s, unicode.IsSpace) {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	_, domain, _ := strings.Cut(s, "@")
	return strings.Contains(strings.Trim(domain, "."), ".")
}

func checkRealName(name string) error {
	switch {
	case !utf8.ValidString(name):
		return ledger.Refuse("The real name is not valid UTF-8; please type it again.")
	case strings.ContainsFunc(name, func(r rune) bool { return unicode.IsControl(r) }):
		return ledger.Refuse("A real name is one line of text: no line breaks, tabs or other control characters.")
	case strings.Contains(name, "@"):
		return ledger.Refuse("A real name has no @ in it. An e-mail address goes last, on its own.")
	case utf8.RuneCountInString(name) > maxRealName:
		return ledger.Refuse("The real name is longer than %d characters; please shorten it.", maxRealName)
	}
	return nil
}

// checkNewOwner applies the Book of Owners' rules: one row per Matrix ID,
// one owner per alias whatever its case.
func checkNewOwner(tx *ledger.Tx, n newOwner) error {
	if o, ok := tx.OwnerByMatrixID(n.matrixID); ok {
		state := ""
		if o.Status != ledger.StatusActive {
			state = ", " + o.Status
		}
		return ledger.Refuse("%s is already in the Book of Owners, as `%s`%s. `!set_license %s <license>` changes their license.", n.matrixID, o.Alias, state, o.Alias)
	}
	if o, ok := tx.Owner(n.alias); ok {
		return ledger.Refuse("The alias `%s` is taken by %s. Please choose another.", n.alias, o.MatrixID)
	}
	for o := range tx.Owners() {
		if strings.EqualFold(o.Alias, n.alias) {
			return ledger.Refuse("The alias `%s` is taken by %s. Please choose another.", n.alias, o.MatrixID)
		}
	}
	return nil
}

// auditLine is the command as the audit trail keeps it: with the private
// part replaced, so the ledger never holds a real name or an address.
func (n newOwner) auditLine() string {
	line := fmt.Sprintf("!add_owner %s %s %s", n.matrixID, n.alias, n.license)
	if n.private() {
		line += " [identity withheld]"
	}
	return line
}

// runAddOwner onboards, and asks the bot to take the typed command out of
// the chat once answered when it carried more than the public part: a real
// name or an address belongs in the identity mapping only.
func runAddOwner(ctx context.Context, tb *Toolbox, c *call) Reply {
	r := addOwnerReply(ctx, tb, c)
	r.Forget = len(c.Args) > 3
	return r
}

func addOwnerReply(ctx context.Context, tb *Toolbox, c *call) Reply {
	n, err := parseNewOwner(c.Args)
	// Set before anything else, so that no path — a write, a duplicate, an
	// error for the log — carries what was typed.
	c.line = "!add_owner [arguments withheld]"
	if err == nil {
		c.line = n.auditLine()
	}
	// The same command delivered again answers as the first time did.
	if _, done := tb.ledger.Current().Applied(c.EventID); done {
		return tb.write(ctx, c)
	}
	if err != nil {
		return refusal(err)
	}
	if server := serverOfID(n.matrixID); server != tb.server {
		return refused(fmt.Sprintf("%s is a user of %s. Only users of %s can be owners: the workspace is defederated. Ask them for an account on %s.",
			n.matrixID, server, tb.server, tb.server))
	}
	snap, err := tb.ledger.Snapshot(ctx)
	if err != nil {
		return unavailable(err)
	}
	if _, done := snap.Applied(c.EventID); done {
		return tb.write(ctx, c)
	}
	err = checkNewOwner(snap.ReadAt(tb.ledger.Now()), n)
	if err != nil || tb.onboarding.inFlight(n) {
		// The admin's previous command may be queued but not committed:
		// it may be what refuses this one, or it onboards the same person
		// and this one must be refused before the identity mapping is
		// written. Check again once it has settled.
		waited, werr := awaitEarlier(ctx)
		if werr != nil {
			return unavailable(werr)
		}
		if waited {
			err = checkNewOwner(tb.ledger.Current().ReadAt(tb.ledger.Now()), n)
		}
	}
	if err != nil {
		return refusal(err)
	}
	defer tb.onboarding.claim(n)()
	if n.private() {
		if tb.identity == nil {
			return refused("No private identity repository is configured, so I can't keep a real name or an e-mail address, and nothing was written. " +
				fmt.Sprintf("Add them without: `!add_owner %s %s %s`; whoever runs Engelbot can set up `identity:` in its configuration.", n.matrixID, n.alias, n.license))
		}
		err := tb.identity.Record(ctx, IdentityEntry{
			MatrixID: n.matrixID, Alias: n.alias, RealName: n.realName, Email: n.email,
			RecordedAt: tb.ledger.Now(), RecordedBy: c.alias, EventID: c.EventID,
		}, letNext(ctx)) // the admin's next onboarding may start: its row is written after this one
		if err != nil {
			r := refused("The private identity repository cannot be reached just now, so nothing was written, neither there nor in the ledger. Please try again in a few minutes.")
			r.Err = err // the Book's errors never quote the entry
			return r
		}
	}
	r := tb.write(ctx, c)
	if n.private() && (r.Refused || r.Err != nil) && !r.Duplicate {
		r.Text += fmt.Sprintf("\n\nTheir real name and e-mail address were already kept in the private identity mapping for %s. "+
			"Nobody sees them there; running `!add_owner` again for %s replaces them.", n.matrixID, n.matrixID)
	}
	return r
}

func addOwner(tx *ledger.Tx, _ ledger.Owner, c *call) (ledger.Outcome, error) {
	n, err := parseNewOwner(c.Args)
	if err != nil {
		return ledger.Outcome{}, err
	}
	if err := checkNewOwner(tx, n); err != nil {
		return ledger.Outcome{}, err
	}
	o := writeOwner(tx, ledger.Owner{
		Alias: n.alias, MatrixID: n.matrixID, License: n.license, Status: ledger.StatusActive, Joined: tx.Now(),
	})
	var b strings.Builder
	fmt.Fprintf(&b, "Welcome aboard, **%s**! %s is now an owner with a %s license.", o.Alias, o.MatrixID, o.License)
	if n.private() {
		b.WriteString(" Their real name and e-mail address are kept in the private identity mapping only.")
	}
	b.WriteString("\n\nWhat they can do next: `!help` lists the commands they may use, `!open_roles` shows the roles recruiting now, ")
	if canWork(o) {
		b.WriteString("and `!apply <role_id> [motivation]` applies for one.")
	} else {
		fmt.Fprintf(&b, "and `!apply <role_id>` will apply for one once they hold a Work or Organizational license (`!set_license %s work`).", o.Alias)
	}
	return ledger.Outcome{Action: "owner.add", Target: o.Alias, Reply: b.String()}, nil
}

// serverOfID is the server part of a Matrix user ID.
func serverOfID(mxid string) string {
	_, server, _ := strings.Cut(mxid, ":")
	return server
}
