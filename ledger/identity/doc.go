// Package identity keeps the identity mapping: which Matrix user, known in
// the ledger only by alias, is which person (real name, e-mail address).
//
// The mapping lives in its own private repository, a ledger.Store separate
// from the ledger's and opened with its own token, in one file,
// identity-mapping.csv. The ledger and everything published from it name
// owners by alias only; real names and e-mail addresses exist nowhere else.
//
// Only admin onboarding (!add_owner, in a direct chat with the bot) writes
// it, through the toolbox's write-only Identity that the app builds from a
// Book. Nothing else may depend on this package, even indirectly — not the
// toolbox, the bot, or the public pages: app/arch_test.go fails if any
// package but app and cmd/engelbot does, so no public code path can reach a
// real name.
package identity
