package bot

import (
	"errors"
	"strings"
	"testing"

	"smartup0.org/engelbot/toolbox"
)

func TestCommandName(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"!wallet", "wallet"},
		{"  !Wallet alice", "wallet"},
		{"!createtask M title", "create_task"},  // an alias counts as its command
		{`!stop_work "not closed`, "stop_work"}, // unreadable arguments, readable name
		{"!no_such_command", UnknownCommand},
		{"!wallet" + strings.Repeat(" x", maxCommandBytes), UnknownCommand}, // too long to be read
	} {
		if got := commandName(tc.body); got != tc.want {
			t.Errorf("commandName(%.30q) = %q, want %q", tc.body, got, tc.want)
		}
	}
}

func TestOutcomeOf(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply toolbox.Reply
		want  string
	}{
		{"a query answered", toolbox.Reply{Text: "SC 10"}, OutcomeAnswered},
		{"a write answered again", toolbox.Reply{Text: "done", Duplicate: true}, OutcomeAnswered},
		{"the rules said no", toolbox.Reply{Text: "no", Refused: true}, OutcomeRefused},
		{"not allowed here", toolbox.Reply{Text: "no", Refused: true, Denied: true}, OutcomeRefused},
		{"the forge unreachable", toolbox.Reply{Text: "not now", Refused: true, Err: errors.New("forge down")}, OutcomeFailed},
	} {
		if got := outcomeOf(tc.reply); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
