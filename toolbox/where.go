package toolbox

import (
	"cmp"
	"fmt"
	"slices"

	"smartup0.org/engelbot/ledger"
)

// The community's rooms mean something: the general forum is where the
// whole community talks (and, later, governs), the workplace and the team
// rooms are where work happens, a direct chat with the bot is private. A
// command's Where says which of them it belongs in; one sent elsewhere is
// refused with a pointer naming the room to use instead.

// Where is the kinds of room a command may be used in.
type Where int

// Where a command may be used.
const (
	// WhereByTier follows the command's tier: admins' commands in a direct
	// chat, captains' in their team's room (the founder's anywhere),
	// everything else anywhere.
	WhereByTier   Where = iota
	WhereAnywhere       // any room the bot is in, or a direct chat
	WhereWork           // a team room, the workplace or a direct chat; not the forum
	WhereTeamRoom       // the team's own room; the founder anywhere
	WhereDirect         // a direct chat with the bot only
	WhereForum          // the general forum: governance
	// WhereGovern: the general forum (binding) or a team's room (advisory,
	// but binding for its captain's election or recall): where proposals
	// are made.
	WhereGovern
)

// The canonical aliases' local parts: `#1_general_forum:<server>`,
// `#2_workplace:<server>`, and each team's room under its team ID
// (`#3_7_operational_team:<server>`).
const (
	ForumAlias     = "1_general_forum"
	WorkplaceAlias = "2_workplace"
)

// String is where, as !help and the documentation say it.
func (w Where) String() string {
	switch w {
	case WhereWork:
		return "a team room, the workplace or a direct chat (not the forum)"
	case WhereTeamRoom:
		return "the team's own room (the founder: anywhere)"
	case WhereDirect:
		return "a direct chat with the bot only"
	case WhereForum:
		return "the general forum"
	case WhereGovern:
		return "the general forum (binding) or a team's room (advisory; a captain's election or recall there binds)"
	}
	return "any room, or a direct chat"
}

// where is the rooms the command belongs in, its tier's when it names none.
func (c *Command) where() Where {
	if c.Where != WhereByTier {
		return c.Where
	}
	switch c.Tier {
	case TierCaptain:
		return WhereTeamRoom
	case TierAdmin:
		return WhereDirect
	}
	return WhereAnywhere
}

// allows reports whether a command of w may run in room; the founder
// captains every team, so their captain commands run anywhere.
func (w Where) allows(room Room, founder bool) bool {
	switch w {
	case WhereWork:
		return room.Kind == RoomTeam || room.Kind == RoomWorkplace || room.Kind == RoomDirect
	case WhereTeamRoom:
		return founder || room.Kind == RoomTeam
	case WhereDirect:
		return room.Kind == RoomDirect
	case WhereForum:
		return room.Kind == RoomForum
	case WhereGovern:
		return room.Kind == RoomForum || room.Kind == RoomTeam
	}
	return true
}

// checkWhere refuses a command sent in a room it does not belong in, and
// says which room it does belong in, by the alias the bot knows it by.
func (tb *Toolbox) checkWhere(tx *ledger.Tx, me ledger.Owner, c *call) error {
	w := c.cmd.where()
	if w.allows(c.Room, c.founder) {
		return nil
	}
	name := c.cmd.Name
	switch w {
	case WhereWork:
		here := "this room is not one of the community's work rooms"
		if c.Room.Kind == RoomForum {
			here = "the forum is for the whole community's conversations"
		}
		rooms := []string{}
		if teams := teamsOf(tx, me.Alias); len(teams) > 0 {
			rooms = append(rooms, fmt.Sprintf("your team's room (%s)", cmp.Or(joinWords(tb.teamRooms(teams), "or"), notSetUp)))
		} else {
			rooms = append(rooms, "a team's room")
		}
		rooms = append(rooms, fmt.Sprintf("the workplace (%s)", cmp.Or(tb.roomNamed(Room{Kind: RoomWorkplace}), notSetUp)), "a direct chat with me")
		return ledger.Refuse("`!%s` is work, and %s: please use it in %s.", name, here, joinWords(rooms, "or"))
	case WhereTeamRoom:
		return tb.notTheirTeamRoom(name, captainTeams(tx, me.Alias))
	case WhereDirect:
		return ledger.Refuse("`!%s` works only in a direct chat with me, never in a shared room.", name)
	case WhereForum:
		if forum := tb.roomNamed(Room{Kind: RoomForum}); forum != "" {
			return ledger.Refuse("`!%s` belongs in the general forum, where the whole community sees it: %s.", name, forum)
		}
		return ledger.Refuse("`!%s` belongs in the general forum, where the whole community sees it (%s).", name, notSetUp)
	case WhereGovern:
		forum := cmp.Or(tb.roomNamed(Room{Kind: RoomForum}), notSetUp)
		team := "a team's room"
		if teams := teamsOf(tx, me.Alias); len(teams) > 0 {
			team = fmt.Sprintf("your team's room (%s)", cmp.Or(joinWords(tb.teamRooms(teams), "or"), notSetUp))
		}
		return ledger.Refuse("`!%s` is made where the people it concerns see it: in the general forum (%s) for a binding proposal, or in %s for an advisory one or the team captain's election or recall, which binds.", name, forum, team)
	}
	return ledger.Refuse("`!%s` cannot be used here.", name)
}

// notTheirTeamRoom refuses a captain's command sent outside the room of a
// team they captain (teams), naming that room as the bot knows it.
func (tb *Toolbox) notTheirTeamRoom(name string, teams []string) error {
	if len(teams) == 0 {
		return ledger.Refuse("`!%s` is for the team captain, in their own team's room.", name)
	}
	if known := tb.teamRooms(teams); len(known) > 0 {
		return ledger.Refuse("`!%s` is for the team captain, in their own team's room: yours is %s.", name, joinWords(known, "or"))
	}
	return ledger.Refuse("`!%s` is for the team captain, in their own team's room: your team has none set up yet (an admin runs `!setup_rooms`).", name)
}

// notSetUp stands for a room the bot knows none of, in a pointer.
const notSetUp = "none is set up yet: an admin runs `!setup_rooms`"

// roomAlias is a canonical room alias on the community's homeserver.
func (tb *Toolbox) roomAlias(local string) string { return "#" + local + ":" + tb.server }

// roomNamed is how owners find the community's room of a kind, as the bot
// knows it; "" when it knows none. A canonical alias is not named unless
// the bot knows its room: the configuration may name another, or none may
// be set up yet.
func (tb *Toolbox) roomNamed(room Room) string {
	if tb.rooms == nil {
		return ""
	}
	return tb.rooms.AliasOf(room)
}

// teamRooms names the rooms of those teams the bot knows a room of.
func (tb *Toolbox) teamRooms(teams []string) []string {
	var out []string
	for _, t := range teams {
		if name := tb.roomNamed(Room{Kind: RoomTeam, Team: t}); name != "" {
			out = append(out, name)
		}
	}
	return out
}

// teamsOf lists the teams an owner holds an active role in.
func teamsOf(tx *ledger.Tx, alias string) []string {
	var teams []string
	for _, r := range activeRoles(tx, alias) {
		if !slices.Contains(teams, r.Team) {
			teams = append(teams, r.Team)
		}
	}
	slices.SortFunc(teams, compareIDs)
	return teams
}

// captainTeams lists the teams whose captain role an owner holds.
func captainTeams(tx *ledger.Tx, alias string) []string {
	var teams []string
	for _, r := range activeRoles(tx, alias) {
		if r.Type == ledger.RoleCaptain && !slices.Contains(teams, r.Team) {
			teams = append(teams, r.Team)
		}
	}
	slices.SortFunc(teams, compareIDs)
	return teams
}
