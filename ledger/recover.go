package ledger

import (
	"fmt"
	"runtime/debug"
)

// commitSafely is commitGroup with a last line of defence. A panic in the
// writer — a codec, a store, anything a group's commit runs through —
// would otherwise end the process and leave every queued caller without an
// answer. Here it fails that one group's commands with an error, is
// logged with its stack, and the writer goes on with the next group. A
// panic after the commit landed leaves the snapshot behind the branch; the
// next refresh sees the new head and reloads, and Apply settles each
// caller's answer from it (settle).
func (l *Ledger) commitSafely(group []*request) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		err := fmt.Errorf("%w: internal error in the ledger's writer: %v (%w)", ErrUnavailable, p, errUncertain)
		l.opts.Log.Error().Err(err).Str("stack", string(debug.Stack())).Int("mutations", len(group)).
			Msg("the ledger writer panicked; the group's commands are answered with an error and the writer goes on")
		for _, r := range group {
			r.reply(response{err: err})
		}
	}()
	l.commitGroup(group)
}
