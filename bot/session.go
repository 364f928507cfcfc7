package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/bot/state"
)

// errSessionEnded: the homeserver ended the bot's session and the bot has
// no password to log in again with. Only the operator can help.
var errSessionEnded = errors.New("the homeserver ended the bot's session and no password is configured to log in again")

// session is the bot's login on the homeserver: the access token, which
// the homeserver may end at any time (a logout, an admin, a password
// change), and its renewal.
type session struct {
	token atomic.Pointer[string]
	mu    sync.Mutex  // one renewal at a time
	ended atomic.Bool // ended, and there is no password to renew it
}

func (s *session) current() string {
	if t := s.token.Load(); t != nil {
		return *t
	}
	return ""
}

func (s *session) set(token string) { s.token.Store(&token) }

// tokenTransport puts the session's current token on every request. The
// client's own AccessToken field stays empty: the client reads it from
// several goroutines without a lock we could take, while a renewal
// happens under way.
type tokenTransport struct {
	base    http.RoundTripper
	session *session
}

func (t tokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// A login carries a password, not a token (a stale one could only confuse it).
	if token := t.session.current(); token != "" && !strings.HasSuffix(req.URL.Path, "/login") {
		req = req.Clone(req.Context())
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return t.base.RoundTrip(req)
}

// httpTimeout bounds one Matrix request; a sync waits up to syncTimeout
// for news, so this must be longer.
const httpTimeout = 2 * time.Minute

// connect makes the Matrix client and starts the session: with the
// configured access token, or the one kept from an earlier password login,
// or by logging in with the password on the device used before, so that
// the device stays the same across restarts.
func (b *Bot) connect(ctx context.Context) error {
	userID := id.UserID(b.cfg.UserID)
	client, err := mautrix.NewClient(b.cfg.HomeserverURL, userID, "")
	if err != nil {
		return fmt.Errorf("homeserver: %w", err)
	}
	client.Log = b.log.With().Str("component", "matrix").Logger()
	client.Client = &http.Client{Timeout: httpTimeout, Transport: tokenTransport{http.DefaultTransport, &b.session}}
	// Retries are the bot's own (retry.go), with one policy for every call.
	client.DefaultHTTPRetries = 0
	client.IgnoreRateLimit = true
	b.client = client
	if err := b.openRoomState(ctx); err != nil {
		return err
	}

	device, ok, err := b.db.Get(ctx, state.KeyDeviceID)
	if err != nil {
		return err
	}
	if !ok || b.cfg.DeviceID != "" {
		device = b.cfg.DeviceID
	}
	client.DeviceID = id.DeviceID(device)
	token := b.cfg.AccessToken
	if token == "" {
		if token, _, err = b.db.Get(ctx, state.KeyAccessToken); err != nil {
			return err
		}
	}
	if token == "" {
		if b.cfg.Password == "" {
			return errors.New("no access token and no password for the bot")
		}
		// A homeserver starting up alongside the bot is waited for.
		return b.retry(ctx, time.Minute, b.login)
	}
	// A token that no longer works is renewed on the way (retry), when
	// there is a password to log in with.
	b.session.set(token)
	var who *mautrix.RespWhoami
	err = b.retry(ctx, time.Minute, func(ctx context.Context) error {
		var err error
		who, err = client.Whoami(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("checking the bot's access token: %w", err)
	}
	client.DeviceID = who.DeviceID
	return nil
}

// login logs in with the password on the client's device (a new one when
// it has none yet) and keeps the token and device for the next start.
func (b *Bot) login(ctx context.Context) error {
	localpart, _, _ := strings.Cut(strings.TrimPrefix(b.cfg.UserID, "@"), ":")
	resp, err := b.client.Login(ctx, &mautrix.ReqLogin{
		Type:                     mautrix.AuthTypePassword,
		Identifier:               mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: localpart},
		Password:                 b.cfg.Password,
		DeviceID:                 b.client.DeviceID,
		InitialDeviceDisplayName: b.cfg.DisplayName,
	})
	if err != nil {
		return fmt.Errorf("logging in as %s: %w", b.cfg.UserID, err)
	}
	b.session.set(resp.AccessToken)
	if resp.DeviceID != b.client.DeviceID { // a renewal keeps the device: no write under readers
		b.client.DeviceID = resp.DeviceID
	}
	if err := b.db.Set(ctx, state.KeyAccessToken, resp.AccessToken); err != nil {
		return err
	}
	return b.db.Set(ctx, state.KeyDeviceID, string(resp.DeviceID))
}

// renew logs in again after the homeserver ended the session whose token
// was failed. Callers that met the same ended session at once renew it
// once: whoever comes second finds a new token and returns.
func (b *Bot) renew(ctx context.Context, failed string) error {
	b.session.mu.Lock()
	defer b.session.mu.Unlock()
	if b.session.current() != failed {
		return nil
	}
	if b.cfg.Password == "" {
		if !b.session.ended.Swap(true) {
			b.log.Error().Msg("the homeserver ended the bot's session (its access token is no longer valid) and no password " +
				"is configured to log in again: set bot.access_token to a new token, or bot.password, and restart Engelbot; " +
				"until then it cannot read or answer commands")
		}
		return errSessionEnded
	}
	if err := b.login(ctx); err != nil {
		return err
	}
	b.session.ended.Store(false)
	b.log.Warn().Str("device_id", string(b.client.DeviceID)).Msg("the homeserver ended the bot's session; logged in again on the same device")
	return nil
}
