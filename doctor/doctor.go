package doctor

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"smartup0.org/engelbot/config"
)

// Status is how a check came out.
type Status string

// The outcomes of a check. Only Fail makes the report fail: a warning is
// worth reading but does not stop the bot, and a skipped check follows a
// failure that says why.
const (
	OK   Status = "OK"
	Warn Status = "WARN"
	Fail Status = "FAIL"
	Skip Status = "SKIP"
)

// Line is one check's outcome.
type Line struct {
	Status Status
	Check  string // what was checked, e.g. "ledger branch"
	Detail string // what was found, and for a failure what to do
}

// String is the line as printed: the status in a fixed-width column, so
// that failures stand out when the lines are read down.
func (l Line) String() string {
	if l.Detail == "" {
		return fmt.Sprintf("%-4s %s", l.Status, l.Check)
	}
	return fmt.Sprintf("%-4s %s: %s", l.Status, l.Check, l.Detail)
}

// Report is every check's outcome, in the order they ran.
type Report struct {
	Lines []Line
}

// Failed reports whether any check failed.
func (r Report) Failed() bool { return r.Count(Fail) > 0 }

// Count is how many checks came out with status s.
func (r Report) Count(s Status) int {
	n := 0
	for _, l := range r.Lines {
		if l.Status == s {
			n++
		}
	}
	return n
}

// Options change how the checks run.
type Options struct {
	// Timeout bounds each request to the homeserver or the forge.
	// Default 15s.
	Timeout time.Duration
	// Now is this machine's clock, which the servers' clocks are compared
	// with. Default time.Now.
	Now func() time.Time
	// Out receives each line as soon as its check is done; nil for none.
	Out io.Writer
}

// Run checks the configuration file at path and everything it names. A
// configuration that does not load is the one line of the report: nothing
// else can be checked without it. Otherwise every check runs, whatever the
// others found, except those that need what a failed one would have given
// (they say so).
func Run(ctx context.Context, path string, opts Options) Report {
	if opts.Timeout <= 0 {
		opts.Timeout = 15 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := &run{opts: opts, path: path, http: &http.Client{Timeout: opts.Timeout}}
	cfg, err := config.Load(path)
	if err != nil {
		r.fail("config", "%v", err)
		return r.report
	}
	r.cfg = cfg
	r.secrets = []string{cfg.Bot.Password, cfg.Bot.AccessToken, cfg.Ledger.Forgejo.Token, cfg.Identity.Forgejo.Token, cfg.Public.Forgejo.Token}
	r.ok("config", "%s loads and every setting is valid", path)

	r.database()
	r.homeserver(ctx)
	s := r.sessions(ctx)
	r.serverName(s)
	r.rooms(ctx, s)
	r.founderAccount(ctx, s)
	r.closeSessions(s)
	r.forge(ctx)
	r.ledger(ctx)
	r.identity(ctx)
	r.public(ctx)
	r.clocks()
	return r.report
}

// run is one doctor's run: the configuration, what earlier checks found
// that later ones need, and the report so far.
type run struct {
	opts    Options
	path    string
	cfg     *config.Config
	http    *http.Client
	secrets []string // never printed: every line is cleaned of them
	report  Report

	// homeserverDate and forgeDate are the servers' clocks as their
	// answers gave them, with the local time the answer came at.
	homeserverDate, forgeDate dated
	// homeserverOK and forgeOK: the server answered as one of its kind;
	// the checks that ask it more are skipped when it did not, so that one
	// wrong URL is one failure, not ten.
	homeserverOK, forgeOK bool
	// forgeAsked is the forge the forge check asked.
	forgeAsked config.Forgejo
	// ledgerRepo is the ledger's repository as the forge described it;
	// nil when the forge did not answer or the backend is local.
	ledgerRepo *repository
	// ledgerEmpty: the ledger has no Book of Owners yet (a first start).
	// ledgerKnown says whether the ledger could be read at all.
	ledgerEmpty, ledgerKnown bool
}

func (r *run) ok(check, format string, args ...any)   { r.add(OK, check, format, args...) }
func (r *run) warn(check, format string, args ...any) { r.add(Warn, check, format, args...) }
func (r *run) fail(check, format string, args ...any) { r.add(Fail, check, format, args...) }
func (r *run) skip(check, format string, args ...any) { r.add(Skip, check, format, args...) }

func (r *run) add(s Status, check, format string, args ...any) {
	l := Line{Status: s, Check: r.clean(check), Detail: r.clean(fmt.Sprintf(format, args...))}
	r.report.Lines = append(r.report.Lines, l)
	if r.opts.Out != nil {
		fmt.Fprintln(r.opts.Out, l)
	}
}

// clean removes every secret the configuration holds from text that may
// have come from a server (an error can echo a request back), and control
// characters, since the lines go to a terminal.
func (r *run) clean(s string) string {
	for _, secret := range r.secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "***")
		}
	}
	return strings.Map(func(c rune) rune {
		if c < ' ' || c == 0x7f {
			return ' '
		}
		return c
	}, s)
}

// describe is an error as one line.
func describe(err error) string {
	return strings.TrimSpace(fmt.Sprint(err))
}

// timeout bounds one request.
func (r *run) timeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, r.opts.Timeout)
}
