package bot

import (
	"context"
	"fmt"
	"time"

	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix"
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

// noteState enters a state event from a sync into the state store.
func (b *Bot) noteState(ctx context.Context, evt *event.Event) {
	if evt.StateKey == nil {
		return
	}
	if evt.Content.Parsed == nil {
		_ = evt.Content.ParseRaw(evt.Type) // an unparsable event is skipped by the store
	}
	mautrix.UpdateStateStore(ctx, b.roomState, evt)
}

// knowRoom makes sure the state store knows a room's whole state (its
// members, its encryption), asking the homeserver once for a room the
// syncs have not shown in full (one joined before the store existed).
func (b *Bot) knowRoom(ctx context.Context, roomID id.RoomID) error {
	fetched, err := b.roomState.HasFetchedMembers(ctx, roomID)
	if err != nil {
		return err
	}
	if fetched {
		return nil
	}
	return b.retry(ctx, time.Minute, func(ctx context.Context) error {
		_, err := b.client.State(ctx, roomID)
		return err
	})
}
