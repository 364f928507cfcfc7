package doctor

import (
	"context"
	"errors"
	"slices"
	"strings"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"
)

// rooms checks that every room in rooms: exists — an alias resolves on the
// homeserver — and that the bot is joined to it: a room the bot is not in
// hears nothing from it, and the room kind configured for it means
// nothing. One line per room.
func (r *run) rooms(ctx context.Context, s *sessions) {
	keys := make([]string, 0, len(r.cfg.Rooms))
	for k := range r.cfg.Rooms {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) == 0 {
		r.ok("rooms", "none configured in rooms: (the bot answers in direct chats and in rooms it is invited to)")
		return
	}
	w := s.known()
	if w == nil {
		r.skip("rooms", "needs a working session to look at %s (see the bot lines above)", plural(len(keys), "configured room"))
		return
	}
	jctx, cancel := r.timeout(ctx)
	joined, err := w.client.JoinedRooms(jctx)
	cancel()
	if err != nil {
		r.fail("rooms", "asking the homeserver which rooms the bot is in: %s", describe(err))
		return
	}
	in := map[id.RoomID]bool{}
	for _, room := range joined.JoinedRooms {
		in[room] = true
	}
	for _, key := range keys {
		r.room(ctx, w, key, in)
	}
}

// room checks one entry of rooms:.
func (r *run) room(ctx context.Context, w *who, key string, joined map[id.RoomID]bool) {
	check := "room " + key
	setting := "rooms: " + key
	roomID := id.RoomID(key)
	if strings.HasPrefix(key, "#") {
		rctx, cancel := r.timeout(ctx)
		resp, err := w.client.ResolveAlias(rctx, id.RoomAlias(key))
		cancel()
		switch {
		case errors.Is(err, mautrix.MNotFound):
			r.fail(check, "the alias does not resolve on the homeserver: no room has it. Create the room with this alias (or have an admin run !setup_rooms), or correct the key in %q", setting)
			return
		case err != nil:
			r.fail(check, "resolving the alias: %s", describe(err))
			return
		}
		roomID = resp.RoomID
	}
	if !joined[roomID] {
		r.fail(check, "the bot (%s) is not in room %s: invite it from the room (it joins on an invite from a user of %s), or remove %q",
			w.user, roomID, r.cfg.Homeserver.ServerName, setting)
		return
	}
	kind := r.cfg.Rooms[key].Kind
	if team := r.cfg.Rooms[key].Team; team != "" {
		kind += " " + team
	}
	r.ok(check, "room %s exists and the bot is in it (%s)", roomID, kind)
}
