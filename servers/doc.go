// Package servers starts real servers on 127.0.0.1 — a Dendrite Matrix
// homeserver and a Gitea forge standing in for Forgejo — for tests and for
// the one-machine demo, each on a free port with its own data folder, and
// stops them by process ID.
//
// It runs binaries that scripts/install-servers.sh built into BinDir; it
// must not download or build anything itself, and it knows nothing of the
// ledger or the bot: it only starts, seeds and stops servers.
package servers
