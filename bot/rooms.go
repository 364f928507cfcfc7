package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/toolbox"
)

// roomBook is what the bot knows of the community's rooms: each room's
// kind and how owners find it, each team's room, the workplace and the
// forum, for commands, announcements and pointers. The configuration's
// rooms are entered at start and win; rooms under a canonical alias are
// learnt at start and by !setup_rooms while commands run, so every access
// holds the lock.
type roomBook struct {
	mu        sync.RWMutex
	kinds     map[id.RoomID]toolbox.Room
	names     map[id.RoomID]string // how owners find a room: its alias, or its ID when it has none
	teams     map[string]id.RoomID // team ID → its room, for announcements
	workplace id.RoomID            // "" when the community has none
	forum     id.RoomID            // "" when the community has none

	// What the configuration named: learning never overrides it.
	configured          map[id.RoomID]bool
	configuredTeam      map[string]bool
	configuredWorkplace bool
	configuredForum     bool
}

func newRoomBook() *roomBook {
	return &roomBook{
		kinds: map[id.RoomID]toolbox.Room{}, names: map[id.RoomID]string{}, teams: map[string]id.RoomID{},
		configured: map[id.RoomID]bool{}, configuredTeam: map[string]bool{},
	}
}

// configure enters a room the configuration names, by name: the alias or
// room ID the configuration gives.
func (rb *roomBook) configure(roomID id.RoomID, room toolbox.Room, name string) {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	rb.configured[roomID] = true
	rb.put(roomID, room)
	if strings.HasPrefix(name, "#") || rb.names[roomID] == "" {
		rb.names[roomID] = name
	}
	switch room.Kind {
	case toolbox.RoomTeam:
		rb.configuredTeam[room.Team] = true
	case toolbox.RoomWorkplace:
		rb.configuredWorkplace = true
	case toolbox.RoomForum:
		rb.configuredForum = true
	}
}

// learn enters a room found under its canonical alias, unless the
// configuration says what that room is, or names another room for its
// team, as the workplace or as the forum. It returns what the room is
// taken for.
func (rb *roomBook) learn(roomID id.RoomID, room toolbox.Room, alias string) toolbox.Room {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	if rb.configured[roomID] {
		// A room the configuration names by ID only is better named by
		// the canonical alias it has, when that alias means what the
		// configuration says the room is.
		if rb.kinds[roomID] == room && strings.HasPrefix(rb.names[roomID], "!") {
			rb.names[roomID] = alias
		}
		return rb.kinds[roomID]
	}
	rb.kinds[roomID] = room
	rb.names[roomID] = alias
	switch {
	case room.Kind == toolbox.RoomTeam && !rb.configuredTeam[room.Team]:
		rb.teams[room.Team] = roomID
	case room.Kind == toolbox.RoomWorkplace && !rb.configuredWorkplace:
		rb.workplace = roomID
	case room.Kind == toolbox.RoomForum && !rb.configuredForum:
		rb.forum = roomID
	}
	return room
}

func (rb *roomBook) put(roomID id.RoomID, room toolbox.Room) {
	rb.kinds[roomID] = room
	switch room.Kind {
	case toolbox.RoomTeam:
		rb.teams[room.Team] = roomID
	case toolbox.RoomWorkplace:
		rb.workplace = roomID
	case toolbox.RoomForum:
		rb.forum = roomID
	}
}

// aliasOf is how owners find the community's room of a kind: its alias,
// or its room ID when it has none; "" when the bot knows no such room.
func (rb *roomBook) aliasOf(room toolbox.Room) string {
	rb.mu.RLock()
	defer rb.mu.RUnlock()
	var roomID id.RoomID
	switch room.Kind {
	case toolbox.RoomTeam:
		roomID = rb.teams[room.Team]
	case toolbox.RoomWorkplace:
		roomID = rb.workplace
	case toolbox.RoomForum:
		roomID = rb.forum
	}
	if roomID == "" {
		return ""
	}
	return cmp.Or(rb.names[roomID], string(roomID))
}

// isConfigured reports whether the configuration names a room.
func (rb *roomBook) isConfigured(roomID id.RoomID) bool {
	rb.mu.RLock()
	defer rb.mu.RUnlock()
	return rb.configured[roomID]
}

// kind is what a known room is.
func (rb *roomBook) kind(roomID id.RoomID) (toolbox.Room, bool) {
	rb.mu.RLock()
	defer rb.mu.RUnlock()
	r, ok := rb.kinds[roomID]
	return r, ok
}

// announcedIn is the room an announcement goes to: its team's room, the
// workplace or the forum.
func (rb *roomBook) announcedIn(a toolbox.Announcement) (id.RoomID, bool) {
	rb.mu.RLock()
	defer rb.mu.RUnlock()
	if a.Workplace {
		return rb.workplace, rb.workplace != ""
	}
	if a.Forum {
		return rb.forum, rb.forum != ""
	}
	roomID, ok := rb.teams[a.Team]
	return roomID, ok
}

// resolveRooms turns configured room aliases into room IDs, then learns
// the community's rooms that have their canonical alias (the forum, the
// workplace, the teams' rooms), so that their kind is known without
// configuration — each only if the bot, the founder or an admin made it.
func (b *Bot) resolveRooms(ctx context.Context) {
	for key, room := range b.cfg.Rooms {
		roomID := id.RoomID(key)
		if !strings.HasPrefix(key, "!") {
			var err error
			if roomID, err = b.resolveAlias(ctx, id.RoomAlias(key)); err != nil {
				b.log.Warn().Err(err).Str("alias", key).Msg("a configured room alias does not resolve; that room is treated as an ordinary room")
				continue
			}
		}
		b.rooms.configure(roomID, room, key)
	}
	if b.tb == nil {
		return
	}
	for _, spec := range b.tb.CommunityRooms() {
		roomID, err := b.resolveAlias(ctx, id.RoomAlias(spec.Alias))
		if errors.Is(err, mautrix.MNotFound) {
			continue // not set up (yet): !setup_rooms creates it
		}
		if err != nil {
			b.log.Warn().Err(err).Str("alias", spec.Alias).Msg("cannot look up one of the community's rooms; its kind is unknown until !setup_rooms or a restart")
			continue
		}
		if !b.rooms.isConfigured(roomID) {
			v, err := b.vet(ctx, roomID)
			if err != nil {
				b.log.Warn().Err(err).Str("alias", spec.Alias).Stringer("room_id", roomID).
					Msg("cannot tell who made one of the community's rooms; its kind is unknown until !setup_rooms or a restart")
				continue
			}
			if v.stranger != "" {
				b.log.Warn().Str("alias", spec.Alias).Stringer("room_id", roomID).Stringer("creator", v.stranger).
					Msg("a room under one of the community's aliases was made by someone who is neither Engelbot, the founder nor an admin: it is not taken for the community's room; an admin removes the alias from it, then runs !setup_rooms")
				continue
			}
		}
		b.rooms.learn(roomID, spec.Room, spec.Alias)
	}
}

// resolveAlias is the room an alias names on the homeserver.
func (b *Bot) resolveAlias(ctx context.Context, alias id.RoomAlias) (id.RoomID, error) {
	var resp *mautrix.RespAliasResolve
	err := b.retry(ctx, time.Minute, func(ctx context.Context) error {
		var err error
		resp, err = b.client.ResolveAlias(ctx, alias)
		return err
	})
	if err != nil {
		return "", err
	}
	return resp.RoomID, nil
}

// serverOf is the server part of a Matrix user ID.
func serverOf(userID id.UserID) string {
	_, server, _ := strings.Cut(string(userID), ":")
	return server
}

// roomFor says what a room is: configured or under a canonical alias, or
// a direct chat when the bot's m.direct says it is one with a person and
// only the bot and that person are in it (joined or invited): a room
// where a third person was invited is no longer private. An error means
// the bot cannot tell who is in it: guessing would grant or refuse an
// admin command wrongly.
func (b *Bot) roomFor(ctx context.Context, roomID id.RoomID) (toolbox.Room, error) {
	if r, ok := b.rooms.kind(roomID); ok {
		return r, nil
	}
	with, marked := b.direct.with(roomID)
	if !marked {
		return toolbox.Room{Kind: toolbox.RoomOther}, nil
	}
	if err := b.knowMembers(ctx, roomID); err != nil {
		return toolbox.Room{}, fmt.Errorf("looking up the members of %s: %w", roomID, err)
	}
	members, err := b.roomState.GetRoomJoinedOrInvitedMembers(ctx, roomID)
	if err != nil {
		return toolbox.Room{}, fmt.Errorf("looking up the members of %s: %w", roomID, err)
	}
	if len(members) == 2 && slices.Contains(members, b.client.UserID) && slices.Contains(members, with) {
		return toolbox.Room{Kind: toolbox.RoomDirect}, nil
	}
	return toolbox.Room{Kind: toolbox.RoomOther}, nil
}
