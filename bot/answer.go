package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/format"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/bot/state"
	"smartup0.org/engelbot/toolbox"
)

// An answer is sent once, even when the bot crashes between sending it and
// marking the command answered:
//   - it goes out with a transaction ID derived from the command's event
//     ID, so sending it again with the same session gives back the first
//     event instead of posting a second one (PUT …/send/{type}/{txnId} is
//     idempotent per access token, for as long as the homeserver keeps
//     transaction IDs: half an hour or more on Dendrite, a day on Synapse);
//   - before the first attempt the command is marked as being answered, and
//     a run that finds that mark first looks in the room for an answer
//     already there (which covers a renewed session and a homeserver that
//     forgot the transaction).

// answerBudget bounds how long one answer keeps being retried in the
// running process (the sender's next commands wait behind it); after that
// it waits for the next start.
const answerBudget = 5 * time.Minute

// lookBack bounds the search for an earlier answer: the bot's own events
// after the command, this many at most.
const lookBack = 500

// digest is a short, fixed-size, URL-safe stand-in for an event ID, whose
// characters ($, /, +) do not belong in a transaction ID.
func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

func answerTxnID(eventID string) string { return "engelbot-answer-" + digest(eventID) }

func announceTxnID(eventID string, i int) string {
	return "engelbot-announce-" + digest(eventID) + "-" + strconv.Itoa(i)
}

// answer sends the reply as a notice (bots don't answer notices, so two
// bots cannot loop) replying to the command, in its thread if it had one,
// and marks the command answered. It reports whether the command is
// answered; if not, it stays recorded and the next start answers it.
func (b *Bot) answer(ctx context.Context, ev state.Event, reply toolbox.Reply) bool {
	log := b.log.With().Str("event_id", ev.ID).Logger()
	if ev.Answering {
		if earlier, ok := b.findAnswer(ctx, ev); ok {
			log.Info().Stringer("answer_id", earlier).Msg("the previous run had answered this command already")
			b.react(ctx, ev, reply)
			return b.finish(ctx, ev, earlier)
		}
	}
	if err := b.db.MarkAnswering(ctx, ev.ID); err != nil {
		log.Error().Err(err).Msg("cannot record that the answer is being sent; left for the next start")
		return false
	}
	content := notice(reply.Text, id.UserID(ev.Sender))
	if ev.Thread != "" {
		content.RelatesTo = (&event.RelatesTo{}).SetThread(id.EventID(ev.Thread), "").SetReplyTo(id.EventID(ev.ID))
	} else {
		content.RelatesTo = (&event.RelatesTo{}).SetReplyTo(id.EventID(ev.ID))
	}
	// Whether the room is encrypted, and to whom the key goes, comes from
	// the room's state: known before the answer is sent.
	if err := b.knowRoom(ctx, id.RoomID(ev.RoomID)); err != nil {
		log.Error().Err(err).Msg("cannot look up the room's state to answer in it; the next start answers")
		return false
	}
	var resp *mautrix.RespSendEvent
	err := b.retry(ctx, answerBudget, func(ctx context.Context) error {
		var err error
		resp, err = b.client.SendMessageEvent(ctx, id.RoomID(ev.RoomID), event.EventMessage, &content,
			mautrix.ReqSendEvent{TransactionID: answerTxnID(ev.ID)})
		return err
	})
	if err != nil {
		log.Error().Err(err).Msg("cannot send the answer; the next start sends it")
		return false
	}
	b.react(ctx, ev, reply)
	return b.finish(ctx, ev, resp.EventID)
}

// notice is a message of the bot: Markdown rendered to HTML with raw HTML
// escaped, sent as a notice, and m.mentions naming exactly the people the
// bot means to ping — the sender of the command it answers, nobody for an
// announcement. Without it, clients and homeservers would work out who is
// mentioned from the text: from a link in a title, or from "@room".
func notice(markdown string, ping ...id.UserID) event.MessageEventContent {
	content := format.RenderMarkdown(markdown, true, false)
	content.MsgType = event.MsgNotice
	content.Mentions = &event.Mentions{UserIDs: ping}
	return content
}

func (b *Bot) finish(ctx context.Context, ev state.Event, answer id.EventID) bool {
	if err := b.db.Finish(ctx, ev.ID, string(answer)); err != nil {
		b.log.Error().Err(err).Str("event_id", ev.ID).Msg("cannot mark the command answered")
		return false
	}
	return true
}

// findAnswer looks for the bot's answer to a command among the bot's own
// events after it.
func (b *Bot) findAnswer(ctx context.Context, ev state.Event) (id.EventID, bool) {
	roomID := id.RoomID(ev.RoomID)
	// In an encrypted room the answer is an m.room.encrypted event.
	mine := &mautrix.FilterPart{Senders: []id.UserID{b.client.UserID}, Types: []event.Type{event.EventMessage, event.EventEncrypted}}
	var around *mautrix.RespContext
	err := b.retry(ctx, time.Minute, func(ctx context.Context) error {
		var err error
		// Servers split the limit between before and after the event.
		around, err = b.client.Context(ctx, roomID, id.EventID(ev.ID), mine, 2*gapPage)
		return err
	})
	if err != nil {
		b.log.Warn().Err(err).Str("event_id", ev.ID).Msg("cannot look for an earlier answer; sending it with its transaction ID")
		return "", false
	}
	seen, chunk, from := 0, around.EventsAfter, around.End
	for {
		for _, evt := range chunk {
			if evt.Sender == b.client.UserID && answers(evt, ev.ID) {
				return evt.ID, true
			}
		}
		seen += len(chunk)
		if len(chunk) == 0 || from == "" || seen >= lookBack {
			return "", false
		}
		var page *mautrix.RespMessages
		err := b.retry(ctx, time.Minute, func(ctx context.Context) error {
			var err error
			page, err = b.client.Messages(ctx, roomID, from, "", mautrix.DirectionForward, mine, gapPage)
			return err
		})
		if err != nil {
			return "", false
		}
		chunk, from = page.Chunk, page.End
	}
}

// answers reports whether evt is a reply to the event commandID. The
// relation is readable even in an encrypted room without decrypting it:
// an encrypted event carries it outside its ciphertext.
func answers(evt *event.Event, commandID string) bool {
	if evt.Content.Parsed == nil && evt.Content.ParseRaw(evt.Type) != nil {
		return false
	}
	var rel *event.RelatesTo
	switch content := evt.Content.Parsed.(type) {
	case *event.MessageEventContent:
		rel = content.RelatesTo
	case *event.EncryptedEventContent:
		rel = content.RelatesTo
	}
	return rel.GetReplyTo() == id.EventID(commandID)
}

// Announce posts what the bot did by itself (a scheduled award) to the team
// rooms and the workplace, once the bot is connected; it gives up when ctx ends first.
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
		b.announce(ctx, a, "")
	}
}

// announce posts a notice in a team's room or the workplace, if the bot
// knows that room. txnID, when not empty, makes posting it again a no-op.
func (b *Bot) announce(ctx context.Context, a toolbox.Announcement, txnID string) {
	roomID, ok := b.rooms.announcedIn(a)
	if !ok {
		// A community without a workplace is normal; a result that the
		// forum or a team's room never hears is lost (nothing records its
		// delivery), so that is a warning an operator should see.
		l := b.log.Warn()
		if a.Workplace {
			l = b.log.Debug()
		}
		l.Str("team", a.Team).Bool("workplace", a.Workplace).Bool("forum", a.Forum).Msg("no such room known; announcement dropped")
		return
	}
	if err := b.knowRoom(ctx, roomID); err != nil {
		b.log.Warn().Err(err).Str("team", a.Team).Msg("cannot look up the room's state to post an announcement")
		return
	}
	content := notice(a.Text)
	if txnID == "" {
		txnID = b.client.TxnID()
	}
	err := b.retry(ctx, answerBudget, func(ctx context.Context) error {
		_, err := b.client.SendMessageEvent(ctx, roomID, event.EventMessage, &content, mautrix.ReqSendEvent{TransactionID: txnID})
		return err
	})
	if err != nil {
		b.log.Warn().Err(err).Str("team", a.Team).Msg("cannot post an announcement")
	}
}
