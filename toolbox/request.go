package toolbox

import (
	"strings"
	"time"
	"unicode"

	"smartup0.org/engelbot/ledger"
)

// RoomKind is what a room is to the community. The bot works it out from
// its configuration (team rooms, forum, workplace), from the room's
// canonical alias (see CommunityRooms) and from the room itself (a direct
// chat).
type RoomKind int

// Kinds of room.
const (
	RoomOther     RoomKind = iota // none of the community's rooms: neither configured nor under a canonical alias
	RoomTeam                      // a team's room; Room.Team says which
	RoomForum                     // the general forum
	RoomWorkplace                 // the workplace
	RoomDirect                    // a direct chat with the bot
)

func (k RoomKind) String() string {
	switch k {
	case RoomTeam:
		return "team room"
	case RoomForum:
		return "forum"
	case RoomWorkplace:
		return "workplace"
	case RoomDirect:
		return "direct chat"
	}
	return "room"
}

// Room is where a command was sent.
type Room struct {
	Kind RoomKind
	Team string // for RoomTeam: the team ID, e.g. 3_7_operational_team
}

// Request is one command as the toolbox sees it.
type Request struct {
	Sender  string   // Matrix user ID: identity is never a display name
	EventID string   // the Matrix event ID: the exactly-once key of a write
	Room    Room     // where it was sent
	Command string   // the name typed, without the prefix, e.g. "start_work"
	Args    []string // the arguments, already split (quotes respected)
	// Text is the message after the command's name as typed, line breaks
	// and quotes kept, for free text that splitting would flatten (a
	// proposal's text). Empty when the request was not typed; commands
	// then fall back on Args.
	Text string
	// Sent is when the homeserver received the message. A deadline (the
	// end of a lazy-consensus window) is judged by it, not by when the
	// command's turn came; it never counts as later than the ledger's clock.
	Sent time.Time
}

// rawRest is the free text after the first n arguments: as typed when the
// request carries its text and those arguments are its first n words
// unquoted, else the remaining arguments joined by spaces.
func (r *Request) rawRest(n int) string {
	if n > len(r.Args) {
		return ""
	}
	joined := strings.Join(r.Args[n:], " ")
	rest := strings.TrimSpace(r.Text)
	for i := range n {
		end := strings.IndexFunc(rest, unicode.IsSpace)
		if end < 0 {
			end = len(rest)
		}
		if rest[:end] != r.Args[i] {
			return joined
		}
		rest = strings.TrimSpace(rest[end:])
	}
	if rest == "" {
		return joined
	}
	return rest
}

// Reply is the toolbox's answer, in Markdown.
type Reply struct {
	Text string
	// Refused: the command did not run (unknown, not allowed, bad input, or
	// the rules said no); nothing was written.
	Refused bool
	// Denied: refused because this sender may not use the command here (not
	// an owner, wrong tier or room), before any rule was looked at.
	Denied bool
	// Duplicate: the command had run before (the same event delivered
	// again); Text is its original answer and nothing new was written.
	Duplicate bool
	// Announce are messages for other rooms: a team room hears of new
	// applications and new tasks. Only a successful write announces.
	Announce []Announcement
	// Forget: the command as typed holds private details (a real name, an
	// e-mail address); the bot should remove it from the chat once answered.
	Forget bool
	// Err is why a command failed for reasons other than the rules, for the
	// log. It is never shown to the owner.
	Err error
}

// Announcement is a message for a team's room, the workplace or the forum.
type Announcement struct {
	Team string // the team whose room hears it
	Text string // Markdown
	// Workplace: the workplace hears it, not the team's room (the bot drops
	// it when the community has no workplace).
	Workplace bool
	// Forum: the general forum hears it, not a team's room (a proposal of
	// the forum's was decided).
	Forum bool
}

// inWorkplace is an announcement for the workplace too: the work every
// team may join (new tasks) and what it earned (awarded SC). The rest
// (applications, approvals, objections) stays in the team's room, so the
// workplace stays calm.
func inWorkplace(tx *ledger.Tx, a Announcement) []Announcement {
	name := a.Team
	if t, ok := tx.Team(a.Team); ok && t.Name != "" {
		name = mdText(t.Name)
	}
	return []Announcement{a, {Team: a.Team, Workplace: true, Text: name + " — " + a.Text}}
}
