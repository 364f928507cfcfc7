package bot

import (
	"context"
	"fmt"
	"time"

	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
	"maunium.net/go/mautrix/sqlstatestore"
)

// The bot keeps what it knows of its rooms' state (who is in them, whether
// they are encrypted) in mautrix's SQL state store, in its own database
// under the store's own migrations: encryption needs it to know whom to
// share keys with, and direct chats are told apart by their members.

// openRoomState opens the state store and hands it to the Matrix client,
// which keeps it up to date with what the bot itself sends.
func (b *Bot) openRoomState(ctx context.Context) error {
	store := sqlstatestore.NewSQLStateStore(b.db.Database(),
		dbutil.ZeroLogger(b.log.With().Str("db_section", "matrix_state").Logger()), false)
	if err := store.Upgrade(ctx); err != nil {
		return fmt.Errorf("the room state store in the bot's database: %w", err)
	}
	b.roomState = store
	b.client.StateStore = store
	return nil
}

// noteState enters a state event from a sync into the state store. Its
// error stops the batch, so the sync comes again: mautrix's own
// UpdateStateStore only logs a failed write, and a third person's invite
// that was not stored would leave a room counted as a private direct chat.
func (b *Bot) noteState(ctx context.Context, evt *event.Event) error {
	if evt.StateKey == nil {
		return nil
	}
	if evt.Content.Parsed == nil {
		_ = evt.Content.ParseRaw(evt.Type) // an unparsable event is skipped below
	}
	var err error
	switch content := evt.Content.Parsed.(type) {
	case *event.MemberEventContent:
		err = b.roomState.SetMember(ctx, evt.RoomID, id.UserID(evt.GetStateKey()), content)
	case *event.PowerLevelsEventContent:
		err = b.roomState.SetPowerLevels(ctx, evt.RoomID, content)
	case *event.EncryptionEventContent:
		err = b.roomState.SetEncryptionEvent(ctx, evt.RoomID, content)
	case *event.CreateEventContent:
		err = b.roomState.SetCreate(ctx, evt)
	case *event.JoinRulesEventContent:
		err = b.roomState.SetJoinRules(ctx, evt.RoomID, content)
	case *event.HistoryVisibilityEventContent:
		err = b.roomState.SetHistoryVisibility(ctx, evt.RoomID, content)
	}
	if err != nil {
		return fmt.Errorf("recording %s in %s: %w", evt.Type.Type, evt.RoomID, err)
	}
	return nil
}

// knowRoom makes sure the state store knows a room's state (its
// encryption, its members) before the bot speaks there, asking the
// homeserver once for a room whose full state no sync has shown (one
// joined before the store existed): the state of a room the bot joins
// comes whole with the sync after the join, create event included.
func (b *Bot) knowRoom(ctx context.Context, roomID id.RoomID) error {
	create, err := b.roomState.GetCreate(ctx, roomID)
	if err != nil {
		return err
	}
	if create != nil {
		return nil
	}
	return b.retry(ctx, time.Minute, func(ctx context.Context) error {
		_, err := b.client.State(ctx, roomID)
		return err
	})
}

// knowMembers makes sure the state store holds a room's whole member
// list, invited people included, asking the homeserver once per room.
func (b *Bot) knowMembers(ctx context.Context, roomID id.RoomID) error {
	fetched, err := b.roomState.HasFetchedMembers(ctx, roomID)
	if err != nil {
		return err
	}
	if fetched {
		return nil
	}
	return b.retry(ctx, time.Minute, func(ctx context.Context) error {
		_, err := b.client.Members(ctx, roomID)
		return err
	})
}
