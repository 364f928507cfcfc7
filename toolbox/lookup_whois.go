package toolbox

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"smartup0.org/engelbot/ledger"
)

var cmdWhois = &Command{
	Name: "whois", Tier: TierQuery, Params: []Param{{Name: "alias or @user", Kind: KindOwner, Rest: true}},
	Summary: "public facts about an owner: license, roles, tasks, SC and SK",
	Help: "Shows what the Book of Owners says in public about an owner: their alias, license and status, when they joined, " +
		"the roles they hold, the tasks they are on, their SC (awarded and pending), their SK and the vote weight it gives " +
		"(1 + SK/1000, at most 1.5). Name them by alias (`carol`), by Matrix ID (`@carol:smartup0.org`) or with a mention.",
	query: queryWhois,
}

func queryWhois(_ *Toolbox, tx *ledger.Tx, c *call) Reply {
	o, err := findOwner(tx, strings.Join(c.Args, " "))
	if err != nil {
		return refusal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** — %s license, %s", o.Alias, o.License, o.Status)
	if !o.Joined.IsZero() {
		fmt.Fprintf(&b, ", owner since %s", o.Joined.Format("2006-01-02"))
	}
	b.WriteString("\n\n")

	roles := activeRoles(tx, o.Alias)
	if len(roles) == 0 {
		b.WriteString("- Roles: none\n")
	} else {
		names := make([]string, len(roles))
		for i, r := range roles {
			names[i] = fmt.Sprintf("%s (`%s`, %s)", mdText(r.Title), r.ID, teamWords(tx, r.Team))
		}
		fmt.Fprintf(&b, "- Roles: %s\n", strings.Join(names, ", "))
	}
	bal := tx.Balance(o.Alias)
	fmt.Fprintf(&b, "- SC: %d awarded, %d pending\n", bal.SCAwarded, bal.SCPending)
	fmt.Fprintf(&b, "- SK: %d (vote weight %.2f)\n", bal.SK, VoteWeight(bal.SK))

	// Work in progress first: finished tasks only pile up.
	tasks := slices.SortedStableFunc(slices.Values(tx.TasksOf(o.Alias)), func(a, b ledger.Task) int {
		return cmp.Or(cmp.Compare(stateRank(a.State), stateRank(b.State)), compareIDs(a.ID, b.ID))
	})
	if len(tasks) == 0 {
		b.WriteString("- Tasks: none\n")
	} else {
		fmt.Fprintf(&b, "- Tasks (%d):\n", len(tasks))
		for i, t := range tasks {
			if i == maxListLines {
				fmt.Fprintf(&b, "  - …and %d more\n", len(tasks)-i)
				break
			}
			fmt.Fprintf(&b, "  - `%s` %s — %s, as %s\n", t.ID, mdText(t.Title), stateWords(t.State), t.PositionOf(o.Alias))
		}
	}
	if s, ok := openSession(tx, o.Alias); ok {
		fmt.Fprintf(&b, "- Working now on `%s` since %s UTC\n", s.Task, s.Started.Format("2006-01-02 15:04"))
	}
	return Reply{Text: strings.TrimRight(b.String(), "\n")}
}

// findOwner finds an owner by alias, by Matrix ID, or by a mention: the
// Markdown pill [name](https://matrix.to/#/@alias:server), a bare
// matrix.to link (see mentionLink), or "alias:" as clients put a mention
// at the start of a line. Identity is the Matrix ID; a display name is
// never looked up.
func findOwner(tx *ledger.Tx, raw string) (ledger.Owner, error) {
	s := strings.TrimSpace(raw)
	id, isLink, err := mentionLink(s)
	if err != nil {
		return ledger.Owner{}, err
	}
	if isLink {
		s = id
	}
	s = strings.TrimSuffix(s, ":")
	if strings.HasPrefix(s, "@") && strings.Contains(s, ":") {
		for _, id := range []string{s, strings.ToLower(s)} {
			if o, ok := tx.OwnerByMatrixID(id); ok {
				return o, nil
			}
		}
		return ledger.Owner{}, ledger.Refuse("No owner in the Book of Owners has the Matrix ID %s. `!whois <alias>` finds an owner by their alias.", quoteArg(s))
	}
	alias := strings.TrimPrefix(s, "@")
	if o, ok := tx.Owner(alias); ok && alias != "" {
		return o, nil
	}
	msg := fmt.Sprintf("There is no owner called %s in the Book of Owners.", quoteArg(raw))
	if near := closestAlias(tx, strings.ToLower(alias)); near != "" {
		msg += fmt.Sprintf(" Did you mean `%s`?", near)
	}
	return ledger.Owner{}, ledger.Refuse("%s Owners go by their alias (`!whois carol`) or their Matrix ID (`!whois @carol:server`).", msg)
}

// closestAlias is the alias nearest to a mistyped one, if one is near
// enough to be a typo. It runs on refusals only, so reading the whole Book
// of Owners is affordable.
func closestAlias(tx *ledger.Tx, alias string) string {
	if alias == "" || utf8.RuneCountInString(alias) > 40 {
		return ""
	}
	best, bestD := "", 3
	for o := range tx.Owners() {
		if d := editDistance(alias, o.Alias); d < bestD {
			best, bestD = o.Alias, d
		}
	}
	return best
}
