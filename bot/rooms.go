package bot

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/toolbox"
)

// resolveRooms turns configured room aliases into room IDs.
func (b *Bot) resolveRooms(ctx context.Context) {
	for key, room := range b.cfg.Rooms {
		roomID := id.RoomID(key)
		if !strings.HasPrefix(key, "!") {
			var resp *mautrix.RespAliasResolve
			err := b.retry(ctx, time.Minute, func(ctx context.Context) error {
				var err error
				resp, err = b.client.ResolveAlias(ctx, id.RoomAlias(key))
				return err
			})
			if err != nil {
				b.log.Warn().Err(err).Str("alias", key).Msg("a configured room alias does not resolve; that room is treated as an ordinary room")
				continue
			}
			roomID = resp.RoomID
		}
		b.rooms[roomID] = room
		if room.Kind == toolbox.RoomTeam {
			b.teamRooms[room.Team] = roomID
		}
	}
}

// serverOf is the server part of a Matrix user ID.
func serverOf(userID id.UserID) string {
	_, server, _ := strings.Cut(string(userID), ":")
	return server
}

// memberCache remembers how many members a room has, to tell direct chats
// from shared rooms; any membership change in a room forgets its entry.
type memberCache struct {
	mu    sync.Mutex
	count map[id.RoomID]int
}

func (m *memberCache) get(roomID id.RoomID) (int, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, ok := m.count[roomID]
	return n, ok
}

func (m *memberCache) set(roomID id.RoomID, n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.count == nil {
		m.count = map[id.RoomID]int{}
	}
	m.count[roomID] = n
}

func (m *memberCache) forget(roomID id.RoomID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.count, roomID)
}

// roomFor says what a room is: configured, or a direct chat when only the
// bot and one other person are in it. An error means the homeserver could
// not say how many are in it: guessing would grant or refuse an admin
// command wrongly.
func (b *Bot) roomFor(ctx context.Context, roomID id.RoomID) (toolbox.Room, error) {
	if r, ok := b.rooms[roomID]; ok {
		return r, nil
	}
	n, ok := b.members.get(roomID)
	if !ok {
		var resp *mautrix.RespJoinedMembers
		err := b.retry(ctx, time.Minute, func(ctx context.Context) error {
			var err error
			resp, err = b.client.JoinedMembers(ctx, roomID)
			return err
		})
		if err != nil {
			return toolbox.Room{}, fmt.Errorf("counting the members of %s: %w", roomID, err)
		}
		n = len(resp.Joined)
		b.members.set(roomID, n)
	}
	if n == 2 {
		return toolbox.Room{Kind: toolbox.RoomDirect}, nil
	}
	return toolbox.Room{Kind: toolbox.RoomOther}, nil
}
