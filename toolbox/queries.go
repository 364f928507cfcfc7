package toolbox

import (
	"fmt"
	"strings"

	"smartup0.org/engelbot/ledger"
)

var cmdHelp = &Command{
	Name: "help", Tier: TierQuery, Params: []Param{{Name: "command", Kind: KindWord, Optional: true}},
	Summary: "the commands you can use here, or the details of one",
	Help:    "Without a name, lists the commands you may use in this room. With one (`!help start_work`), explains it.",
	query:   queryHelp,
}

func queryHelp(tb *Toolbox, tx *ledger.Tx, c *call) Reply {
	if len(c.Args) == 1 {
		cmd, ok := Lookup(strings.TrimPrefix(c.Args[0], "!"))
		if !ok {
			return refused(unknownCommand(strings.TrimPrefix(c.Args[0], "!")))
		}
		text := fmt.Sprintf("**`%s`** — %s\n\n%s", cmd.Usage(), cmd.Summary, cmd.Help)
		if len(cmd.Params) > 0 {
			text += "\n\n" + strings.TrimRight(argsDoc(cmd), "\n")
		}
		text += fmt.Sprintf("\n\nWho: %s. Where: %s.", cmd.Tier, cmd.where())
		if _, err := tb.authorize(tx, c.as(cmd)); err != nil {
			reason, _ := ledger.IsRefusal(err)
			text += "\n\nYou can't use it here: " + reason
		}
		return Reply{Text: text}
	}
	var b strings.Builder
	b.WriteString("Commands you can use here:\n\n")
	for _, cmd := range registry {
		if _, err := tb.authorize(tx, c.as(cmd)); err != nil {
			continue
		}
		fmt.Fprintf(&b, "- `%s` — %s\n", cmd.Usage(), cmd.Summary)
	}
	b.WriteString("\n`!help <command>` explains one.")
	if me, ok := tx.Owner(c.alias); ok {
		b.WriteString("\n\n" + nextSteps(tx, me))
	}
	return Reply{Text: b.String()}
}

// nextSteps tells an owner where they stand and what to do next, so that
// !help guides a newcomer from no role to a first paid task.
func nextSteps(tx *ledger.Tx, me ledger.Owner) string {
	if !canWork(me) {
		return fmt.Sprintf("**Where you are:** your %s license lets you follow everything: `!tasks`, `!team`, `!whois`, `!wallet`. "+
			"Taking a role and earning SC needs a Work license; an admin can change yours.", me.License)
	}
	if len(activeRoles(tx, me.Alias)) == 0 {
		return "**Getting started:** 1. `!open_roles` shows the roles teams are recruiting for. 2. `!apply <role_id> <why you>`; " +
			"the team's captain accepts or rejects it. 3. Then `!tasks` shows your team's work: `!claim <task_id>`, " +
			"`!start_work <task_id>`, and `!stop_work <what you did>` when done. 4. The captain assesses it; the SC shows in " +
			"`!wallet`, pending for 48 hours and then awarded."
	}
	for _, t := range tx.TasksOf(me.Alias) {
		if claimable(t.State) {
			return fmt.Sprintf("**Next:** you are on `%s` (%s): `!start_work %s` when you begin, `!stop_work <what you did>` when you stop. `!my_tasks` lists all your tasks.", t.ID, mdText(t.Title), t.ID)
		}
	}
	return "**Next:** `!tasks` shows your team's open tasks; `!claim <task_id>` takes one, then `!start_work <task_id>`. Assessed work pays SC: see `!wallet`."
}

var cmdWallet = &Command{
	Name: "wallet", Tier: TierQuery, Params: []Param{{Name: "alias", Kind: KindOwner, Optional: true}},
	Summary: "SC awarded and pending, SK, vote weight, roles (yours or another owner's)",
	Help: "Shows an owner's Smartup Credits (awarded, and pending while the 48 h lazy-consensus window runs), their Social Karma " +
		"after decay, the vote weight it gives (1 + SK/1000, at most 1.5), their license and roles, and the work in progress. Without an alias, your own.",
	query: queryWallet,
}

func queryWallet(_ *Toolbox, tx *ledger.Tx, c *call) Reply {
	who, err := subject(tx, c)
	if err != nil {
		return refusal(err)
	}
	var b strings.Builder
	bal := tx.Balance(who.Alias)
	fmt.Fprintf(&b, "**Wallet of %s** (license: %s)\n\n", who.Alias, who.License)
	fmt.Fprintf(&b, "- SC awarded: %d\n- SC pending: %d\n", bal.SCAwarded, bal.SCPending)
	fmt.Fprintf(&b, "- SK: %d (vote weight %.2f)\n", bal.SK, VoteWeight(bal.SK))
	roles := activeRoles(tx, who.Alias)
	if len(roles) == 0 {
		b.WriteString("- Roles: none yet\n")
	} else {
		names := make([]string, len(roles))
		for i, r := range roles {
			names[i] = fmt.Sprintf("%s (%s)", mdText(r.Title), r.ID)
		}
		fmt.Fprintf(&b, "- Roles: %s\n", strings.Join(names, ", "))
	}
	budget, reviewed := 0, 0
	for _, t := range tx.TasksOf(who.Alias) {
		switch t.State {
		case ledger.TaskClaimed, ledger.TaskInProgress:
			budget += t.BudgetSC
		case ledger.TaskReview:
			reviewed += t.BudgetSC
		}
	}
	fmt.Fprintf(&b, "- SC budget of the tasks you are on: %d in progress, %d waiting for review\n", budget, reviewed)
	if s, ok := openSession(tx, who.Alias); ok {
		fmt.Fprintf(&b, "- Working now on %s since %s UTC\n", s.Task, s.Started.Format("2006-01-02 15:04"))
	}
	return Reply{Text: b.String()}
}

// subject is the owner a query is about: the one named, or the sender.
func subject(tx *ledger.Tx, c *call) (ledger.Owner, error) {
	if len(c.Args) == 0 {
		me, _ := tx.OwnerByMatrixID(c.Sender)
		return me, nil
	}
	name := strings.TrimPrefix(c.Args[0], "@")
	if o, ok := tx.OwnerByMatrixID("@" + name); ok {
		return o, nil
	}
	if o, ok := tx.Owner(name); ok {
		return o, nil
	}
	return ledger.Owner{}, ledger.Refuse("There is no owner called %s in the Book of Owners.", quoteArg(c.Args[0]))
}

var cmdMyTasks = &Command{
	Name: "my_tasks", Aliases: []string{"mytasks"}, Tier: TierQuery,
	Summary: "your tasks, their state, and your open work session",
	Help:    "Lists the tasks you are on as attacker or defender, with their state, and the work session you have open, if any.",
	query:   queryMyTasks,
}

func queryMyTasks(_ *Toolbox, tx *ledger.Tx, c *call) Reply {
	var b strings.Builder
	n := 0
	for _, t := range tx.TasksOf(c.alias) {
		as := t.PositionOf(c.alias)
		if n == 0 {
			b.WriteString("**Your tasks**\n\n")
		}
		n++
		fmt.Fprintf(&b, "- `%s` %s — %s, you are %s (%s, %d SC)\n", t.ID, mdText(t.Title), stateWords(t.State), as, t.Size, t.BudgetSC)
	}
	if n == 0 {
		return Reply{Text: "You are not on any task yet. A team captain can `!assign` you, or see `!tasks` to find one."}
	}
	if s, ok := openSession(tx, c.alias); ok {
		fmt.Fprintf(&b, "\nYou are working on `%s` since %s UTC. `!stop_work <summary>` closes the session.", s.Task, s.Started.Format("2006-01-02 15:04"))
	} else {
		b.WriteString("\nNo work session open. `!start_work <task_id>` opens one.")
	}
	return Reply{Text: b.String()}
}

func stateWords(state string) string {
	switch state {
	case ledger.TaskOpen:
		return "open"
	case ledger.TaskClaimed:
		return "claimed, not started"
	case ledger.TaskInProgress:
		return "in progress"
	case ledger.TaskReview:
		return "waiting for review"
	}
	return strings.ReplaceAll(state, "_", " ")
}

// VoteWeight is the weight SK gives an owner's vote: 1 + SK/1000, capped at
// 1.5. One owner, one vote: karma tilts it, money never does.
func VoteWeight(sk int) float64 {
	return min(1.5, 1+float64(max(sk, 0))/1000)
}
