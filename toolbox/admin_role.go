package toolbox

import (
	"fmt"
	"path"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// !create_role adds a role to a team, with its ID made by SmartupOS's
// convention: 4_1_<team number>_tc_<team name> for the team's one captain
// role, 4_2_<team number>_<title> for senior (attacker) roles and
// 4_3_<team number>_<title> for junior (defender) roles.

const (
	maxRoleTitle       = 100
	maxRoleDescription = 2000
	maxSlugWords       = roleIDWords - 3 // 4, 2 and the team's number take three words of a role ID
	maxSlugWord        = 20              // characters per word of the ID, well within a role ID's
)

var cmdCreateRole = &Command{
	Name: "create_role", Tier: TierAdmin, Params: []Param{{Name: "team", Kind: KindWord}, {Name: "captain|senior|junior", Kind: KindRoleType}, {Name: "title", Kind: KindText, Rest: true, Shown: "<title> [| description]"}},
	Summary: "add a role to a team, recruiting from now on",
	Help: "Adds a role to a team (named as `!team` takes it: `operational`, `7`, `3_7_operational_team`). Its ID follows " +
		"SmartupOS's convention: a team captain role is `4_1_<team number>_tc_<team name>` and a team has only one; a senior " +
		"(attacker) role is `4_2_<team number>_<title>` and a junior (defender) role `4_3_<team number>_<title>`, the title " +
		"written in lower case with `_` between words. The role recruits at once (`!open_roles` lists it, `!apply` applies). " +
		"A description, after a `|`, goes on the role's page. Example: `!create_role operational senior Night shift lead | Keeps the lights on`.",
	write: createRole,
}

var roleTypes = map[string]string{"captain": ledger.RoleCaptain, "senior": ledger.RoleSenior, "junior": ledger.RoleJunior}

func createRole(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	team, err := teamArg(tx, c.Args[0])
	if err != nil {
		return ledger.Outcome{}, err
	}
	typ := roleTypes[strings.ToLower(c.Args[1])] // checked with the arguments
	title, description, _ := strings.Cut(strings.Join(c.Args[2:], " "), "|")
	if title, err = oneLine("The role title", title, maxRoleTitle); err != nil {
		return ledger.Outcome{}, err
	}
	if title == "" {
		return ledger.Outcome{}, ledger.Refuse("A role needs a title before any `|`: `!create_role %s %s <title> [| description]`.", teamShort(team), strings.ToLower(c.Args[1]))
	}
	if description, err = multiLine("The description", description, maxRoleDescription); err != nil {
		return ledger.Outcome{}, err
	}
	number, rest, numbered := splitTeamID(team)
	if !numbered {
		return ledger.Outcome{}, ledger.Refuse("%s has no team number in its ID (`%s`), so I can't make a role ID for it.", teamWords(tx, team), team)
	}

	slug := ""
	switch typ {
	case ledger.RoleCaptain:
		for r := range tx.Roles() {
			if r.Team == team && r.Type == ledger.RoleCaptain && r.Status == ledger.StatusActive {
				return ledger.Outcome{}, ledger.Refuse("%s already has its captain role, %s (`%s`); a team has one.", teamWords(tx, team), mdText(r.Title), r.ID)
			}
		}
	default:
		if slug = roleSlug(title); slug == "" {
			return ledger.Outcome{}, ledger.Refuse("The role ID is made from the title's letters a–z and digits, and this title has none. Please give the title in Latin letters.")
		}
	}
	id, err := newRoleID(typ, number, rest, slug)
	if err != nil {
		return ledger.Outcome{}, err
	}
	if r, ok := tx.Role(id); ok {
		return ledger.Outcome{}, ledger.Refuse("There is already a role `%s`: %s in %s (%s). Choose another title, or `!open_roles` to see it.", id, mdText(r.Title), teamWords(tx, r.Team), r.Status)
	}

	role := ledger.Role{
		ID: id, Team: team, Type: typ, Title: title, Status: ledger.StatusActive, Recruitment: "open",
		WikiPath: path.Join(RolePagesDir, id+".md"),
	}
	tx.WritePage(role.WikiPath, rolePage(tx, role, me.Alias, description))
	tx.PutRole(role)
	return ledger.Outcome{
		Action: "role.create", Target: id,
		Reply: fmt.Sprintf("New role **%s** (`%s`), %s in %s, is recruiting now. `!open_roles %s` lists it; owners apply with `!apply %s`.",
			mdText(title), id, roleTypeWords(typ), teamWords(tx, team), teamShort(team), id),
	}, nil
}

// roleSlug is the title as part of a role ID: lower-case words of letters
// a–z and digits, joined by _, few and short enough for the ID's shape.
func roleSlug(title string) string {
	words := strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	})
	if len(words) > maxSlugWords {
		words = words[:maxSlugWords]
	}
	for i, w := range words {
		if len(w) > maxSlugWord {
			words[i] = w[:maxSlugWord]
		}
	}
	return strings.Join(words, "_")
}

// rolePage renders a role's page: what it is, and what the admin said of
// it. What changes over a role's life (recruitment, hours, SC potential) is
// in its row of the roles index, so the page is written once and
// `!update_role` never has to write it again without its description.
func rolePage(tx *ledger.Tx, r ledger.Role, author, description string) ledger.Page {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", r.Title)
	fmt.Fprintf(&b, "- Role: %s\n", r.ID)
	fmt.Fprintf(&b, "- Team: %s (%s)\n", teamWords(tx, r.Team), r.Team)
	fmt.Fprintf(&b, "- Kind: %s\n", roleTypeWords(r.Type))
	if description != "" {
		fmt.Fprintf(&b, "\n## Description\n\n%s\n", description)
	}
	return ledger.Page{
		Front: ledger.Frontmatter{
			Title: r.Title, Author: author, Role: r.ID, Date: tx.Now().Format("2006-01-02"),
			Parent: r.Team, Team: r.Team, Topic: "role", Public: true,
		},
		Body: b.String(),
	}
}
