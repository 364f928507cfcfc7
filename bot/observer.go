package bot

import (
	"strings"
	"time"

	"smartup0.org/engelbot/bot/state"
	"smartup0.org/engelbot/toolbox"
)

// Observer hears what the bot does, so that it can be watched from outside
// (the metrics package implements it; the bot knows nothing of how it is
// counted). Its methods are called from the sync loop and from every
// sender's lane at once: they must be quick and safe for concurrent use.
type Observer interface {
	// CommandAnswered: a command's answer was sent. name is the command's
	// name in the registry, or UnknownCommand; outcome is one of the
	// Outcome* constants; took runs from the bot taking the command up to
	// its answer sent.
	CommandAnswered(name, outcome string, took time.Duration)
	// Synced: a sync's batch was recorded and the sync position saved.
	// newest is the server time of the newest event the batch carried;
	// zero when it carried none, and on the bot's very first sync, whose
	// history is not commands to catch up on.
	Synced(newest time.Time)
}

// What became of a command that was answered.
const (
	// OutcomeAnswered: it ran and its answer was sent: a query answered,
	// a write that landed, or one that had landed before (a duplicate,
	// answered as the first time).
	OutcomeAnswered = "answered"
	// OutcomeRefused: the rules, the sender's standing, the room or the
	// input said no; nothing was written (Reply.Refused or Denied, no Err).
	OutcomeRefused = "refused"
	// OutcomeFailed: something other than the rules went wrong — the
	// forge or homeserver could not be reached, a commit did not land, a
	// panic — and the owner was told so (Reply.Err set).
	OutcomeFailed = "failed"
)

// UnknownCommand is the name every command not in the registry is
// observed under, so that whatever people type cannot make names without
// end.
const UnknownCommand = "unknown"

// outcomeOf is what a reply says became of its command.
func outcomeOf(r toolbox.Reply) string {
	switch {
	case r.Err != nil:
		return OutcomeFailed
	case r.Refused:
		return OutcomeRefused
	}
	return OutcomeAnswered
}

// commandName is the registry name of the command a message names, or
// UnknownCommand.
func commandName(body string) string {
	if len(body) > maxCommandBytes {
		return UnknownCommand
	}
	name, _, _, err := parseCommand(body)
	if err != nil {
		// Arguments that cannot be read leave the name readable.
		if words := strings.Fields(strings.TrimPrefix(strings.TrimSpace(body), Prefix)); len(words) > 0 {
			name = words[0]
		}
	}
	if cmd, ok := toolbox.Lookup(name); ok {
		return cmd.Name
	}
	return UnknownCommand
}

// observe tells the observer a command was answered.
func (b *Bot) observe(ev state.Event, outcome string, started time.Time) {
	b.cfg.Observer.CommandAnswered(commandName(ev.Body), outcome, time.Since(started))
}

// noObserver is the Observer of a bot nobody watches.
type noObserver struct{}

func (noObserver) CommandAnswered(string, string, time.Duration) {}
func (noObserver) Synced(time.Time)                              {}
