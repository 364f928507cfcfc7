package bot

import (
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
// kind, each team's room and the workplace, for commands and
// announcements. The configuration's rooms are entered at start and win;
// rooms under a canonical alias are learnt at start and by !setup_rooms
// while commands run, so every access holds the lock.
type roomBook struct {
	mu        sync.RWMutex
	kinds     map[id.RoomID]toolbox.Room
	teams     map[string]id.RoomID // team ID → its room, for announcements
	workplace id.RoomID            // "" when the community has none

	// What the configuration named: learning never overrides it.
	configured          map[id.RoomID]bool
	configuredTeam      map[string]bool
	configuredWorkplace bool
}

func newRoomBook() *roomBook {
	return &roomBook{
		kinds: map[id.RoomID]toolbox.Room{}, teams: map[string]id.RoomID{},
		configured: map[id.RoomID]bool{}, configuredTeam: map[string]bool{},
	}
}

// configure enters a room the configuration names.
func (rb *roomBook) configure(roomID id.RoomID, room toolbox.Room) {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	rb.configured[roomID] = true
	rb.put(roomID, room)
	switch room.Kind {
	case toolbox.RoomTeam:
		rb.configuredTeam[room.Team] = true
	case toolbox.RoomWorkplace:
		rb.configuredWorkplace = true
	}
}

// learn enters a room found under its canonical alias, unless the
// configuration says what that room is, or names another room for its
// team or as the workplace. It returns what the room is taken for.
func (rb *roomBook) learn(roomID id.RoomID, room toolbox.Room) toolbox.Room {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	if rb.configured[roomID] {
		return rb.kinds[roomID]
	}
	rb.kinds[roomID] = room
	switch {
	case room.Kind == toolbox.RoomTeam && !rb.configuredTeam[room.Team]:
		rb.teams[room.Team] = roomID
	case room.Kind == toolbox.RoomWorkplace && !rb.configuredWorkplace:
		rb.workplace = roomID
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
	}
}

// kind is what a known room is.
func (rb *roomBook) kind(roomID id.RoomID) (toolbox.Room, bool) {
	rb.mu.RLock()
	defer rb.mu.RUnlock()
	r, ok := rb.kinds[roomID]
	return r, ok
}

// announcedIn is the room an announcement goes to: its team's room, or
// the workplace.
func (rb *roomBook) announcedIn(a toolbox.Announcement) (id.RoomID, bool) {
	rb.mu.RLock()
	defer rb.mu.RUnlock()
	if a.Workplace {
		return rb.workplace, rb.workplace != ""
	}
	roomID, ok := rb.teams[a.Team]
	return roomID, ok
}

// resolveRooms turns configured room aliases into room IDs, then learns
// the community's rooms that have their canonical alias (the forum, the
// workplace, the teams' rooms), so that their kind is known without
// configuration.
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
		b.rooms.configure(roomID, room)
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
		b.rooms.learn(roomID, spec.Room)
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
	if err := b.knowRoom(ctx, roomID); err != nil {
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
