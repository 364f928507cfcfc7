// Package toolbox is every Engelbot command as a plain Go function: who may
// run it where (the permission tiers), the community's rules, and the words
// of the answer. The bot calls it in-process; tests and the console can too.
//
// It reads and writes only through package ledger, and must not import any
// Matrix or forge type: a request is plain data, and so is a reply.
package toolbox
