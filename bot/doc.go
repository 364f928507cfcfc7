// Package bot is Engelbot's Matrix side: it logs in, syncs, joins the rooms
// it is invited to by people of its own homeserver, turns `!command`
// messages into toolbox requests, and answers them with notices.
//
// It decides no rule and touches no ledger file: who may do what, and what
// is written, is package toolbox's business. It only parses, routes and
// renders.
package bot
