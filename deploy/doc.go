// Package deploy holds what an operator installs next to the binary to run
// Engelbot on a server — engelbot.service, the systemd unit — and the tests
// that check it with systemd's own tools. It has no code the bot runs, and
// nothing imports it.
package deploy
