package bot

import (
	"context"
	"sync"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/bot/state"
	"smartup0.org/engelbot/toolbox"
)

// What an owner sees of a command besides its answer: "Engelbot is
// typing…" while it runs longer than a moment, and, once it is answered,
// one reaction on the command that says at a glance how it ended.
//
// Neither may cost the answer anything. The typing notice is sent beside
// the command by a goroutine of its own; the reaction goes out only once
// the answer is in the room (a reaction for an answer that failed would
// say the wrong thing after the next start runs the command again). A
// failure of either is logged and retried briefly, never for long.
//
// There is no ⏳ reaction while a command runs: the typing notice says it,
// and the homeserver ends a typing notice by itself after its timeout, so
// a bot that crashes mid-command leaves nothing behind claiming it is
// still at work. A ⏳ would stay until redacted, and a restarted bot
// whose session was renewed could not tell its earlier ⏳ by the
// transaction ID. The one reaction, like the answer, carries a transaction
// ID derived from the command's event ID: sent again after a restart, it
// is the same event, not a second one.

// The reactions a command ends with.
const (
	// reactDone: it ran; a query answered, a write landed (or had
	// landed before).
	reactDone = "✅"
	// reactRefused: the rules, the sender's standing, the room or the
	// input said no; nothing was written.
	reactRefused = "❌"
	// reactFailed: something other than the rules went wrong (the forge
	// unreachable, a panic, too old to run); nothing was written, and
	// trying again later may work.
	reactFailed = "⚠️"
)

// reactionFor is the reaction a command's reply ends with: the same three
// outcomes the metrics count.
func reactionFor(r toolbox.Reply) string {
	switch outcomeOf(r) {
	case OutcomeFailed:
		return reactFailed
	case OutcomeRefused:
		return reactRefused
	}
	return reactDone
}

func reactionTxnID(eventID string) string { return "engelbot-react-" + digest(eventID) }

// reactBudget bounds the pauses between attempts at a reaction: it is sent
// before the command is marked answered (so that a crash cannot lose it),
// and the sender's next command waits that long at most.
const reactBudget = 5 * time.Second

// react puts the reaction for how a command ended on the command. A
// command whose text is about to be removed from the chat gets none.
func (b *Bot) react(ctx context.Context, ev state.Event, reply toolbox.Reply) {
	if reply.Forget {
		return
	}
	key := reactionFor(reply)
	content := &event.ReactionEventContent{RelatesTo: event.RelatesTo{
		Type: event.RelAnnotation, EventID: id.EventID(ev.ID), Key: key,
	}}
	err := b.retry(ctx, reactBudget, func(ctx context.Context) error {
		_, err := b.client.SendMessageEvent(ctx, id.RoomID(ev.RoomID), event.EventReaction, content,
			mautrix.ReqSendEvent{TransactionID: reactionTxnID(ev.ID)})
		return err
	})
	if err != nil {
		b.log.Warn().Err(err).Str("event_id", ev.ID).Str("reaction", key).Msg("cannot react to a command; its answer went out")
	}
}

// Typing notices.
const (
	// typingAfter is how long a command runs before the typing notice
	// shows: a query is answered well within it, so only a command that
	// makes its sender wait (a write to the forge) shows one.
	typingAfter = 300 * time.Millisecond
	// typingFor is how long the homeserver shows one notice: it is
	// renewed every typingRenew while a command runs, and a bot that
	// stops renewing (it crashed) is no longer shown typing soon after.
	typingFor   = 30 * time.Second
	typingRenew = 20 * time.Second
	// typingRequest bounds one typing request; a failed one is not
	// retried (the next renewal is the retry).
	typingRequest = 5 * time.Second
)

// typists keeps the bot's typing notice up in each room while at least one
// command there has run longer than a moment and is not answered yet.
// Each room has one goroutine sending its notices while any are wanted, so
// that a "stopped typing" cannot overtake a "typing" in the same room.
type typists struct {
	send  func(room id.RoomID, typing bool)
	after time.Duration // how long a command runs before it shows
	renew time.Duration // how often a notice is sent again while wanted

	mu    sync.Mutex
	rooms map[id.RoomID]*typingRoom
	wg    sync.WaitGroup
}

// typingRoom is one room's typing state.
type typingRoom struct {
	running int           // commands past typingAfter and not answered
	wake    chan struct{} // a command started or stopped showing
}

func newTypists(send func(room id.RoomID, typing bool)) *typists {
	return &typists{send: send, after: typingAfter, renew: typingRenew, rooms: map[id.RoomID]*typingRoom{}}
}

// begin is called when a command starts running in a room; the function
// it returns, when the command is answered (or given up). Calling that
// again does nothing.
func (t *typists) begin(room id.RoomID) (end func()) {
	var mu sync.Mutex
	showing, ended := false, false
	timer := time.AfterFunc(t.after, func() {
		mu.Lock()
		defer mu.Unlock()
		if !ended {
			showing = true
			t.enter(room)
		}
	})
	return func() {
		timer.Stop()
		mu.Lock()
		defer mu.Unlock()
		if showing {
			t.leave(room)
		}
		showing, ended = false, true
	}
}

func (t *typists) enter(room id.RoomID) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.rooms[room]
	if r == nil {
		r = &typingRoom{wake: make(chan struct{}, 1)}
		t.rooms[room] = r
		t.wg.Add(1)
		go t.keep(room, r)
	}
	r.running++
	poke(r.wake)
}

func (t *typists) leave(room id.RoomID) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if r := t.rooms[room]; r != nil {
		r.running--
		poke(r.wake)
	}
}

func poke(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// keep sends a room's typing notices: on when a command there starts
// showing, renewed while any does, off when none does any more; then it
// ends.
func (t *typists) keep(room id.RoomID, r *typingRoom) {
	defer t.wg.Done()
	typing, due := false, false
	var renewAt time.Time
	for {
		t.mu.Lock()
		want := r.running > 0
		if !want && !typing {
			delete(t.rooms, room)
			t.mu.Unlock()
			return
		}
		t.mu.Unlock()
		if want != typing || due {
			t.send(room, want)
			typing, due = want, false
			renewAt = time.Now().Add(t.renew)
			continue // what is wanted may have changed meanwhile
		}
		renew := time.NewTimer(time.Until(renewAt))
		select {
		case <-r.wake:
		case <-renew.C:
			due = true
		}
		renew.Stop()
	}
}

// wait returns once every room's notices are off.
func (t *typists) wait() { t.wg.Wait() }

// sendTyping tells the homeserver whether the bot is typing in a room. It
// is not tied to a command's context: the "stopped" must go out even when
// a shutdown cut the command off.
func (b *Bot) sendTyping(room id.RoomID, typing bool) {
	ctx, cancel := context.WithTimeout(context.Background(), typingRequest)
	defer cancel()
	if _, err := b.client.UserTyping(ctx, room, typing, typingFor); err != nil {
		b.log.Debug().Err(err).Stringer("room_id", room).Bool("typing", typing).Msg("cannot show whether the bot is typing")
	}
}
