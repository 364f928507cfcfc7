package bot

import (
	"context"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/bot/state"
)

// deferredSyncStore keeps mautrix from saving the sync token before the
// batch is handled (its loop saves first, then dispatches: a crash in
// between would lose commands). onSync saves the token itself, once every
// command of the batch is recorded.
type deferredSyncStore struct{ mautrix.SyncStore }

func (deferredSyncStore) SaveNextBatch(context.Context, id.UserID, string) error { return nil }

// onSync handles one sync response: it accepts or refuses invites, records
// every new command, and only then saves the sync position.
func (b *Bot) onSync(ctx context.Context, resp *mautrix.RespSync, since string) bool {
	for roomID, room := range resp.Rooms.Invite {
		b.invited(ctx, roomID, room.State.Events)
	}
	for roomID, room := range resp.Rooms.Join {
		for _, evt := range room.State.Events {
			if evt.Type == event.StateMember {
				b.members.forget(roomID)
			}
		}
		for _, evt := range room.Timeline.Events {
			evt.RoomID = roomID
			if evt.Type == event.StateMember {
				b.members.forget(roomID)
				continue
			}
			if err := b.consider(ctx, evt); err != nil {
				// Not saving the token means this batch comes again; claims
				// already made are not repeated.
				b.log.Error().Err(err).Stringer("event_id", evt.ID).Msg("cannot record a command; will retry the batch")
				return false
			}
		}
		// On the very first sync a cut history is expected: the bot ignores
		// what came before its first start anyway.
		if room.Timeline.Limited && since != "" {
			b.log.Warn().Stringer("room_id", roomID).Msg("more messages arrived than one sync returns; older ones in this room are not seen")
		}
	}
	if err := b.db.SyncStore().SaveNextBatch(ctx, b.client.UserID, resp.NextBatch); err != nil {
		b.log.Error().Err(err).Msg("cannot save the sync position")
	}
	b.caughtUpOnce.Do(func() {
		// What arrived while the bot was away is in the lanes now (with
		// what resume found); once it has run, the bot has caught up.
		n := b.lanes.mark()
		go func() {
			if b.lanes.awaitRan(ctx, n) == nil {
				close(b.caughtUp)
			}
		}()
	})
	return false // everything is handled here; nothing else listens
}

// invited joins a room when the invite comes from someone of our own
// homeserver, and refuses it otherwise: the workspace is defederated.
func (b *Bot) invited(ctx context.Context, roomID id.RoomID, events []*event.Event) {
	var inviter id.UserID
	for _, evt := range events {
		if evt.Type == event.StateMember && evt.GetStateKey() == b.cfg.UserID {
			inviter = evt.Sender
		}
	}
	log := b.log.With().Stringer("room_id", roomID).Stringer("inviter", inviter).Logger()
	if inviter == "" || serverOf(inviter) != b.cfg.ServerName {
		log.Info().Msg("refusing an invite from outside the community's homeserver")
		if _, err := b.client.LeaveRoom(ctx, roomID); err != nil {
			log.Warn().Err(err).Msg("refusing the invite failed")
		}
		return
	}
	if _, err := b.client.JoinRoomByID(ctx, roomID); err != nil {
		log.Warn().Err(err).Msg("joining failed; will try again at the next start")
		return
	}
	b.members.forget(roomID)
	log.Info().Msg("joined a room")
}

// consider records a timeline event as a command to run, if it is one: a
// text message from a person of our homeserver, sent after the bot's first
// start, not from the bot itself, not a notice (bots talking to bots) and
// not an edit. Recording is idempotent, so a redelivered event is not
// queued twice.
func (b *Bot) consider(ctx context.Context, evt *event.Event) error {
	if evt.Type != event.EventMessage || evt.Sender == b.client.UserID || serverOf(evt.Sender) != b.cfg.ServerName {
		return nil
	}
	sent := time.UnixMilli(evt.Timestamp)
	if sent.Before(b.firstStart) {
		return nil
	}
	if err := evt.Content.ParseRaw(evt.Type); err != nil {
		return nil // not a message we understand; not a command either
	}
	content := evt.Content.AsMessage()
	if content.MsgType != event.MsgText || content.RelatesTo.GetReplaceID() != "" {
		return nil
	}
	if content.RelatesTo.GetReplyTo() != "" {
		content.RemoveReplyFallback()
	}
	body := commandText(content)
	if _, _, ok, _ := parseCommand(body); !ok {
		return nil
	}
	ev := state.Event{
		ID: string(evt.ID), RoomID: string(evt.RoomID), Sender: string(evt.Sender),
		Body: body, Thread: string(content.RelatesTo.GetThreadParent()), Timestamp: sent,
	}
	first, err := b.db.Claim(ctx, ev)
	if err != nil {
		return err
	}
	if first {
		b.lanes.add(ev.Sender, ev)
	}
	return nil
}
