package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// A room under one of the community's canonical aliases is the community's
// only when someone the community trusts made it. Any local user can put
// such an alias on a room of their own and invite the bot; were that room
// taken at its alias' word, work announcements would go there and it would
// count as a team room or the workplace. The bot trusts a room whose
// creator is itself, the founder or an admin. A room the configuration
// names is trusted as the operator said, without looking.

// errNoCreator: the homeserver's answer did not say who created a room.
var errNoCreator = errors.New("the homeserver did not say who created the room")

// errJoin wraps the error of joining a room to look at who created it.
var errJoin = errors.New("joining the room to look into it")

// creatorsOf is who created a room: the sender of its m.room.create event,
// and whoever its content names besides — the creator field of room
// versions before 11 and the additional creators of version 12, who hold a
// creator's power.
func (b *Bot) creatorsOf(ctx context.Context, roomID id.RoomID) ([]id.UserID, error) {
	var create *event.Event
	err := b.retry(ctx, setupBudget, func(ctx context.Context) error {
		var err error
		create, err = b.client.FullStateEvent(ctx, roomID, event.StateCreate, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	if create == nil || create.Sender == "" {
		// The homeserver ignored ?format=event, which is not in the spec
		// (Dendrite does), and sent the content alone; the room's whole
		// state carries the event with its sender.
		var st mautrix.RoomStateMap
		if err := b.retry(ctx, setupBudget, func(ctx context.Context) error {
			var err error
			st, err = b.client.State(ctx, roomID)
			return err
		}); err != nil {
			return nil, err
		}
		if create = st[event.StateCreate][""]; create == nil || create.Sender == "" {
			return nil, errNoCreator
		}
	}
	creators := []id.UserID{create.Sender}
	content := create.Content.AsCreate()
	for _, u := range append([]id.UserID{content.Creator}, content.AdditionalCreators...) {
		if u != "" && !slices.Contains(creators, u) {
			creators = append(creators, u)
		}
	}
	return creators, nil
}

// trusted reports whether a room made by userID may be the community's.
func (b *Bot) trusted(userID id.UserID) bool {
	return userID == b.client.UserID || (b.tb != nil && b.tb.IsAdmin(string(userID)))
}

// vetting is what the bot found out about who made a room.
type vetting struct {
	stranger id.UserID // a creator who is neither the bot, the founder nor an admin; "" when none
	joined   bool      // the bot joined the room to look, and is in it
}

// vet finds out whether a room found under a canonical alias was made by
// someone the community trusts. When the bot is not in the room and may
// not look into it from outside, it joins to look; it leaves again a room
// a stranger made, so that such a room does not keep the bot by a trick.
// A join that fails is returned wrapped in errJoin.
func (b *Bot) vet(ctx context.Context, roomID id.RoomID) (vetting, error) {
	var v vetting
	creators, err := b.creatorsOf(ctx, roomID)
	if errors.Is(err, mautrix.MForbidden) {
		if err := b.retry(ctx, setupBudget, func(ctx context.Context) error {
			_, err := b.client.JoinRoomByID(ctx, roomID)
			return err
		}); err != nil {
			return v, fmt.Errorf("%w: %w", errJoin, err)
		}
		v.joined = true
		creators, err = b.creatorsOf(ctx, roomID)
	}
	if err == nil {
		for _, u := range creators {
			if !b.trusted(u) {
				v.stranger = u
				break
			}
		}
	}
	if v.joined && (err != nil || v.stranger != "") {
		if lerr := b.retry(ctx, setupBudget, func(ctx context.Context) error {
			_, err := b.client.LeaveRoom(ctx, roomID)
			return err
		}); lerr != nil {
			b.log.Warn().Err(lerr).Stringer("room_id", roomID).Msg("cannot leave a room joined only to see who made it")
		} else {
			v.joined = false
		}
	}
	return v, err
}
