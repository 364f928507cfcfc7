// Package identity keeps the identity mapping: which Matrix user, known in
// the ledger only by alias, is which person (real name, e-mail address).
//
// The mapping lives in its own private repository, a ledger.Store separate
// from the ledger's and opened with its own token, in one file,
// identity-mapping.csv. The ledger and everything published from it name
// owners by alias only; real names and e-mail addresses exist nowhere else.
//
// Only admin onboarding (!add_owner, in a direct chat with the bot) may use
// this package. Public-facing code — the public pages, the queries, the
// bot's replies in shared rooms — must never import it: app/arch_test.go
// fails the build's tests if any package other than toolbox, app and
// cmd/engelbot does, so no public code path can reach a real name.
package identity
