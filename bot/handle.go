package bot

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/format"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/bot/state"
	"smartup0.org/engelbot/toolbox"
)

// handleTimeout bounds one command, answer included.
const handleTimeout = 3 * time.Minute

// handle runs one recorded command and answers it. It runs in a sender's
// lane, never in the sync loop.
func (b *Bot) handle(ev state.Event) {
	ctx, cancel := context.WithTimeout(context.Background(), handleTimeout)
	defer cancel()
	log := b.log.With().Str("event_id", ev.ID).Str("room_id", ev.RoomID).Str("sender", ev.Sender).Logger()
	ctx = log.WithContext(ctx)
	defer func() {
		if r := recover(); r != nil {
			log.Error().Interface("panic", r).Str("stack", string(debug.Stack())).Msg("a command panicked")
			b.answer(ctx, ev, toolbox.Reply{Text: "Something went wrong inside Engelbot while running that; nothing was written. The admins can see what in the log.", Refused: true})
		}
	}()

	reply := b.run(ctx, ev)
	if reply.Err != nil {
		log.Warn().Err(reply.Err).Msg("command failed")
	}
	log.Info().Bool("refused", reply.Refused).Bool("duplicate", reply.Duplicate).Msg("command answered")
	b.answer(ctx, ev, reply)
	if reply.Forget {
		b.forget(ctx, ev)
	}
	for _, a := range reply.Announce {
		b.announce(ctx, a)
	}
}

// forget redacts a command whose text holds private details, so that they
// do not stay in the room's history (they are kept in the private identity
// mapping only). In a direct chat the bot has the power to; where it has
// not, the log says so and the admin can delete the message.
func (b *Bot) forget(ctx context.Context, ev state.Event) {
	_, err := b.client.RedactEvent(ctx, id.RoomID(ev.RoomID), id.EventID(ev.ID), mautrix.ReqRedact{
		Reason: "onboarding details are kept in the private identity mapping only",
	})
	if err != nil {
		b.log.Warn().Err(err).Str("event_id", ev.ID).Msg("cannot remove a command with private details from the chat; the sender may delete it")
	}
}

func (b *Bot) run(ctx context.Context, ev state.Event) toolbox.Reply {
	if len(ev.Body) > maxCommandBytes {
		return toolbox.Reply{Text: fmt.Sprintf("That message is too long for a command (%d bytes; the limit is %d). Nothing was done.", len(ev.Body), maxCommandBytes), Refused: true}
	}
	name, args, _, err := parseCommand(ev.Body)
	if err != nil {
		return toolbox.Reply{Text: fmt.Sprintf("I couldn't read that command: %v. Nothing was done.", err), Refused: true}
	}
	roomID := id.RoomID(ev.RoomID)
	room := b.roomFor(ctx, roomID)
	return b.tb.Run(ctx, toolbox.Request{
		Sender: ev.Sender, EventID: ev.ID, Room: room, Command: name, Args: args, Sent: ev.Timestamp,
	})
}

// answer sends the reply as a notice (bots don't answer notices, so two
// bots cannot loop) replying to the command, in its thread if it had one,
// and marks the command answered.
func (b *Bot) answer(ctx context.Context, ev state.Event, reply toolbox.Reply) {
	content := format.RenderMarkdown(reply.Text, true, false)
	content.MsgType = event.MsgNotice
	if ev.Thread != "" {
		content.RelatesTo = (&event.RelatesTo{}).SetThread(id.EventID(ev.Thread), "").SetReplyTo(id.EventID(ev.ID))
		content.Mentions = &event.Mentions{UserIDs: []id.UserID{id.UserID(ev.Sender)}}
	} else {
		content.SetReply(&event.Event{ID: id.EventID(ev.ID), Sender: id.UserID(ev.Sender)})
	}
	resp, err := b.client.SendMessageEvent(ctx, id.RoomID(ev.RoomID), event.EventMessage, &content)
	if err != nil {
		// Left unfinished: the next start answers it (the ledger keeps the
		// write itself from happening twice).
		b.log.Error().Err(err).Str("event_id", ev.ID).Msg("cannot send the answer")
		return
	}
	if err := b.db.Finish(ctx, ev.ID, string(resp.EventID)); err != nil {
		b.log.Error().Err(err).Str("event_id", ev.ID).Msg("cannot mark the command answered")
	}
}

// announce posts a notice in a team's room, if the configuration names one.
// Announce posts what the bot did by itself (a scheduled award) to the team
// rooms, once the bot is connected; it gives up when ctx ends first.
func (b *Bot) Announce(ctx context.Context, as []toolbox.Announcement) {
	if len(as) == 0 {
		return
	}
	select {
	case <-b.ready:
	case <-ctx.Done():
		return
	}
	for _, a := range as {
		b.announce(ctx, a)
	}
}

func (b *Bot) announce(ctx context.Context, a toolbox.Announcement) {
	roomID, ok := b.teamRooms[a.Team]
	if !ok {
		b.log.Debug().Str("team", a.Team).Msg("no room configured for the team; announcement dropped")
		return
	}
	content := format.RenderMarkdown(a.Text, true, false)
	content.MsgType = event.MsgNotice
	if _, err := b.client.SendMessageEvent(ctx, roomID, event.EventMessage, &content); err != nil {
		b.log.Warn().Err(err).Str("team", a.Team).Msg("cannot post an announcement")
	}
}
