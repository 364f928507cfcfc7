package chat

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// When the homeserver ends the session, the client logs in again on the
// same device and goes on syncing, instead of retrying the dead token.
func TestClientRenewsAnEndedSession(t *testing.T) {
	var mu sync.Mutex
	var logins []string // the device each login asked for
	live := ""
	syncedWith := make(chan string, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		mu.Lock()
		defer mu.Unlock()
		switch {
		case strings.HasSuffix(r.URL.Path, "/login"):
			var req struct {
				DeviceID string `json:"device_id"`
			}
			_ = json.NewDecoder(r.Body).Decode(&req)
			logins = append(logins, req.DeviceID)
			live = "token-" + string(rune('A'+len(logins)-1))
			json.NewEncoder(w).Encode(map[string]any{"user_id": "@carol:s.test", "device_id": "CAROLDEVICE", "access_token": live})
		case strings.HasSuffix(r.URL.Path, "/keys/query"): // the client's encryption, when built with it
			json.NewEncoder(w).Encode(map[string]any{"device_keys": map[string]any{}})
		case strings.HasSuffix(r.URL.Path, "/keys/upload"):
			json.NewEncoder(w).Encode(map[string]any{"one_time_key_counts": map[string]any{"signed_curve25519": 50}})
		case strings.Contains(r.URL.Path, "/filter"):
			json.NewEncoder(w).Encode(map[string]any{"filter_id": "1"})
		case strings.HasSuffix(r.URL.Path, "/sync"):
			token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			if token != live || token == "token-A" { // the first session ends at its first sync
				w.WriteHeader(401)
				json.NewEncoder(w).Encode(map[string]any{"errcode": "M_UNKNOWN_TOKEN", "error": "Unknown token"})
				return
			}
			select {
			case syncedWith <- token:
			default:
			}
			json.NewEncoder(w).Encode(map[string]any{"next_batch": "s1"})
		default:
			w.WriteHeader(404)
			json.NewEncoder(w).Encode(map[string]any{"errcode": "M_UNRECOGNIZED"})
		}
	}))
	defer srv.Close()
	c, err := Login(t.Context(), srv.URL, "@carol:s.test", "carol-password")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	select {
	case token := <-syncedWith:
		if token != "token-B" {
			t.Errorf("synced with %s, want the renewed token-B", token)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the client never synced with a renewed session")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(logins) < 2 || logins[1] != "CAROLDEVICE" {
		t.Errorf("logins asked for devices %q, want the renewal on CAROLDEVICE", logins)
	}
}
