// Package localgit keeps the ledger on one branch of a git repository on
// disk: the store behind the one-machine demo and the fast tests.
//
// It writes git objects and moves the branch the way git itself does (a
// ref lock file, then a rename), so the repository stays readable, and
// writable, by the git command line while Engelbot runs.
//
// It must not shell out to git, and it must not know what the ledger's files
// mean: like the forge, it stores bytes under paths.
package localgit
