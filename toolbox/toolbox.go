package toolbox

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"smartup0.org/engelbot/ledger"
)

// Toolbox runs commands against one ledger.
type Toolbox struct {
	ledger   *ledger.Ledger
	admins   map[string]bool // Matrix IDs named admins by the configuration
	founder  string          // the founder's Matrix ID
	server   string          // the community's homeserver: new owners' Matrix IDs are of it
	identity Identity        // the private identity repository; nil: none
	version  string          // this build, for !status
	rooms    Rooms           // the homeserver's rooms, for !setup_rooms; nil: none
	// publisher writes the public site, for !publish; nil: not configured
	publisher  Publisher
	onboarding onboardings // !add_owner commands in flight
}

// Config is what the toolbox needs from the configuration.
type Config struct {
	Founder string   // Matrix ID of the founder
	Admins  []string // Matrix IDs of further admins
	// ServerName is the community's homeserver name; empty: the server of
	// the founder's Matrix ID.
	ServerName string
	// Identity is the private identity repository (real names, e-mail
	// addresses) admin onboarding writes to; nil when there is none.
	Identity Identity
	Version  string // this build's version, for !status
}

// New returns a toolbox over l.
func New(l *ledger.Ledger, cfg Config) *Toolbox {
	tb := &Toolbox{ledger: l, founder: cfg.Founder, admins: map[string]bool{},
		server: cfg.ServerName, identity: cfg.Identity, version: cfg.Version}
	if tb.server == "" {
		_, tb.server, _ = strings.Cut(cfg.Founder, ":")
	}
	for _, a := range cfg.Admins {
		tb.admins[a] = true
	}
	if cfg.Founder != "" {
		tb.admins[cfg.Founder] = true
	}
	return tb
}

// call is one command being run: the request, the command it names, and
// the sender as the ledger knows them.
type call struct {
	*Request
	cmd     *Command
	alias   string // the sender's alias in the Book of Owners
	founder bool   // the sender is the founder: a captain in every team
	// founderID is the founder's Matrix ID, for the rules that exempt
	// the founder whoever sends the command ("" if none is configured).
	founderID string
	line      string // the command for the audit row, when the command redacts what was typed
}

// as is the same request, asked of another command (for !help, which asks
// whether each command would be allowed here).
func (c *call) as(cmd *Command) *call {
	return &call{Request: c.Request, cmd: cmd, founder: c.founder, founderID: c.founderID}
}

// Run runs one command and returns its answer. It never returns an error:
// whatever goes wrong becomes a reply that says so in plain words.
func (tb *Toolbox) Run(ctx context.Context, req Request) Reply {
	cmd, ok := Lookup(req.Command)
	if !ok {
		r := refused(unknownCommand(req.Command))
		// A mistyped command that may hold private details is as
		// private as the command it was meant to be.
		r.Forget = MayBePrivate(req.Command)
		return r
	}
	r := tb.run(ctx, cmd, req)
	if cmd.Private && r.Refused {
		r.Forget = true
	}
	return r
}

// run runs a command the registry knows.
func (tb *Toolbox) run(ctx context.Context, cmd *Command, req Request) Reply {
	if cmd.pipelines() {
		// Its write is on its way: a commit the writer is about to make
		// waits a moment for it (owners' commands sent at once share one).
		var arrived func()
		ctx, arrived = tb.ledger.Expect(ctx)
		defer arrived()
	}
	ctx, err := takeTurn(ctx, cmd)
	if err != nil {
		return unavailable(err)
	}
	// A query checks freshness (one cheap request); a write need not, since
	// the writer checks again and re-runs every rule on fresh data. A failed
	// check still leaves the last snapshot: queries answer from it rather
	// than not at all.
	snap := tb.ledger.Current()
	if cmd.query != nil {
		snap, _ = tb.ledger.Snapshot(ctx)
	}
	c := &call{Request: &req, cmd: cmd, founder: req.Sender != "" && req.Sender == tb.founder, founderID: tb.founder}
	me, err := tb.authorize(snap.ReadAt(tb.ledger.Now()), c)
	if err != nil {
		// The sender's previous command, queued but not committed yet, may
		// be what changes that (it gave them a role, say): ask again once
		// it has settled, on the data it left.
		waited, werr := awaitEarlier(ctx)
		if werr != nil {
			return unavailable(werr)
		}
		if waited {
			me, err = tb.authorize(tb.ledger.Current().ReadAt(tb.ledger.Now()), c)
		}
	}
	if err != nil {
		r := refusal(err)
		r.Denied = r.Err == nil
		return r
	}
	c.alias = me.Alias
	if err := cmd.checkArgs(req.Args); err != nil {
		return refusal(err)
	}
	if cmd.run != nil {
		return cmd.run(ctx, tb, c)
	}
	if cmd.query != nil {
		return cmd.query(tb, snap.ReadAt(tb.ledger.Now()), c)
	}
	return tb.write(ctx, c)
}

// write sends the command's mutation to the ledger. The permission check
// runs again inside the mutation, against the data it commits on.
func (tb *Toolbox) write(ctx context.Context, c *call) Reply {
	// Both set by the mutation, which the writer runs before Apply returns.
	denied := false
	var garbled error // text the command would write that is not printable
	line := c.commandLine()
	res, err := tb.ledger.Apply(ctx, ledger.Mutation{
		EventID: c.EventID,
		Actor:   c.alias,
		Command: line,
		Run: func(tx *ledger.Tx) (ledger.Outcome, error) {
			garbled = nil // a conflict runs the mutation again, on fresh data
			me, err := tb.authorize(tx, c)
			// The sender's standing may have changed since the pre-check
			// (a role ended meanwhile): that is a denial too.
			denied = err != nil
			if err != nil {
				return ledger.Outcome{}, err
			}
			out, err := c.cmd.write(tx, me, c)
			if err != nil {
				return out, err
			}
			if garbled = checkWritten(tx, c.EventID, line, out); garbled != nil {
				return ledger.Outcome{}, errGarbled
			}
			return out, nil
		},
	})
	if err != nil {
		return unavailable(err)
	}
	r := Reply{Text: res.Reply, Refused: res.Refused, Denied: res.Refused && denied, Duplicate: res.Duplicate}
	if res.Refused {
		r.Err = garbled // a command let such text through: the log should say which
	}
	if !res.Refused && !res.Duplicate && c.cmd.announce != nil {
		r.Announce = c.cmd.announce(tb.ledger.Current().ReadAt(tb.ledger.Now()), c, res)
	}
	return r
}

// commandLine is the command as the audit row records it: each argument
// as typed when it reads back as itself, else as a quoted Go string. The
// quoting writes control characters and bytes that are not UTF-8 as
// visible escapes (\x1b, \u009b, \xff), so the audit trail stays printable
// text whatever a client sent, and still says exactly what it was.
func (c *call) commandLine() string {
	if c.line != "" {
		return c.line
	}
	parts := append([]string{"!" + c.cmd.Name}, c.Args...)
	for i, p := range parts {
		if needsQuotes(p) {
			parts[i] = strconv.Quote(p)
		}
	}
	return strings.Join(parts, " ")
}

// needsQuotes: an empty argument, or one with a space, a quote, or anything
// not printable, would not read back as itself unquoted.
func needsQuotes(arg string) bool {
	return arg == "" || !utf8.ValidString(arg) || strings.ContainsFunc(arg, func(r rune) bool {
		return r == '"' || unicode.IsSpace(r) || !unicode.IsPrint(r)
	})
}

func refused(text string) Reply { return Reply{Text: text, Refused: true} }

func refusal(err error) Reply {
	if reason, ok := ledger.IsRefusal(err); ok {
		return refused(reason)
	}
	return unavailable(err)
}

// unavailable answers a failure that is nobody's fault in words an owner
// can act on; the error itself goes to the log only (Reply.Err).
func unavailable(err error) Reply {
	var r Reply
	switch {
	case errors.Is(err, ledger.ErrPermanent):
		// Waiting will not help the owner: the forge refuses Engelbot
		// itself (its token, its access, a repository gone).
		r = refused("Engelbot cannot write to the books just now: the forge refuses it, which an admin has to fix. Nothing was written. " +
			"The admins can see why in Engelbot's log; please try again once they have.")
	case errors.Is(err, ledger.ErrClosed):
		r = refused("Engelbot is restarting, so nothing was written. Please send that again in a minute.")
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		r = refused("That took too long and was stopped; nothing was written. Please try again in a minute.")
	default:
		r = refused("The ledger cannot be reached just now, so nothing was written. Please try again in a few minutes.")
	}
	r.Err = err
	return r
}
