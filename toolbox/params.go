package toolbox

import (
	"fmt"
	"strconv"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// Kind is what an argument of a command is. The registry checks each
// argument's shape before any rule runs, so that every command refuses a
// malformed task ID, score or category in the same words; the rules then
// look the value up in the ledger.
type Kind int

// Kinds of argument.
const (
	KindText        Kind = iota // free text, typically the rest of the message
	KindWord                    // one word the command reads itself (a team, a state, a command name)
	KindOwner                   // an alias, a Matrix ID, or a mention (pill)
	KindMatrixID                // a full Matrix user ID, @name:server
	KindTask                    // a task ID, 6_X_Y_Z
	KindRole                    // a role ID, 4_…
	KindApplication             // an application ID, app_<n>
	KindSize                    // a task size: S, M, L, XL
	KindScore                   // a score from 1 to 10
	KindSKCategory              // one of the SK award categories
	KindSlot                    // attacker or defender
	KindLicense                 // campaign, watch, work, organizational
	KindRoleType                // captain, senior, junior
	KindObjective               // an objective ID, 5_X or 5_X_Y
	KindEuro                    // an amount in euros: 1500, 1500.5 or 1500.50
	KindProposal                // a proposal ID, prop_<n>
	KindObjectable              // what !object takes: a task ID or a proposal ID
)

// Param is one argument of a command, as the registry declares it.
type Param struct {
	Name     string // as shown in the usage: <Name> or [Name]
	Kind     Kind
	Optional bool
	// Rest: the argument takes every remaining word (free text).
	Rest bool
	// Shown replaces the usage's <Name> / [Name], for forms like
	// "<title> [| description]".
	Shown string
}

// usage is the parameter as the usage line shows it.
func (p Param) usage() string {
	switch {
	case p.Shown != "":
		return p.Shown
	case p.Optional:
		return "[" + p.Name + "]"
	}
	return "<" + p.Name + ">"
}

// kindWords says what a kind of argument is, for the documentation.
func (k Kind) String() string {
	switch k {
	case KindWord:
		return "a word"
	case KindOwner:
		return "an owner: alias, Matrix ID or mention"
	case KindMatrixID:
		return "a Matrix user ID like `@frank:smartup0.org`"
	case KindTask:
		return "a task ID like `6_1_7_1`"
	case KindRole:
		return "a role ID like `4_2_7_operations_lead`"
	case KindApplication:
		return "an application ID like `app_3`"
	case KindSize:
		return "a size: S (25 SC), M (50), L (100) or XL (200)"
	case KindScore:
		return "a whole number from 1 to 10"
	case KindSKCategory:
		return "an SK category (see below)"
	case KindSlot:
		return "`attacker` or `defender`"
	case KindLicense:
		return "a license: campaign, watch, work or organizational"
	case KindRoleType:
		return "`captain`, `senior` or `junior`"
	case KindObjective:
		return "an objective ID like `5_1` (the organisation's) or `5_1_7` (a team's)"
	case KindEuro:
		return "an amount in euros like `1500` or `1500.50` (a point before the cents, no thousands separators)"
	case KindProposal:
		return "a proposal ID like `prop_3`"
	case KindObjectable:
		return "a task ID like `6_1_7_1`, or a proposal ID like `prop_3`"
	}
	return "text"
}

// check refuses an argument of the wrong shape, in words that say what
// would work. Only the shape: whether the thing exists is the rule's
// business. what names the argument in the refusal: quoted as typed, or,
// for a command whose arguments may be private, by its place.
func (p Param) check(c *Command, arg, what string) error {
	switch p.Kind {
	case KindTask:
		if !isTaskID(arg) {
			return ledger.Refuse("%s is not a task ID. Task IDs look like `6_1_2_3`; `!tasks` lists them.", what)
		}
	case KindProposal:
		if !isProposalID(arg) {
			return ledger.Refuse("%s is not a proposal ID. They look like `prop_3`; `!proposals` lists them.", what)
		}
	case KindObjectable:
		if !isTaskID(arg) && !isProposalID(arg) {
			return ledger.Refuse("%s is neither a task ID nor a proposal ID. Object to an approved task's SC with its ID, like `6_1_2_3` (`!tasks` lists them), "+
				"or to a proposal with its ID, like `prop_3` (`!proposals` lists them).", what)
		}
	case KindRole:
		if !isRoleID(arg) {
			return ledger.Refuse("%s is not a role ID. Role IDs look like `4_2_7`; `!open_roles` lists the roles recruiting now.", what)
		}
	case KindApplication:
		if !isApplicationID(arg) {
			return ledger.Refuse("%s is not an application ID. They look like `app_3`; the team's room hears of each application with its ID.", what)
		}
	case KindSize:
		if _, _, ok := sizeArg(arg); !ok {
			return ledger.Refuse("%s is not a size. Say S (25 SC), M (50 SC), L (100 SC) or XL (200 SC).", what)
		}
	case KindScore:
		if n, err := strconv.Atoi(arg); err != nil || n < minScore || n > maxScore {
			return ledger.Refuse("The %s score must be a whole number from %d to %d, not %s. Usage: `%s`.", p.Name, minScore, maxScore, what, c.Usage())
		}
	case KindSKCategory:
		if _, _, ok := skCategoryArg(arg); !ok {
			return ledger.Refuse("%s is not an SK category. The categories are: %s.", what, skCategoryList())
		}
	case KindSlot:
		if s := strings.ToLower(arg); s != ledger.Attacker && s != ledger.Defender {
			return ledger.Refuse("%s is not a slot: say `attacker` or `defender`, or leave it out for the first free one.", what)
		}
	case KindLicense:
		if _, ok := license(arg); !ok {
			return licenseRefusal(what)
		}
	case KindMatrixID:
		if !matrixIDShape.MatchString(arg) {
			return ledger.Refuse("%s is not a Matrix user ID. Type it in full, like `@frank:smartup0.org`.", what)
		}
	case KindObjective:
		if !isObjectiveID(arg) {
			return ledger.Refuse("%s is not an objective ID. They look like `5_1` (the organisation's) or `5_1_7` (a team's); `!objectives` lists them.", what)
		}
	case KindEuro:
		if _, ok := euroArg(arg); !ok {
			return euroRefusal(what)
		}
	case KindRoleType:
		if _, ok := roleTypes[strings.ToLower(arg)]; !ok {
			return ledger.Refuse("%s is not a kind of role: say `captain`, `senior` or `junior`.", what)
		}
	}
	return nil
}

// argsDoc lists a command's arguments and their kinds, for
// docs/commands.md.
func argsDoc(c *Command) string {
	var b strings.Builder
	for _, p := range c.Params {
		opt := ""
		if p.Optional {
			opt = ", optional"
		}
		fmt.Fprintf(&b, "- `%s` — %s%s\n", p.Name, p.Kind, opt)
	}
	return b.String()
}
