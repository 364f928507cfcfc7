package metrics

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

const (
	// freshFor is how recently the ledger's store must have answered for
	// the bot to be ready: a forge that has not answered for longer may
	// be gone, and /readyz asks it (probeEvery at most).
	freshFor = time.Minute
	// probeEvery bounds how often /readyz asks the store itself, so that
	// a scraper asking every second does not become load on the forge.
	probeEvery = 10 * time.Second
	// probeTimeout bounds one probe; a forge slower than that is as good
	// as unreachable to owners waiting for an answer.
	probeTimeout = 5 * time.Second
)

// Ready says what keeps the bot from serving owners, one plain line per
// condition that fails; none when it is ready. It is ready once it has
// completed a sync with the homeserver, the ledger is loaded, and the
// ledger's store answered within the last minute. When the store has been
// quiet for longer (nobody wrote or asked anything), Ready asks it for its
// branch head itself, at most once every ten seconds.
func (m *Metrics) Ready(ctx context.Context) []string {
	var reasons []string
	if !m.synced.Load() {
		reasons = append(reasons, "bot: no sync with the homeserver has completed yet")
	}
	if !m.loaded.Load() {
		reasons = append(reasons, "ledger: not loaded yet")
	} else if reason := m.storeReason(ctx); reason != "" {
		reasons = append(reasons, reason)
	}
	return reasons
}

// storeReason is why the ledger's store does not count as reachable, or
// "" when it answered within freshFor (or does now, asked by the probe).
func (m *Metrics) storeReason(ctx context.Context) string {
	if m.storeFresh() {
		return ""
	}
	m.probeMu.Lock()
	defer m.probeMu.Unlock()
	if m.storeFresh() { // a probe that ran while this one waited answered
		return ""
	}
	if now := m.now(); m.probe != nil && now.Sub(m.lastProbe) >= probeEvery {
		m.lastProbe = now
		pctx, cancel := context.WithTimeout(ctx, probeTimeout)
		m.probeErr = m.probe(pctx)
		cancel()
		if m.probeErr == nil {
			m.StoreAnswered()
			return ""
		}
	}
	reason := "forge: the ledger's store has not answered yet"
	if last := m.storeAnswered.Load(); last != 0 {
		reason = fmt.Sprintf("forge: the ledger's store has not answered since %s", time.Unix(0, last).UTC().Format(time.RFC3339))
	}
	if m.probeErr != nil {
		reason += "; asking it for the branch head failed: " + oneLine(m.probeErr.Error())
	}
	return reason
}

// storeFresh reports whether the store answered within freshFor.
func (m *Metrics) storeFresh() bool {
	last := m.storeAnswered.Load()
	return last != 0 && m.now().Sub(time.Unix(0, last)) <= freshFor
}

// oneLine keeps a reason on its one line, whatever an error's text holds.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// healthz answers 200 while the process runs and can answer at all.
func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// readyz answers 200 when Ready finds nothing wrong, else 503 with one
// line per reason.
func (m *Metrics) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	reasons := m.Ready(r.Context())
	if len(reasons) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		for _, reason := range reasons {
			fmt.Fprintln(w, reason)
		}
		return
	}
	fmt.Fprintln(w, "ready")
}
