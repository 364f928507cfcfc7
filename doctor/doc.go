// Package doctor checks an Engelbot configuration against the world it
// names — the homeserver, the bot's account, the rooms, the forge, the
// ledger and the identity repository, the clocks, the local disk — and says
// in one line per check what is fine and what an operator must fix.
//
// It only reads. It must not disturb a running bot: it never uses the bot's
// device to log in (a password login gets a device of its own, logged out
// again), never creates a repository, a branch, a database or a room, and
// never commits. Its output never carries a password or a token.
package doctor
