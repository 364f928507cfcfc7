package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"smartup0.org/engelbot/bot/lane"
	"smartup0.org/engelbot/bot/state"
)

// standIn is a homeserver stand-in for unit tests of the bot's Matrix
// side: each test answers the requests it cares about, and every request
// is kept for the test to look at. The end-to-end tests use a real
// Dendrite; this is for the faults a real server will not produce on cue.
type standIn struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	handlers map[string]func(w http.ResponseWriter, r *http.Request) // by a path's distinctive part
	requests []seenRequest
	changed  chan struct{}
}

// seenRequest is one request the stand-in received.
type seenRequest struct {
	Method, Path, Token string
	Query               map[string]string
	Body                []byte
}

func newStandIn(t *testing.T) *standIn {
	s := &standIn{t: t, handlers: map[string]func(http.ResponseWriter, *http.Request){}, changed: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	// A room's state, unless a test says otherwise: nobody in it, not encrypted.
	s.on("/state", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, []any{}) })
	// The bot's m.direct, unless a test says otherwise: none yet.
	s.on("/account_data/m.direct", func(w http.ResponseWriter, r *http.Request) {
		matrixError(w, http.StatusNotFound, "M_NOT_FOUND", "Account data not found", nil)
	})
	return s
}

// on answers requests whose path contains part (the longest match wins).
func (s *standIn) on(part string, h func(w http.ResponseWriter, r *http.Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[part] = h
}

func (s *standIn) serve(w http.ResponseWriter, r *http.Request) {
	var body bytes.Buffer
	_, _ = body.ReadFrom(r.Body)
	r.Body.Close()
	q := map[string]string{}
	for k, v := range r.URL.Query() {
		q[k] = v[0]
	}
	seen := seenRequest{Method: r.Method, Path: r.URL.Path, Token: strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), Query: q, Body: body.Bytes()}
	s.mu.Lock()
	s.requests = append(s.requests, seen)
	close(s.changed)
	s.changed = make(chan struct{})
	var h func(http.ResponseWriter, *http.Request)
	best := 0
	for part, fn := range s.handlers {
		if strings.Contains(r.URL.Path, part) && len(part) > best {
			h, best = fn, len(part)
		}
	}
	s.mu.Unlock()
	r.Body = readCloser{bytes.NewReader(body.Bytes())}
	if h == nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"errcode": "M_UNRECOGNIZED", "error": "not in this stand-in"})
		return
	}
	h(w, r)
	// What the handler recorded (an answer's text, say) is part of what
	// await's conditions look at: wake them again once it is recorded, or
	// a condition checked between the request's arrival and its handling
	// waits for a request that may never come.
	s.mu.Lock()
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// seen returns the requests so far whose path contains part.
func (s *standIn) seen(part string) []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []seenRequest
	for _, r := range s.requests {
		if strings.Contains(r.Path, part) {
			out = append(out, r)
		}
	}
	return out
}

// await waits until cond holds for the requests received; it fails the
// test if that takes longer than anything here should (the stand-in
// answers at once: only a bot that stopped asking takes this long).
func (s *standIn) await(ctx context.Context, what string, cond func() bool) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			s.t.Fatalf("the stand-in never saw %s", what)
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// matrixError answers with a Matrix error body.
func matrixError(w http.ResponseWriter, status int, code, msg string, extra map[string]any) {
	body := map[string]any{"errcode": code, "error": msg}
	for k, v := range extra {
		body[k] = v
	}
	writeJSON(w, status, body)
}

// testBot is a bot connected to the stand-in with a token, its waits
// recorded instead of slept, its commands recorded in a fresh database.
type testBot struct {
	*Bot
	db *state.DB

	mu    sync.Mutex
	waits []time.Duration
	ran   []string // commands handed to a lane, by event ID
}

const (
	testServer = "smartup.test"
	botID      = "@engelbot:smartup.test"
	testRoom   = "!room:smartup.test"
)

func newTestBot(t *testing.T, hs *standIn, cfg Config) *testBot {
	t.Helper()
	db, err := state.Open(t.Context(), t.TempDir()+"/state.db", zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	cfg.HomeserverURL, cfg.ServerName, cfg.UserID = hs.srv.URL, testServer, botID
	tb := &testBot{db: db}
	tb.Bot = New(cfg, db, nil, zerolog.New(zerolog.NewTestWriter(t)))
	tb.firstStart = time.UnixMilli(0)
	tb.wait = func(ctx context.Context, d time.Duration) error {
		tb.mu.Lock()
		tb.waits = append(tb.waits, d)
		tb.mu.Unlock()
		return ctx.Err()
	}
	tb.lanes = lane.New(func(ev state.Event, _ *lane.Turn) {
		tb.mu.Lock()
		tb.ran = append(tb.ran, ev.ID)
		tb.mu.Unlock()
	})
	return tb
}

// recorded returns the waits and the commands run so far.
func (tb *testBot) recorded() ([]time.Duration, []string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]time.Duration(nil), tb.waits...), append([]string(nil), tb.ran...)
}

// textEvent is a command event as a sync or /messages carries it.
func textEvent(evtID, sender, body string, at time.Time) map[string]any {
	return map[string]any{
		"event_id": evtID, "sender": sender, "type": "m.room.message", "origin_server_ts": at.UnixMilli(),
		"content": map[string]any{"msgtype": "m.text", "body": body},
	}
}

// syncBody is a sync response with one room's timeline.
func syncBody(next string, limited bool, prevBatch string, events ...map[string]any) map[string]any {
	if events == nil {
		events = []map[string]any{}
	}
	return map[string]any{
		"next_batch": next,
		"rooms": map[string]any{"join": map[string]any{
			testRoom: map[string]any{"timeline": map[string]any{"events": events, "limited": limited, "prev_batch": prevBatch}},
		}},
	}
}
