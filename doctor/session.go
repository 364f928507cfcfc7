package doctor

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/bot/state"
)

// doctorDevice is the device a password login of the doctor's uses: never
// the bot's, whose login would end the running bot's session.
const doctorDevice = "ENGELBOT_DOCTOR"

// who is a working session on the homeserver, as /whoami described it.
type who struct {
	user   id.UserID
	device id.DeviceID
	client *mautrix.Client
}

// sessions are the sessions the doctor could use.
type sessions struct {
	// bot is the session the bot itself runs with: bot.access_token, or
	// the one it keeps in its database. Only read with, never ended.
	bot *who
	// own is the doctor's password login on a device of its own, logged
	// out when the doctor is done.
	own *who
}

// known is a working session to read the homeserver with, the bot's
// first: it sees exactly what the bot sees.
func (s *sessions) known() *who {
	if s.bot != nil {
		return s.bot
	}
	return s.own
}

// client makes a Matrix client for the homeserver with token.
func (r *run) client(token string) (*mautrix.Client, error) {
	c, err := mautrix.NewClient(r.cfg.Homeserver.URL, id.UserID(r.cfg.Bot.UserID), token)
	if err != nil {
		return nil, err
	}
	c.Client = r.http
	c.DefaultHTTPRetries = 0
	return c, nil
}

// whoami asks the homeserver whose token this is.
func (r *run) whoami(ctx context.Context, token string) (*who, error) {
	c, err := r.client(token)
	if err != nil {
		return nil, err
	}
	ctx, cancel := r.timeout(ctx)
	defer cancel()
	resp, err := c.Whoami(ctx)
	if err != nil {
		return nil, err
	}
	return &who{user: resp.UserID, device: resp.DeviceID, client: c}, nil
}

// sessions checks each way the bot can get onto the homeserver — the
// configured access token, the session kept in its database, the password
// — and that the account is bot.user_id.
func (r *run) sessions(ctx context.Context) *sessions {
	s := &sessions{}
	if !r.homeserverOK {
		r.skip("bot account", "needs the homeserver (see homeserver above)")
		return s
	}
	if r.cfg.Bot.AccessToken != "" {
		s.bot = r.accessToken(ctx)
	} else {
		s.bot = r.keptSession(ctx)
	}
	if r.cfg.Bot.Password != "" {
		s.own = r.password(ctx)
	}
	r.userID(s)
	return s
}

// accessToken checks bot.access_token, which the bot runs with when set.
func (r *run) accessToken(ctx context.Context) *who {
	const check = "bot access token"
	w, err := r.whoami(ctx, r.cfg.Bot.AccessToken)
	switch {
	case errors.Is(err, mautrix.MUnknownToken) || errors.Is(err, mautrix.MMissingToken):
		r.fail(check, "the homeserver does not know bot.access_token (%s): set bot.access_token to a current token of %s, or leave it empty and set bot.password", describe(err), r.cfg.Bot.UserID)
		return nil
	case err != nil:
		r.fail(check, "checking bot.access_token with /whoami: %s", describe(err))
		return nil
	}
	r.ok(check, "bot.access_token is a session of %s on device %s", w.user, w.device)
	return w
}

// keptSession checks the session the bot keeps in its database from its
// last password login, which it resumes at the next start.
func (r *run) keptSession(ctx context.Context) *who {
	const check = "bot session"
	path := r.cfg.Database
	if !fileExists(path) {
		r.ok(check, "no session kept yet (%s does not exist): the bot logs in with bot.password at its first start", path)
		return nil
	}
	token, ok, err := state.Peek(ctx, path, state.KeyAccessToken)
	if err != nil {
		r.fail(check, "reading the session kept in %s: %s: database: must be the bot's own SQLite file", path, describe(err))
		return nil
	}
	if !ok || token == "" {
		r.ok(check, "no session kept in %s yet: the bot logs in with bot.password at its next start", path)
		return nil
	}
	r.secrets = append(r.secrets, token)
	w, err := r.whoami(ctx, token)
	switch {
	case errors.Is(err, mautrix.MUnknownToken):
		// The bot has the password (there is no access token), so it
		// logs in again by itself; the password check below says
		// whether that will work.
		r.warn(check, "the homeserver ended the session kept in %s: the bot logs in again with bot.password (checked below)", path)
		return nil
	case err != nil:
		r.fail(check, "checking the session kept in %s with /whoami: %s", path, describe(err))
		return nil
	}
	r.ok(check, "the session kept in %s is valid: %s on device %s", path, w.user, w.device)
	return w
}

// password logs in with bot.password on the doctor's own device, so that
// a wrong password shows now rather than when the bot needs it to renew
// its session. The device is logged out again by closeSessions.
func (r *run) password(ctx context.Context) *who {
	const check = "bot password"
	c, err := r.client("")
	if err != nil {
		r.fail(check, "%s", describe(err))
		return nil
	}
	device := id.DeviceID(doctorDevice)
	if strings.EqualFold(r.cfg.Bot.DeviceID, doctorDevice) {
		device += "_CHECK" // never the bot's device, whatever it is called
	}
	localpart, _, _ := strings.Cut(strings.TrimPrefix(r.cfg.Bot.UserID, "@"), ":")
	lctx, cancel := r.timeout(ctx)
	defer cancel()
	resp, err := c.Login(lctx, &mautrix.ReqLogin{
		Type:                     mautrix.AuthTypePassword,
		Identifier:               mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: localpart},
		Password:                 r.cfg.Bot.Password,
		DeviceID:                 device,
		InitialDeviceDisplayName: "engelbot doctor",
	})
	switch {
	case errors.Is(err, mautrix.MForbidden):
		r.fail(check, "the homeserver refuses to log %s in with bot.password (%s): set bot.password (or %s) to the account's current password",
			r.cfg.Bot.UserID, describe(err), "ENGELBOT_PASSWORD")
		return nil
	case err != nil:
		r.fail(check, "logging in as %s with bot.password: %s", r.cfg.Bot.UserID, describe(err))
		return nil
	}
	r.secrets = append(r.secrets, resp.AccessToken)
	c.AccessToken = resp.AccessToken
	c.DeviceID = resp.DeviceID
	r.ok(check, "bot.password logs %s in (checked on a device of its own, %s, logged out again)", resp.UserID, resp.DeviceID)
	return &who{user: resp.UserID, device: resp.DeviceID, client: c}
}

// userID checks that the account the sessions belong to is bot.user_id.
func (r *run) userID(s *sessions) {
	const check = "bot user ID"
	w := s.known()
	if w == nil {
		r.skip(check, "needs a working session (see the bot lines above)")
		return
	}
	for _, x := range []*who{s.bot, s.own} {
		if x != nil && string(x.user) != r.cfg.Bot.UserID {
			r.fail(check, "the homeserver knows the bot's account as %s, not bot.user_id %s: set bot.user_id to %s, or give the credentials of %s",
				x.user, r.cfg.Bot.UserID, x.user, r.cfg.Bot.UserID)
			return
		}
	}
	r.ok(check, "the homeserver knows the bot as %s, as bot.user_id says", w.user)
}

// closeSessions logs the doctor's own device out, so that no session is
// left behind; the bot's session is left as it is.
func (r *run) closeSessions(s *sessions) {
	if s.own == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), r.opts.Timeout)
	defer cancel()
	if _, err := s.own.client.Logout(ctx); err != nil {
		var herr mautrix.HTTPError
		if errors.As(err, &herr) && herr.Response != nil && herr.Response.StatusCode == http.StatusUnauthorized {
			return // already ended
		}
		r.warn("bot password", "could not log the doctor's device %s out again (%s): remove it in a Matrix client's session list", s.own.device, describe(err))
	}
}
