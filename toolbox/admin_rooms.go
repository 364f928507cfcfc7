package toolbox

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// !setup_rooms creates the community's rooms on its homeserver: the general
// forum, the workplace and one room per active team, each under its
// canonical alias. The toolbox decides which rooms the community has and
// who is invited; the bot, through Rooms, does the Matrix part.

// Rooms is the community's homeserver as !setup_rooms sees it. The bot
// implements it; the app hands it over once both exist (SetRooms).
type Rooms interface {
	// EnsureRoom makes sure the room spec describes exists under its
	// alias and is known by its kind: it creates the room, or adopts the
	// one that has the alias already. It never creates a second room for
	// an alias.
	EnsureRoom(ctx context.Context, spec RoomSpec) RoomResult
	// AliasOf is how owners find the community's room of a kind (the
	// forum, the workplace, or Room.Team's room): the alias the bot knows
	// it by (the configuration's, else the canonical one), or its room ID
	// when it has no alias; "" when the bot knows no such room. The
	// pointers to the right room name it.
	AliasOf(room Room) string
}

// RoomSpec is one of the community's rooms, in plain words.
type RoomSpec struct {
	Alias string // the canonical alias, e.g. #2_workplace:smartup0.org
	Name  string // the room's name, e.g. Workplace
	Topic string // what the room is for
	Room  Room   // its kind, and its team for a team room
	// Invite are the Matrix IDs invited to a new room with full power
	// (100): the admin who set it up and the founder.
	Invite []string
}

// RoomDone is what EnsureRoom did with a room.
type RoomDone int

// What can happen to a room.
const (
	RoomFailed  RoomDone = iota // it could not be created or adopted; RoomResult.Note says why
	RoomCreated                 // it did not exist and was created
	RoomAdopted                 // it existed under its alias and is now known by its kind
)

// RoomResult is what happened to one room, for the admin.
type RoomResult struct {
	Done RoomDone
	// Note is why it failed and what to do, or what an admin should know
	// about an adopted room (the bot cannot remove messages there); in
	// Markdown.
	Note string
}

// SetRooms gives the toolbox the homeserver's rooms. Call it before the
// bot runs: it is not guarded against commands running meanwhile. Without
// it the toolbox knows no room, and its pointers say none is set up.
func (tb *Toolbox) SetRooms(r Rooms) { tb.rooms = r }

// IsAdmin reports whether a Matrix ID is the founder's or a configured
// admin's. The bot trusts a room under one of the community's aliases only
// when such a person (or the bot itself) made it.
func (tb *Toolbox) IsAdmin(userID string) bool { return userID != "" && tb.admins[userID] }

// CommunityRooms lists the rooms the community has, by their canonical
// aliases: the general forum, the workplace and one room per active team
// of the ledger. The bot knows rooms with these aliases by their kind even
// when the configuration does not name them.
func (tb *Toolbox) CommunityRooms() []RoomSpec {
	return tb.communityRooms(tb.ledger.Current().ReadAt(tb.ledger.Now()), nil)
}

func (tb *Toolbox) communityRooms(tx *ledger.Tx, invite []string) []RoomSpec {
	specs := []RoomSpec{
		{Alias: tb.roomAlias(ForumAlias), Name: "General forum", Room: Room{Kind: RoomForum},
			Topic: "The whole community's conversations; governance will live here."},
		{Alias: tb.roomAlias(WorkplaceAlias), Name: "Workplace", Room: Room{Kind: RoomWorkplace},
			Topic: "Work across teams: new tasks and awarded SC are announced here; work commands are welcome."},
	}
	var teams []ledger.Team
	for t := range tx.Teams() {
		if t.Status == ledger.StatusActive {
			teams = append(teams, t)
		}
	}
	slices.SortFunc(teams, func(a, b ledger.Team) int { return compareIDs(a.ID, b.ID) })
	for _, t := range teams {
		specs = append(specs, RoomSpec{
			Alias: tb.roomAlias(t.ID), Name: cmp.Or(t.Name, t.ID), Room: Room{Kind: RoomTeam, Team: t.ID},
			Topic: fmt.Sprintf("The %s's room: its work, its captain's commands and its announcements.", cmp.Or(t.Name, t.ID)),
		})
	}
	for i := range specs {
		specs[i].Invite = invite
	}
	return specs
}

var cmdSetupRooms = &Command{
	Name: "setup_rooms", Tier: TierAdmin,
	Summary: "create the community's missing rooms: the forum, the workplace, one per team",
	Help: "Creates whichever of the community's rooms do not exist yet on its homeserver, each under its alias: the general forum (`#" +
		ForumAlias + ":<server>`), the workplace (`#" + WorkplaceAlias + ":<server>`) and one room per active team (`#<team_id>:<server>`, " +
		"named by the team's name). New rooms are invite-only and not in the room directory, their history is visible to their members, " +
		"and you and the founder are invited with full power; Engelbot creates them, so it can remove messages there. " +
		"A room that already has its alias is adopted, never duplicated, if Engelbot, the founder or an admin made it; one someone else made " +
		"is not (the answer names who made it: remove the alias from that room, then run this again). If Engelbot is not in a room to adopt " +
		"and cannot join, the answer says so (invite Engelbot, then run this again). Running it again creates nothing new. Rooms with these " +
		"aliases are known by their kind even where the configuration's `rooms:` does not name them. The audit trail records each run " +
		"that set up or adopted a room: who, and which rooms.",
	run: runSetupRooms,
}

func runSetupRooms(ctx context.Context, tb *Toolbox, c *call) Reply {
	if tb.rooms == nil {
		return refused("I can't reach the homeserver's rooms from here, so nothing was set up.")
	}
	// The same command delivered again is answered as the first time: its
	// rooms were set up then.
	if r, done, err := tb.Recorded(ctx, c.EventID); err == nil && done {
		return r
	}
	invite := []string{c.Sender}
	if tb.founder != "" && tb.founder != c.Sender {
		invite = append(invite, tb.founder)
	}
	specs := tb.communityRooms(tb.ledger.Current().ReadAt(tb.ledger.Now()), invite)
	var created, adopted []string
	var b strings.Builder
	b.WriteString("**The community's rooms**\n\n")
	for _, s := range specs {
		res := tb.rooms.EnsureRoom(ctx, s)
		what := "could not be set up"
		switch res.Done {
		case RoomCreated:
			what = "created"
			created = append(created, s.Alias)
		case RoomAdopted:
			what = "adopted (it existed already)"
			adopted = append(adopted, s.Alias)
		}
		fmt.Fprintf(&b, "- `%s` (%s): %s", s.Alias, s.Room.Kind, what)
		if res.Note != "" {
			fmt.Fprintf(&b, " — %s", res.Note)
		}
		b.WriteString("\n")
	}
	if len(created) == 0 {
		b.WriteString("\nNothing new was created.")
	} else {
		fmt.Fprintf(&b, "\n%d created. You and the founder are invited to the new rooms; invite the owners who belong in each.", len(created))
	}
	text := b.String()
	if len(created)+len(adopted) == 0 {
		return Reply{Text: text}
	}
	// Rooms are not ledger records, but who set up which rooms belongs in
	// the audit trail: one row, keyed by the command's event ID, whenever a
	// room was set up. The rooms come first, so a crash before the row
	// leaves rooms without it; the command delivered again then finds
	// them all there and adopts them, and its row is still written — a
	// run that only adopted is recorded too.
	res, err := tb.ledger.Apply(ctx, ledger.Mutation{
		EventID: c.EventID, Actor: c.alias, Command: c.commandLine(),
		Run: func(*ledger.Tx) (ledger.Outcome, error) {
			return ledger.Outcome{Action: "rooms.setup", Target: roomsTarget(created, adopted), Reply: text}, nil
		},
	})
	if err != nil {
		return Reply{Text: text + "\n\nThe rooms are there, but the audit trail could not record it just now; the admins can see why in Engelbot's log.", Err: err}
	}
	return Reply{Text: res.Reply, Duplicate: res.Duplicate}
}

// roomsTarget is what an audit row of !setup_rooms is about: the rooms it
// created and those it adopted, by alias.
func roomsTarget(created, adopted []string) string {
	list := func(aliases []string) string {
		if len(aliases) == 0 {
			return "none"
		}
		return strings.Join(aliases, " ")
	}
	return "created " + list(created) + "; adopted " + list(adopted)
}
