package toolbox

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"smartup0.org/engelbot/ledger"
)

// The admins' health checks: !verify (is the ledger sound?) and !status
// (is Engelbot well?). Neither writes. Their answers may name files — an
// admin in a direct chat needs to know where a problem is — but never a
// SHA or a token.

// maxProblemsListed keeps !verify's answer readable in a chat; the command
// line `engelbot verify` lists every problem.
const maxProblemsListed = 20

var cmdVerify = &Command{
	Name: "verify", Tier: TierAdmin,
	Summary: "check the ledger's integrity: audit chain, audit rows, SC, pages, history",
	Help: "Checks the whole ledger: the master-events hash chain is unbroken and numbered without gaps; every transaction and work " +
		"session has its audit row; every SC settlement settles a pending row once; every page an index points to exists and no page " +
		"is left without one; every file is printable text (no control characters or stray bytes: a hand edit, or audit rows written by Engelbot before it escaped them); " +
		"and every commit in the history names audit rows for what it changed. Answers \"all clear\", or lists " +
		fmt.Sprintf("the problems with the files they are in (the first %d; `engelbot verify` on the server lists them all).", maxProblemsListed),
	run: runVerify,
}

func runVerify(ctx context.Context, tb *Toolbox, _ *call) Reply {
	v, err := tb.ledger.VerifyAll(ctx)
	if err != nil {
		r := refused("I couldn't finish the check: the ledger's repository did not answer. Nothing is known to be wrong; please try again in a few minutes.")
		r.Err = err
		return r
	}
	tx := v.Snapshot.ReadAt(tb.ledger.Now())
	owners, tasks := countOf(tx.Owners()), countOf(tx.Tasks())
	if len(v.Problems) == 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "**All clear.** The audit trail's %d rows form an unbroken chain; every transaction and work session has its audit row; "+
			"SC settlements add up; every page is where its index says; every file is printable text.", v.Snapshot.EventCount())
		if v.History {
			fmt.Fprintf(&b, " All %d commits of the history name audit rows for what they changed.", v.Commits)
		}
		fmt.Fprintf(&b, " (%d owners, %d tasks.)", owners, tasks)
		return Reply{Text: b.String()}
	}
	var b strings.Builder
	noun := "problems"
	if len(v.Problems) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, "**The check found %d %s** in a ledger of %d audit rows, %d owners and %d tasks:\n\n", len(v.Problems), noun, v.Snapshot.EventCount(), owners, tasks)
	for i, p := range v.Problems {
		if i == maxProblemsListed {
			fmt.Fprintf(&b, "- …and %d more. `engelbot verify` on the server lists them all.\n", len(v.Problems)-i)
			break
		}
		fmt.Fprintf(&b, "- %s: %s\n", withoutSHAs(p.Where), withoutSHAs(p.What))
	}
	b.WriteString("\nNobody should edit the ledger by hand; whoever runs the repository can see in its history who did.")
	return Reply{Text: b.String()}
}

var (
	commitWhere = regexp.MustCompile(`\bcommit [0-9a-f]{4,64} by `)
	hexRun      = regexp.MustCompile(`\b[0-9a-f]{12,64}\b`)
)

// withoutSHAs takes commit and blob hashes out of a problem's text: they
// mean nothing to an owner, and the file and the commit's author and
// message say where to look.
func withoutSHAs(s string) string {
	s = commitWhere.ReplaceAllString(s, "a commit by ")
	return hexRun.ReplaceAllString(s, "…")
}

var cmdStatus = &Command{
	Name: "status", Tier: TierAdmin,
	Summary: "Engelbot's health: version, the forge, the last change, the write queue, counts",
	Help: "Shows this build's version, whether the ledger's repository answers and how long the check took, the last change in " +
		"the audit trail (when, by whom, what), how many writes wait in the queue, and how many owners, tasks and open work " +
		"sessions the ledger holds.",
	run: runStatus,
}

func runStatus(ctx context.Context, tb *Toolbox, _ *call) Reply {
	start := time.Now()
	snap, err := tb.ledger.Snapshot(ctx)
	took := time.Since(start)

	var b strings.Builder
	b.WriteString("**Engelbot status**\n\n")
	version := tb.version
	if version == "" {
		version = "unknown (a development build)"
	}
	fmt.Fprintf(&b, "- Version: %s\n", version)
	if err != nil {
		fmt.Fprintf(&b, "- Ledger repository: **does not answer** (gave up after %s); what follows is from the last copy read\n", roundDuration(took))
	} else {
		fmt.Fprintf(&b, "- Ledger repository: answers (the freshness check took %s)\n", roundDuration(took))
	}
	if e, ok := snap.LastEvent(); ok {
		fmt.Fprintf(&b, "- Last change: %s UTC by %s — %s on %s\n", e.Time.Format("2006-01-02 15:04"), e.Actor, e.Action, e.Target)
	} else {
		b.WriteString("- Last change: none yet, the audit trail is empty\n")
	}
	fmt.Fprintf(&b, "- Writes waiting in the queue: %d\n", tb.ledger.Queued())

	tx := snap.ReadAt(tb.ledger.Now())
	owners, active := 0, 0
	for o := range tx.Owners() {
		owners++
		if o.Status == ledger.StatusActive {
			active++
		}
	}
	tasks, unfinished := 0, 0
	for t := range tx.Tasks() {
		tasks++
		if !taskFinished(t.State) {
			unfinished++
		}
	}
	// Open sessions by owner: the index of open ones, not every session.
	sessions := 0
	for o := range tx.Owners() {
		sessions += len(tx.OpenSessionsOf(o.Alias))
	}
	fmt.Fprintf(&b, "- Owners: %d (%d active)\n", owners, active)
	fmt.Fprintf(&b, "- Tasks: %d (%d not yet awarded or cancelled)\n", tasks, unfinished)
	fmt.Fprintf(&b, "- Open work sessions: %d\n", sessions)
	if tb.identity != nil {
		b.WriteString("- Identity mapping: a private repository is configured\n")
	} else {
		b.WriteString("- Identity mapping: none configured, so `!add_owner` takes no real names or e-mail addresses\n")
	}
	return Reply{Text: strings.TrimRight(b.String(), "\n")}
}

// roundDuration is a duration as a person reads it: ms below a second.
func roundDuration(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}
