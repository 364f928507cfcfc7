package toolbox

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// Tier is who may run a command, and where.
type Tier int

// The permission tiers of the product brief, from everyone to admins.
const (
	TierQuery   Tier = iota // every owner, any room or a direct chat
	TierWorker              // owners holding an active role and a Work or Organizational license
	TierCaptain             // the captain of the team in its own room; the founder anywhere
	TierAdmin               // the founder and configured admins, in a direct chat only
)

func (t Tier) String() string {
	return [...]string{"queries", "workers", "teamcaptain", "admin"}[t]
}

// Command is one entry of the registry: the single source of a command's
// help, its usage error and its documentation.
type Command struct {
	Name    string
	Aliases []string
	Tier    Tier
	// Where is the kinds of room the command belongs in; the zero value
	// follows the tier (see WhereByTier).
	Where   Where
	Params  []Param // the arguments, in order; optional ones last
	Summary string  // one line for !help
	Help    string  // the longer explanation for !help <command>
	// Private: the words after the command may hold private details (a
	// real name, an e-mail address). No refusal repeats an argument, and
	// a refused command is removed from the chat (Reply.Forget), whatever
	// the reason: a misplaced name is as private as a well-placed one.
	Private bool

	query func(tb *Toolbox, tx *ledger.Tx, c *call) Reply
	write func(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error)
	// run, when set, runs the command instead of query or write: for
	// commands that are more than one ledger mutation (onboarding writes the
	// identity repository first) or none (health checks). It runs after the
	// sender was authorized and the arguments counted.
	run func(ctx context.Context, tb *Toolbox, c *call) Reply
	// runInTurn: run may start before the sender's earlier commands have
	// settled, because it waits for them itself where its checks depend
	// on them (see pipelines).
	runInTurn bool
	// announce, for a write, says what other rooms hear once it landed.
	announce func(tx *ledger.Tx, c *call, res ledger.Result) []Announcement
}

// Usage is the command as it is typed.
func (c *Command) Usage() string {
	parts := []string{"!" + c.Name}
	for _, p := range c.Params {
		parts = append(parts, p.usage())
	}
	return strings.Join(parts, " ")
}

// arity is how many words the command takes: at least min, at most max
// (-1: any number, the last parameter taking the rest).
func (c *Command) arity() (min, max int) {
	for _, p := range c.Params {
		if !p.Optional {
			min++
		}
		if p.Rest {
			return min, -1
		}
	}
	return min, len(c.Params)
}

// checkArgs refuses a wrong number of arguments, or one of the wrong
// shape, before any rule runs.
func (c *Command) checkArgs(args []string) error {
	lo, hi := c.arity()
	if len(args) < lo || (hi >= 0 && len(args) > hi) {
		return ledger.Refuse("Usage: `%s` — %s", c.Usage(), c.Summary)
	}
	for i, p := range c.Params {
		if i >= len(args) || p.Rest {
			break
		}
		what := quoteArg(args[i])
		if c.Private {
			what = "The " + ordinal(i) + " argument"
		}
		if err := p.check(c, args[i], what); err != nil {
			return err
		}
	}
	return nil
}

// ordinal names an argument by its place (0: the first), for a refusal
// that must not repeat it.
func ordinal(i int) string {
	if words := []string{"first", "second", "third", "fourth", "fifth", "sixth"}; i < len(words) {
		return words[i]
	}
	return strconv.Itoa(i+1) + "th"
}

// registry is every command; the order is the order of !help. It is set in
// init because !help itself reads it.
var (
	registry []*Command
	byName   map[string]*Command
)

func init() {
	// Each group of commands lives in its own file; this is the order
	// !help and docs/commands.md list them in.
	registry = slices.Concat(
		[]*Command{cmdHelp, cmdWallet, cmdTreasury, cmdMyTasks},
		lookupCommands,
		[]*Command{cmdStartWork, cmdStopWork},
		workerCommands,
		governanceCommands,
		captainCommands,
		adminCommands,
		[]*Command{cmdSetupRooms, cmdPublish},
	)
	byName = map[string]*Command{}
	for _, c := range registry {
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			if _, dup := byName[n]; dup {
				panic("toolbox: two commands named " + n)
			}
			byName[n] = c
		}
	}
}

// Lookup finds a command by name or alias, case-insensitively.
func Lookup(name string) (*Command, bool) {
	c, ok := byName[strings.ToLower(name)]
	return c, ok
}

// MayBePrivate reports whether a message naming this command may hold
// private details, so that the chat should not keep it once answered: the
// command is Private, or the name is a near miss of a Private command's.
// A quote typed right after the name makes words after it part of the
// name; its first word is what was meant.
func MayBePrivate(name string) bool {
	if words := strings.Fields(name); len(words) > 0 {
		name = strings.ToLower(words[0])
	}
	if c, ok := Lookup(name); ok {
		return c.Private
	}
	c, ok := Lookup(closest(name))
	return ok && c.Private
}

// Commands lists the registry in help order.
func Commands() []*Command { return append([]*Command(nil), registry...) }

func unknownCommand(name string) string {
	msg := fmt.Sprintf("I don't know the command %s.", quoteArg("!"+name))
	if MayBePrivate(name) {
		msg = "I don't know that command." // what followed the name may be private
	}
	if words := strings.Fields(name); len(words) > 0 {
		name = words[0]
	}
	if s := closest(strings.ToLower(name)); s != "" {
		msg += fmt.Sprintf(" Did you mean `!%s`?", s)
	}
	return msg + " Type `!help` to see what you can do here."
}

// closest is the registered name nearest to name, if one is near enough to
// be a typo.
func closest(name string) string {
	best, bestD := "", 3
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if d := editDistance(name, n); d < bestD {
			best, bestD = byName[n].Name, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
