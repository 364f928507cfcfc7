package doctor

import "time"

// maxSkew is how far this machine's clock may be from the servers'. The
// ledger stamps every write with the bot's clock, and windows such as the
// 48 hours for objections are measured with it; Matrix events carry the
// homeserver's. A minute apart is already a visible disagreement.
const maxSkew = time.Minute

// clocks compares this machine's clock with the homeserver's and the
// forge's, as their answers' Date headers gave them.
func (r *run) clocks() {
	r.clock("clock vs homeserver", r.homeserverDate, "the homeserver")
	if r.cfg.Ledger.Backend == "forgejo" || r.cfg.Identity.Backend == "forgejo" {
		r.clock("clock vs forge", r.forgeDate, "the forge")
	}
}

func (r *run) clock(check string, d dated, server string) {
	switch {
	case d.local.IsZero():
		r.skip(check, "needs an answer from %s (see above)", server)
		return
	case !d.known:
		r.warn(check, "%s sends no Date header to compare clocks with", server)
		return
	}
	// Date has whole seconds, cut off: what is under a second is no skew.
	skew := d.local.Sub(d.server).Truncate(time.Second)
	abs := skew
	if abs < 0 {
		abs = -abs
	}
	side := "ahead of"
	if skew < 0 {
		side = "behind"
	}
	if abs >= maxSkew {
		r.fail(check, "this machine's clock is %s %s %s's: set it right (NTP, e.g. systemd-timesyncd or chrony) on whichever is wrong", abs, side, server)
		return
	}
	r.ok(check, "%s apart (under %s)", abs, maxSkew)
}
