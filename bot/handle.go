package bot

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/bot/lane"
	"smartup0.org/engelbot/bot/state"
	"smartup0.org/engelbot/toolbox"
)

// runTimeout bounds running one command; its answer has a bound of its
// own (answerBudget).
const runTimeout = 3 * time.Minute

// handleInTurn runs one recorded command and answers it. It runs in a
// sender's lane, never in the sync loop; t keeps it in the sender's order
// (the lane ends the turn when it returns).
func (b *Bot) handleInTurn(ev state.Event, t *lane.Turn) {
	started := time.Now()
	log := b.log.With().Str("event_id", ev.ID).Str("room_id", ev.RoomID).Str("sender", ev.Sender).Logger()
	ctx, ran := b.comingOf(log.WithContext(b.work), ev)
	defer ran() // however it ended; once is enough (Coming.Done)
	// Typing shows once the command takes a while, and stops once it is
	// answered, or left for the next start.
	answered := b.typing.begin(id.RoomID(ev.RoomID))
	defer answered()
	defer func() {
		if r := recover(); r != nil {
			log.Error().Interface("panic", r).Str("stack", string(debug.Stack())).Msg("a command panicked")
			t.Settled()
			// A command that may hold private details leaves the chat
			// however it ended.
			if b.answer(ctx, ev, toolbox.Reply{Text: "Something went wrong inside Engelbot while running that; nothing was written. The admins can see what in the log.",
				Refused: true, Err: fmt.Errorf("panic: %v", r), Forget: toolbox.MayBePrivate(typedName(ev.Body))}) {
				b.observe(ev, OutcomeFailed, started)
			}
		}
	}()

	if b.tooOld(ev) {
		ran() // it will not write: the writer need not wait for it
		t.Settled()
		b.giveUp(ctx, ev, started)
		return
	}
	runCtx, cancel := context.WithTimeout(ctx, runTimeout)
	runCtx = t.Toolbox(runCtx)
	reply := b.run(runCtx, ev)
	cancel()
	ran() // its write, if any, is applied: the writer need not wait for it while it is answered
	// The answers go out in the order the commands were sent.
	t.Settled()
	if reply.Err != nil && b.stopping.Err() != nil {
		// Cut off by the shutdown: not the owner's problem, nor an answer.
		// It stays recorded; the next start runs it again, and the
		// ledger keeps a write that did land from landing twice.
		log.Info().Err(reply.Err).Msg("stopping: command left for the next start")
		return
	}
	if reply.Err != nil {
		log.Warn().Err(reply.Err).Msg("command failed")
	}
	if !b.answer(ctx, ev, reply) {
		return
	}
	answered() // not waiting for the announcements and the redaction
	b.observe(ev, outcomeOf(reply), started)
	log.Info().Bool("refused", reply.Refused).Bool("duplicate", reply.Duplicate).Msg("command answered")
	if reply.Forget {
		b.forget(ctx, ev)
	}
	for i, a := range reply.Announce {
		b.announce(ctx, a, announceTxnID(ev.ID, i))
	}
}

// errTooOld is why a command was not run: it was sent longer ago than the
// bot remembers handled commands.
var errTooOld = errors.New("sent longer ago than handled commands are remembered")

// tooOld reports whether a command was sent longer ago than the bot
// remembers handled commands: running it now could run it twice.
func (b *Bot) tooOld(ev state.Event) bool { return ev.Timestamp.Before(b.now().Add(-rememberFor)) }

// giveUp ends a command left unanswered for longer than the bot remembers
// (the homeserver refused every answer, the bot was down for weeks): it
// is not run any more, so it cannot come back at every start. The sender
// hears what the ledger recorded for it, or that it was not run; if even
// that cannot be sent, it is ended anyway.
func (b *Bot) giveUp(ctx context.Context, ev state.Event, started time.Time) {
	log := b.log.With().Str("event_id", ev.ID).Time("sent", ev.Timestamp).Logger()
	reply, done, err := b.tb.Recorded(ctx, ev.ID)
	if err != nil {
		log.Warn().Err(err).Msg("cannot tell whether an old command was applied; it is left for the next start")
		return
	}
	if !done {
		// Not run in time is a failure, not a refusal by the rules.
		reply = toolbox.Reply{Refused: true, Err: errTooOld, Text: fmt.Sprintf("This command waited more than %d days for an answer, so it was not run. "+
			"Please send it again if you still want it.", int(rememberFor.Hours()/24))}
	}
	log.Warn().Bool("applied", done).Msg("giving up a command left unanswered longer than the bot remembers commands")
	if !b.answer(ctx, ev, reply) {
		if err := b.db.Finish(ctx, ev.ID, ""); err != nil {
			log.Error().Err(err).Msg("cannot mark an old command as given up")
		}
		return
	}
	b.observe(ev, outcomeOf(reply), started)
}

// forget redacts a command whose text holds private details, so that they
// do not stay in the room's history (they are kept in the private identity
// mapping only). In a direct chat the bot has the power to; where it has
// not, the log says so and the admin can delete the message.
func (b *Bot) forget(ctx context.Context, ev state.Event) {
	err := b.retry(ctx, time.Minute, func(ctx context.Context) error {
		_, err := b.client.RedactEvent(ctx, id.RoomID(ev.RoomID), id.EventID(ev.ID), mautrix.ReqRedact{
			Reason: "onboarding details are kept in the private identity mapping only",
			TxnID:  "engelbot-forget-" + digest(ev.ID),
		})
		return err
	})
	if err != nil {
		b.log.Warn().Err(err).Str("event_id", ev.ID).Msg("cannot remove a command with private details from the chat; the sender may delete it")
	}
}

func (b *Bot) run(ctx context.Context, ev state.Event) toolbox.Reply {
	if len(ev.Body) > maxCommandBytes {
		return unreadable(ev.Body, fmt.Sprintf("That message is too long for a command (%d bytes; the limit is %d). Nothing was done.", len(ev.Body), maxCommandBytes))
	}
	name, args, _, err := parseCommand(ev.Body)
	if err != nil {
		return unreadable(ev.Body, fmt.Sprintf("I couldn't read that command: %v. Nothing was done.", err))
	}
	room, err := b.roomFor(ctx, id.RoomID(ev.RoomID))
	if err != nil {
		return toolbox.Reply{Text: "I can't tell just now what kind of room this is (the homeserver did not say who is in it), so nothing was done. Please try again in a minute.", Refused: true, Err: err,
			Forget: toolbox.MayBePrivate(name)}
	}
	return b.tb.Run(ctx, toolbox.Request{
		Sender: ev.Sender, EventID: ev.ID, Room: room, Command: name, Args: args, Text: rawArgs(ev.Body), Sent: ev.Timestamp,
	})
}
