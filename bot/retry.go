package bot

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"maunium.net/go/mautrix"
)

// The bot's one policy for a Matrix request that fails: the client itself
// retries nothing (mautrix would wait on 429 only by a Retry-After header,
// which Dendrite does not send), so every call that must not be lost goes
// through retry.

// failure is what a failed Matrix request means for the next attempt.
type failure int

const (
	// failPermanent will not clear by asking again (forbidden, not found,
	// a bad request): give up at once.
	failPermanent failure = iota
	// failTransient may clear: the server is down, overloaded or slow.
	failTransient
	// failRateLimited: the server asked us to wait a given time.
	failRateLimited
	// failSession: the access token is no longer valid; the session must be
	// renewed before anything else can work.
	failSession
)

// classify says what a Matrix request's error means, and for a rate limit
// how long the server asked us to wait.
func classify(err error) (failure, time.Duration) {
	if errors.Is(err, mautrix.MUnknownToken) {
		return failSession, 0
	}
	var httpErr mautrix.HTTPError
	if !errors.As(err, &httpErr) || httpErr.Response == nil {
		// No answer at all: a connection refused or reset, a timeout.
		return failTransient, 0
	}
	status := httpErr.Response.StatusCode
	switch {
	case status == http.StatusTooManyRequests || errors.Is(err, mautrix.MLimitExceeded):
		return failRateLimited, retryAfter(httpErr)
	case status >= 500:
		return failTransient, 0
	case status == http.StatusRequestTimeout:
		return failTransient, 0
	}
	return failPermanent, 0
}

// retryAfter is the wait a rate-limited answer asks for: retry_after_ms in
// its body (the spec's way, and Dendrite's), else a Retry-After header.
func retryAfter(e mautrix.HTTPError) time.Duration {
	if e.RespError != nil {
		if ms, ok := e.RespError.ExtraData["retry_after_ms"].(float64); ok && ms > 0 {
			return time.Duration(ms) * time.Millisecond
		}
	}
	if s := e.Response.Header.Get("Retry-After"); s != "" {
		if secs, err := strconv.Atoi(s); err == nil && secs > 0 {
			return time.Duration(secs) * time.Second
		}
	}
	return 0
}

// Backoff bounds between attempts that failed for a transient reason.
const (
	firstBackoff = time.Second
	maxBackoff   = time.Minute
	// maxRateWait caps a rate limit's wait, so a server asking for an
	// hour cannot park a command that long.
	maxRateWait = 5 * time.Minute
)

// backoff is the pause before attempt n (from 1): doubling from
// firstBackoff up to maxBackoff, jittered down by up to a quarter so that
// answers that failed together do not retry in step.
func backoff(n int) time.Duration {
	d := firstBackoff << min(max(n-1, 0), 6)
	d = min(d, maxBackoff)
	return d - rand.N(d/4+1)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retry runs call until it succeeds, fails for good, or budget has passed:
// transient failures wait with backoff, a rate limit waits what the server
// asked, and an ended session is renewed first. budget bounds the time
// spent waiting between attempts. The last error is returned.
func (b *Bot) retry(ctx context.Context, budget time.Duration, call func(ctx context.Context) error) error {
	var waited time.Duration
	failures := 0 // transient ones, which back off further each time
	for attempt := 1; ; attempt++ {
		token := b.session.current()
		err := call(ctx)
		if err == nil || ctx.Err() != nil {
			return err
		}
		kind, wait := classify(err)
		switch kind {
		case failPermanent:
			return err
		case failSession:
			rerr := b.renew(ctx, token)
			if errors.Is(rerr, errSessionEnded) {
				return errors.Join(err, rerr)
			}
			if rerr == nil && attempt == 1 {
				continue // the new session gets one attempt at once
			}
			// A login that failed (the homeserver restarting) is tried
			// again like any request that may work later.
			failures++
			wait = backoff(failures)
		case failRateLimited:
			if wait <= 0 {
				failures++
				wait = backoff(failures)
			}
			wait = min(wait, maxRateWait)
		case failTransient:
			failures++
			wait = backoff(failures)
		}
		if waited+wait > budget {
			return err
		}
		waited += wait
		b.log.Debug().Err(err).Int("attempt", attempt).Dur("wait", wait).Msg("a Matrix request failed; trying again")
		if serr := b.wait(ctx, wait); serr != nil {
			return err
		}
	}
}
