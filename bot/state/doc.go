// Package state keeps the bot's local state in an SQLite file: the Matrix sync
// position, settings that must survive a restart (device, access token, first
// start) and the processed-event table that makes every command run exactly once.
//
// The schema is changed only by the numbered migrations in upgrades/, applied by
// dbutil when the file is opened. This package knows nothing of the ledger or the
// toolbox and must not import them: it stores what the bot needs to resume, not
// what the company owns.
package state
