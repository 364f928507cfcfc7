package bot

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"smartup0.org/engelbot/bot/state"
)

// tokenSync answers syncs made with the live token, and M_UNKNOWN_TOKEN to
// any other: the homeserver ended every session but the live one.
func tokenSync(live func() string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		if strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") != live() {
			matrixError(w, 401, "M_UNKNOWN_TOKEN", "Unknown token", nil)
			return
		}
		if r.URL.Query().Get("since") == "" {
			writeJSON(w, 200, syncBody("s1", false, ""))
			return
		}
		longPoll(w, r)
	}
}

// A session the homeserver ends is renewed with the password, on the same
// device, and syncing goes on with the new token, which is kept for the
// next start.
func TestEndedSessionIsRenewedOnTheSameDevice(t *testing.T) {
	hs := newStandIn(t)
	var mu sync.Mutex
	live := "old-token"
	current := func() string { mu.Lock(); defer mu.Unlock(); return live }
	hs.on("/login", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Password string `json:"password"`
			DeviceID string `json:"device_id"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		if req.Password != "secret-password" {
			matrixError(w, 403, "M_FORBIDDEN", "Invalid password", nil)
			return
		}
		device := req.DeviceID
		if device == "" {
			device = "NEWDEVICE"
		}
		mu.Lock()
		live = "token-for-" + device
		mu.Unlock()
		writeJSON(w, 200, map[string]any{"user_id": botID, "device_id": device, "access_token": current()})
	})
	hs.on("/account/whoami", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"user_id": botID, "device_id": "BOTDEVICE"})
	})
	hs.on("/sync", tokenSync(current))
	tb := newTestBot(t, hs, Config{Password: "secret-password"})
	if err := tb.db.Set(t.Context(), state.KeyAccessToken, "old-token"); err != nil {
		t.Fatal(err)
	}
	if err := tb.db.Set(t.Context(), state.KeyDeviceID, "BOTDEVICE"); err != nil {
		t.Fatal(err)
	}
	if err := tb.connect(t.Context()); err != nil {
		t.Fatal(err)
	}
	// The homeserver ends the session (a logout): the old token stops working.
	mu.Lock()
	live = "nobody-has-this"
	mu.Unlock()
	runSync(t, tb)
	hs.await(t.Context(), "a sync with the renewed token", func() bool {
		for _, r := range hs.seen("/sync") {
			if r.Token == "token-for-BOTDEVICE" && r.Query["since"] == "s1" {
				return true
			}
		}
		return false
	})
	logins := hs.seen("/login")
	if len(logins) != 1 {
		t.Fatalf("%d logins, want 1", len(logins))
	}
	if !bytes.Contains(logins[0].Body, []byte(`"device_id":"BOTDEVICE"`)) {
		t.Errorf("the renewal logged in as %s, not on the bot's device", logins[0].Body)
	}
	if logins[0].Token != "" {
		t.Error("the login request carried the ended token")
	}
	if stored, _, _ := tb.db.Get(t.Context(), state.KeyAccessToken); stored != "token-for-BOTDEVICE" {
		t.Errorf("stored token %q, want the renewed one", stored)
	}
}

// With only an access token, an ended session cannot be renewed: the log
// says so in words an operator can act on, and the bot waits long between
// tries instead of hammering the homeserver.
func TestEndedSessionWithoutPasswordBacksOff(t *testing.T) {
	hs := newStandIn(t)
	var logs bytes.Buffer
	var logMu sync.Mutex
	hs.on("/account/whoami", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"user_id": botID, "device_id": "BOTDEVICE"})
	})
	hs.on("/sync", tokenSync(func() string { return "nobody-has-this" }))
	tb := newTestBot(t, hs, Config{AccessToken: "configured-token"})
	tb.log = zerolog.New(lockedWriter{&logMu, &logs})
	if err := tb.connect(t.Context()); err != nil {
		t.Fatal(err)
	}
	runSync(t, tb)
	hs.await(t.Context(), "three syncs", func() bool { return len(hs.seen("/sync")) >= 3 })
	waits, _ := tb.recorded()
	for i, w := range waits[:2] {
		if w != sessionEndedWait {
			t.Errorf("wait %d after the session ended: %v, want %v", i+1, w, sessionEndedWait)
		}
	}
	if n := len(hs.seen("/login")); n != 0 {
		t.Errorf("%d login attempts without a password", n)
	}
	logMu.Lock()
	text := logs.String()
	logMu.Unlock()
	if !strings.Contains(text, "set bot.access_token to a new token") {
		t.Errorf("the log does not tell the operator what to do:\n%s", text)
	}
	if strings.Count(text, "set bot.access_token") != 1 {
		t.Errorf("the operator's instruction is logged %d times, want once per ended session", strings.Count(text, "set bot.access_token"))
	}
	if strings.Contains(text, "configured-token") {
		t.Error("the log shows the access token")
	}
	for _, r := range hs.seen("/sync") {
		if r.Token != "configured-token" {
			t.Errorf("a sync went out with token %q", r.Token)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
