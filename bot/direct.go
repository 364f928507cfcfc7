package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// A direct chat is what Matrix says it is: a room in the bot's m.direct
// account data, which the bot records from an invite marked is_direct
// (the inviter's client declares the room a direct chat, as Element
// does), and which Element reads to list the chat under People. That is
// half of it; roomFor adds that only the bot and that person are in it.

// directRooms is the bot's m.direct: each direct chat, and with whom.
type directRooms struct {
	mu    sync.Mutex // also one read-modify-write of the account data at a time
	rooms map[id.RoomID]id.UserID
}

func (d *directRooms) set(content event.DirectChatsEventContent) {
	rooms := map[id.RoomID]id.UserID{}
	for user, list := range content {
		for _, roomID := range list {
			rooms[roomID] = user
		}
	}
	d.rooms = rooms
}

// with is the person a room is a direct chat with, if it is one.
func (d *directRooms) with(roomID id.RoomID) (id.UserID, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	user, ok := d.rooms[roomID]
	return user, ok
}

// loadDirect reads the bot's m.direct at start.
func (b *Bot) loadDirect(ctx context.Context) error {
	content, err := b.fetchDirect(ctx)
	if err != nil {
		return err
	}
	b.direct.mu.Lock()
	defer b.direct.mu.Unlock()
	b.direct.set(content)
	return nil
}

func (b *Bot) fetchDirect(ctx context.Context) (event.DirectChatsEventContent, error) {
	content := event.DirectChatsEventContent{}
	err := b.retry(ctx, time.Minute, func(ctx context.Context) error {
		err := b.client.GetAccountData(ctx, event.AccountDataDirectChats.Type, &content)
		if errors.Is(err, mautrix.MNotFound) {
			return nil // none yet
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the bot's direct chats (m.direct): %w", err)
	}
	return content, nil
}

// markDirect records a room as a direct chat with a person in the bot's
// m.direct, reading it afresh first so that no other entry is lost.
func (b *Bot) markDirect(ctx context.Context, roomID id.RoomID, with id.UserID) error {
	b.direct.mu.Lock()
	defer b.direct.mu.Unlock()
	content, err := b.fetchDirect(ctx)
	if err != nil {
		return err
	}
	for _, r := range content[with] {
		if r == roomID {
			b.direct.set(content)
			return nil
		}
	}
	content[with] = append(content[with], roomID)
	if err := b.retry(ctx, time.Minute, func(ctx context.Context) error {
		return b.client.SetAccountData(ctx, event.AccountDataDirectChats.Type, content)
	}); err != nil {
		return fmt.Errorf("recording %s as a direct chat (m.direct): %w", roomID, err)
	}
	b.direct.set(content)
	return nil
}

// noteAccountData takes in a change of the bot's m.direct from a sync
// (another of the account's clients, or the bot's own write).
func (b *Bot) noteAccountData(resp *mautrix.RespSync) {
	for _, evt := range resp.AccountData.Events {
		if evt.Type.Type != event.AccountDataDirectChats.Type {
			continue
		}
		var content event.DirectChatsEventContent
		if err := json.Unmarshal(evt.Content.VeryRaw, &content); err != nil {
			b.log.Warn().Err(err).Msg("the bot's m.direct account data cannot be read; keeping what was known")
			continue
		}
		b.direct.mu.Lock()
		b.direct.set(content)
		b.direct.mu.Unlock()
	}
}

// invitedDirect says whether the bot's invite in a room's invite state is
// marked is_direct.
func invitedDirect(events []*event.Event, botID string) bool {
	for _, evt := range events {
		if evt.Type != event.StateMember || evt.GetStateKey() != botID {
			continue
		}
		var content event.MemberEventContent
		if err := json.Unmarshal(evt.Content.VeryRaw, &content); err == nil && content.IsDirect {
			return true
		}
	}
	return false
}
