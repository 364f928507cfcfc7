package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/bot/state"
)

// The bot runs its own sync loop rather than mautrix's, which saves the
// sync position before it hands the batch out and does not hand a batch
// out again when handling it failed. Here the position moves past a batch
// only once every command in it is recorded: a batch that could not be
// recorded is asked for again, from the same position.

// syncTimeout is how long one /sync waits for news when there is none.
const syncTimeout = 30 * time.Second

// sessionEndedWait is the pause between syncs while the session is ended
// and cannot be renewed: nothing will change until the operator acts.
const sessionEndedWait = 5 * time.Minute

// defaultTimelineLimit is how many of a room's newest events one sync
// carries; older ones of a busy room are fetched by fillGap.
const defaultTimelineLimit = 50

// syncLoop syncs until ctx ends.
func (b *Bot) syncLoop(ctx context.Context) error {
	since, err := b.db.SyncStore().LoadNextBatch(ctx, b.client.UserID)
	if err != nil {
		return err
	}
	filter, err := b.syncFilter()
	if err != nil {
		return err
	}
	for failures, first := 0, true; ctx.Err() == nil; first = false {
		// The first sync of a run, and one after a failure, returns at
		// once: what is waiting is wanted now, not after a long poll (and
		// the scheduled jobs wait for it).
		timeout := syncTimeout
		if failures > 0 || first {
			timeout = 0
		}
		token := b.session.current()
		next, err := b.syncOnce(ctx, since, filter, timeout)
		if err == nil {
			since, failures = next, 0
			continue
		}
		if ctx.Err() != nil {
			break
		}
		failures++
		if b.wait(ctx, b.syncFailed(ctx, err, token, failures)) != nil {
			break
		}
	}
	return nil
}

// syncOnce asks for what happened since the position since, records it,
// and only then saves the new position, which it returns.
func (b *Bot) syncOnce(ctx context.Context, since, filter string, timeout time.Duration) (string, error) {
	resp, err := b.client.FullSyncRequest(ctx, mautrix.ReqSync{Since: since, FilterID: filter, Timeout: int(timeout.Milliseconds())})
	if err != nil {
		return since, err
	}
	if err := b.process(ctx, resp, since); err != nil {
		return since, fmt.Errorf("recording a sync's commands: %w", err)
	}
	if err := b.db.SyncStore().SaveNextBatch(ctx, b.client.UserID, resp.NextBatch); err != nil {
		// The batch is recorded; asking for it again costs nothing more
		// than answering its duplicates with silence.
		return since, err
	}
	var newest time.Time
	if since != "" {
		newest = newestEvent(resp)
	}
	b.cfg.Observer.Synced(newest)
	return resp.NextBatch, nil
}

// newestEvent is the server time of the newest timeline event in a sync
// response, or zero when it carries none.
func newestEvent(resp *mautrix.RespSync) time.Time {
	var ts int64
	for _, room := range resp.Rooms.Join {
		for _, evt := range room.Timeline.Events {
			ts = max(ts, evt.Timestamp)
		}
	}
	if ts == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ts)
}

// syncFailed logs a failed sync and says how long to wait before the next:
// a renewed session tries again at once, a rate limit waits what the
// server asked, anything else backs off.
func (b *Bot) syncFailed(ctx context.Context, err error, token string, failures int) time.Duration {
	kind, wait := classify(err)
	log := b.log.Warn().Err(err).Int("failures", failures)
	switch kind {
	case failSession:
		rerr := b.renew(ctx, token)
		if rerr == nil {
			log.Msg("sync: the session had ended and was renewed")
			return 0
		}
		if errors.Is(rerr, errSessionEnded) {
			b.log.Error().Dur("next_try_in", sessionEndedWait).Msg("sync: the bot's session has ended and cannot be renewed without a password; see the error above")
			return sessionEndedWait
		}
		log.AnErr("renewal", rerr).Msg("sync: the session has ended and renewing it failed; trying again")
		return backoff(failures)
	case failRateLimited:
		if wait > 0 {
			log.Dur("wait", wait).Msg("sync: rate limited")
			return min(wait, maxRateWait)
		}
	}
	wait = backoff(failures)
	log.Dur("wait", wait).Msg("sync failed; trying again")
	return wait
}

// syncFilter is the filter every sync uses, inline: a stored filter ID
// would have to be kept in step with the settings.
func (b *Bot) syncFilter() (string, error) {
	limit := b.cfg.TimelineLimit
	if limit <= 0 {
		limit = defaultTimelineLimit
	}
	f := mautrix.Filter{Room: &mautrix.RoomFilter{Timeline: &mautrix.FilterPart{Limit: limit}}}
	data, err := json.Marshal(f)
	return string(data), err
}

// process handles one sync response: it accepts or refuses invites, fills
// the gaps of rooms whose timeline was cut, and records every new command.
// An error means some command may not be recorded: the caller must not
// move the sync position past this batch.
func (b *Bot) process(ctx context.Context, resp *mautrix.RespSync, since string) error {
	// The response's commands go to their lanes together, once all are
	// taken in (see enqueue).
	b.beginBatch()
	defer b.endBatch()
	// Room keys and device changes first: a key sent with its message
	// must be there when the message is decrypted below.
	b.cryptoSync(ctx, resp, since)
	b.noteAccountData(resp)
	for roomID, room := range resp.Rooms.Invite {
		if err := b.invited(ctx, roomID, room.State.Events); err != nil {
			return err
		}
	}
	for roomID, room := range resp.Rooms.Join {
		for _, evt := range room.State.Events {
			evt.RoomID = roomID
			if err := b.noteState(ctx, evt); err != nil {
				return err
			}
			b.cryptoState(ctx, evt)
		}
		events := room.Timeline.Events
		// On the very first sync the history is cut on purpose: the bot
		// ignores what came before its first start anyway.
		if room.Timeline.Limited && since != "" {
			older, err := b.fillGap(ctx, roomID, room.Timeline.PrevBatch, since)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err != nil {
				// Asking for the batch again would hold up every room for
				// this one; what could be fetched is handled.
				b.log.Error().Err(err).Stringer("room_id", roomID).Int("fetched", len(older)).
					Msg("cannot fetch all the messages a sync left out in a room; commands among the rest are not seen")
			}
			events = append(older, events...)
		}
		for _, evt := range events {
			evt.RoomID = roomID
			if evt.StateKey != nil {
				if err := b.noteState(ctx, evt); err != nil {
					return err
				}
				b.cryptoState(ctx, evt)
				continue
			}
			if evt.Type == event.EventEncrypted {
				plain, ok, err := b.decrypted(ctx, evt)
				if err != nil {
					return err
				}
				if !ok {
					continue // waited for in the background, or told
				}
				evt = plain
			}
			if err := b.consider(ctx, evt); err != nil {
				return err
			}
		}
	}
	b.endBatch() // before the mark below, which must count this response's commands
	b.caughtUpOnce.Do(func() {
		// What arrived while the bot was away is in the lanes now (with
		// what resume found); once it has run, the bot has caught up.
		n := b.lanes.Mark()
		go func() {
			if b.lanes.AwaitRan(ctx, n) == nil {
				close(b.caughtUp)
			}
		}()
	})
	return nil
}

// invited joins a room when the invite comes from someone of our own
// homeserver, and refuses it otherwise: the workspace is defederated. A
// join that may work later is an error, so that the sync comes again with
// the invite; one the homeserver refuses for good is logged and dropped.
func (b *Bot) invited(ctx context.Context, roomID id.RoomID, events []*event.Event) error {
	var inviter id.UserID
	for _, evt := range events {
		if evt.Type == event.StateMember && evt.GetStateKey() == b.cfg.UserID {
			inviter = evt.Sender
		}
	}
	log := b.log.With().Stringer("room_id", roomID).Stringer("inviter", inviter).Logger()
	if inviter == "" || serverOf(inviter) != b.cfg.ServerName {
		log.Info().Msg("refusing an invite from outside the community's homeserver")
		if err := b.retry(ctx, time.Minute, func(ctx context.Context) error {
			_, err := b.client.LeaveRoom(ctx, roomID)
			return err
		}); err != nil {
			log.Warn().Err(err).Msg("refusing the invite failed; it stays pending")
		}
		return nil
	}
	err := b.retry(ctx, time.Minute, func(ctx context.Context) error {
		_, err := b.client.JoinRoomByID(ctx, roomID)
		return err
	})
	if err != nil {
		if kind, _ := classify(err); kind == failPermanent {
			log.Error().Err(err).Msg("the homeserver refuses to let the bot join a room it was invited to")
			return nil
		}
		return fmt.Errorf("joining %s: %w", roomID, err)
	}
	// The inviter's client says the room is a direct chat: the bot's
	// m.direct says so too, as Element expects, and roomFor reads it.
	if invitedDirect(events, b.cfg.UserID) {
		if err := b.markDirect(ctx, roomID, inviter); err != nil {
			return err // the batch comes again; joining again is harmless
		}
		log.Info().Msg("joined a direct chat")
		return nil
	}
	log.Info().Msg("joined a room")
	return nil
}

// rememberFor is how long a handled command's record is kept. Commands
// older than this are not handled at all (see consider), so forgetting
// their records cannot let one run twice. A redelivery happens within
// minutes (a batch asked for again), so a month is generous; it bounds
// the bot's database instead of letting it grow with every command.
const rememberFor = 30 * 24 * time.Hour

// consider records a timeline event as a command to run, if it is one: a
// text message from a person of our homeserver, sent after the bot's first
// start and within rememberFor, not from the bot itself, not a notice
// (bots talking to bots) and not an edit. Recording is idempotent, so a
// redelivered event is not queued twice.
func (b *Bot) consider(ctx context.Context, evt *event.Event) error {
	if evt.Type != event.EventMessage || evt.Sender == b.client.UserID || serverOf(evt.Sender) != b.cfg.ServerName {
		return nil
	}
	sent := time.UnixMilli(evt.Timestamp)
	if sent.Before(b.firstStart) {
		return nil
	}
	// A decrypted event comes parsed, without its raw JSON.
	if evt.Content.Parsed == nil && evt.Content.ParseRaw(evt.Type) != nil {
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
	name, _, ok, perr := parseCommand(body)
	if !ok {
		return nil
	}
	if perr != nil {
		name = "" // answered with the parse error: not a write to announce
	}
	if sent.Before(b.now().Add(-rememberFor)) {
		b.log.Warn().Stringer("event_id", evt.ID).Time("sent", sent).Msg("a command older than the bot remembers handled commands is not run")
		return nil
	}
	ev := state.Event{
		ID: string(evt.ID), RoomID: string(evt.RoomID), Sender: string(evt.Sender),
		Body: body, Thread: string(content.RelatesTo.GetThreadParent()), Timestamp: sent,
	}
	first, err := b.claim(ctx, ev)
	if err != nil {
		return err
	}
	if first {
		b.enqueue(ev, name)
	}
	return nil
}
