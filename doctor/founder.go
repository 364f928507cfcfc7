package doctor

import (
	"context"
	"errors"
	"strings"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"
)

// founderAccount checks that founder: is an account on the homeserver: a
// first start makes it the ledger's only owner, for good, so a typo there
// leaves a community nobody can run.
func (r *run) founderAccount(ctx context.Context, s *sessions) {
	const check = "founder account"
	founder := r.cfg.Founder
	if founder == "" {
		r.ok(check, "no founder: is set (a first start needs one; see the founder line)")
		return
	}
	w := s.known()
	if w == nil {
		r.skip(check, "needs a working session to look %s up (see the bot lines above)", founder)
		return
	}
	if serverOf(string(w.user)) != serverOf(founder) {
		r.skip(check, "%s is not of the server the homeserver names its users after (see the server name line)", founder)
		return
	}
	ctx, cancel := r.timeout(ctx)
	defer cancel()
	_, err := w.client.GetProfile(ctx, id.UserID(founder))
	switch {
	case err == nil:
		r.ok(check, "%s has an account on the homeserver", founder)
	case errors.Is(err, mautrix.MNotFound):
		r.fail(check, "the homeserver has no account %s: founder: must name the person who sets the community up, with an account there", founder)
	default:
		r.warn(check, "could not look %s up on the homeserver: %v", founder, err)
	}
}

// serverOf is the server part of a Matrix user ID.
func serverOf(userID string) string {
	_, server, _ := strings.Cut(userID, ":")
	return server
}
