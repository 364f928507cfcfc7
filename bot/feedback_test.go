package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"smartup0.org/engelbot/bot/lane"
	"smartup0.org/engelbot/bot/state"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/toolbox"
)

// gatedStore is a ledger store whose commits can be held until the test
// lets them through (a slow forge), or refused for good (a forge that
// refuses the bot's token).
type gatedStore struct {
	ledger.Store
	mu     sync.Mutex
	gate   chan struct{} // when not nil, commits wait until it is closed
	refuse bool
	// landed counts the commits that landed.
	landed atomic.Int32
}

func (s *gatedStore) Commit(ctx context.Context, c ledger.Commit) (ledger.CommitResult, error) {
	s.mu.Lock()
	gate, refuse := s.gate, s.refuse
	s.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ledger.CommitResult{}, ctx.Err()
		}
	}
	if refuse {
		return ledger.CommitResult{}, fmt.Errorf("the forge says 401: %w", ledger.ErrPermanent)
	}
	res, err := s.Store.Commit(ctx, c)
	if err == nil {
		s.landed.Add(1)
	}
	return res, err
}

// hold makes commits wait; the function it returns lets them through,
// and so does the test's end, so that a failed test ends at once.
func (s *gatedStore) hold(t *testing.T) (release func()) {
	gate := make(chan struct{})
	s.mu.Lock()
	s.gate = gate
	s.mu.Unlock()
	var once sync.Once
	release = func() { once.Do(func() { close(gate) }) }
	t.Cleanup(release)
	return release
}

// feedbackRig is a bot with a real toolbox and ledger (carol and dave
// hold roles in the operational team, whose room testRoom is), talking
// to a homeserver stand-in that accepts answers, reactions and typing
// notices unless a test says otherwise.
type feedbackRig struct {
	hs    *standIn
	bot   *Bot
	db    *state.DB
	store *gatedStore
	l     *ledger.Ledger

	mu    sync.Mutex
	waits []time.Duration
}

func newFeedbackRig(t *testing.T, opts ...ledger.Options) *feedbackRig {
	t.Helper()
	local, err := localgit.Open(t.TempDir()+"/ledger.git", "main")
	if err != nil {
		t.Fatal(err)
	}
	r := &feedbackRig{hs: newStandIn(t), store: &gatedStore{Store: local}}
	l := kudosLedger(t, r.store, opts...)
	t.Cleanup(l.Close)
	r.l = l
	r.hs.on("/account/whoami", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"user_id": botID, "device_id": "BOTDEVICE"})
	})
	r.hs.on("/send/m.room.message/", func(w http.ResponseWriter, req *http.Request) {
		writeJSON(w, 200, map[string]any{"event_id": "$answer-" + path.Base(req.URL.Path)})
	})
	r.hs.on("/send/m.reaction/", func(w http.ResponseWriter, req *http.Request) {
		writeJSON(w, 200, map[string]any{"event_id": "$reaction-" + path.Base(req.URL.Path)})
	})
	r.hs.on("/typing/", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, map[string]any{}) })
	r.db = openState(t)
	r.bot = r.newBot(t, l, r.db)
	return r
}

func openState(t *testing.T) *state.DB {
	t.Helper()
	db, err := state.Open(t.Context(), t.TempDir()+"/state.db", zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// newBot is a bot on the rig's homeserver, as a start of the process
// would make it; its waits between attempts are recorded, not slept.
func (r *feedbackRig) newBot(t *testing.T, l *ledger.Ledger, db *state.DB) *Bot {
	t.Helper()
	b := New(Config{HomeserverURL: r.hs.srv.URL, ServerName: testServer, UserID: botID, AccessToken: "tok"},
		db, toolbox.New(l, toolbox.Config{Founder: "@alice:" + testServer}), zerolog.New(zerolog.NewTestWriter(t)))
	b.wait = func(ctx context.Context, d time.Duration) error {
		r.mu.Lock()
		r.waits = append(r.waits, d)
		r.mu.Unlock()
		return ctx.Err()
	}
	if err := b.connect(t.Context()); err != nil {
		t.Fatal(err)
	}
	b.rooms.configure(testRoom, toolbox.Room{Kind: toolbox.RoomTeam, Team: "3_7_operational_team"}, testRoom)
	return b
}

// command records a command as the sync loop would, and returns it.
func (r *feedbackRig) command(t *testing.T, evtID, sender, body string) state.Event {
	t.Helper()
	ev := state.Event{ID: evtID, RoomID: testRoom, Sender: sender + ":" + testServer, Body: body, Timestamp: time.Now()}
	if _, err := r.db.Claim(t.Context(), ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// order is the requests the stand-in saw, as what they were: answer,
// announce, reaction, typing:on, typing:off.
func (r *feedbackRig) order(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, req := range r.hs.seen("/_matrix/client/") {
		switch {
		case strings.Contains(req.Path, "/send/m.room.message/engelbot-answer-"):
			out = append(out, "answer")
		case strings.Contains(req.Path, "/send/m.room.message/"):
			out = append(out, "announce")
		case strings.Contains(req.Path, "/send/m.reaction/"):
			out = append(out, "reaction")
		case strings.Contains(req.Path, "/typing/"):
			var body struct {
				Typing  bool  `json:"typing"`
				Timeout int64 `json:"timeout"`
			}
			if err := json.Unmarshal(req.Body, &body); err != nil {
				t.Fatalf("a typing request with the body %q: %v", req.Body, err)
			}
			if body.Typing {
				// A bot that crashes stops renewing it: it must end by
				// itself, soon.
				if body.Timeout <= 0 || body.Timeout > time.Minute.Milliseconds() {
					t.Errorf("a typing notice that does not end by itself within a minute: %s", req.Body)
				}
				out = append(out, "typing:on")
			} else {
				out = append(out, "typing:off")
			}
		}
	}
	return out
}

// reaction is one reaction the bot sent.
type reaction struct {
	Txn, EventID, Key, RelType string
}

func (r *feedbackRig) reactions(t *testing.T) []reaction {
	t.Helper()
	var out []reaction
	for _, req := range r.hs.seen("/send/m.reaction/") {
		var body struct {
			RelatesTo struct {
				RelType string `json:"rel_type"`
				EventID string `json:"event_id"`
				Key     string `json:"key"`
			} `json:"m.relates_to"`
		}
		if err := json.Unmarshal(req.Body, &body); err != nil {
			t.Fatalf("a reaction with the body %q: %v", req.Body, err)
		}
		out = append(out, reaction{Txn: path.Base(req.Path), EventID: body.RelatesTo.EventID, Key: body.RelatesTo.Key, RelType: body.RelatesTo.RelType})
	}
	return out
}

func (r *feedbackRig) unanswered(t *testing.T) []state.Event {
	t.Helper()
	pending, err := r.db.Unfinished(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return pending
}

// A command answered before the typing delay shows no typing at all, not
// even a "stopped typing". One that takes longer shows it while it runs,
// before its answer, and stops once it is answered.
func TestTypingShowsOnlyWhileASlowCommandRuns(t *testing.T) {
	t.Run("answered at once", func(t *testing.T) {
		r := newFeedbackRig(t)
		r.bot.typing.after = time.Hour // the command is answered long before
		r.bot.handle(r.command(t, "$wallet", "@carol", "!wallet"))
		r.bot.typing.wait()
		if got := r.order(t); strings.Join(got, " ") != "answer reaction" {
			t.Errorf("requests %v, want the answer and its reaction only", got)
		}
	})
	t.Run("slow", func(t *testing.T) {
		r := newFeedbackRig(t)
		r.bot.typing.after = 0 // any command is slow
		release := r.store.hold(t)
		done := make(chan struct{})
		go func() { defer close(done); r.bot.handle(r.command(t, "$kudos", "@carol", "!kudos dave thanks")) }()
		r.hs.await(t.Context(), "a typing notice", func() bool { return len(r.hs.seen("/typing/")) > 0 })
		if got := r.order(t); strings.Join(got, " ") != "typing:on" {
			t.Errorf("while the write is held: requests %v, want a typing notice only", got)
		}
		release()
		<-done
		r.bot.typing.wait()
		got := r.order(t)
		if len(got) < 4 || strings.Join(got[:3], " ") != "typing:on answer reaction" || got[len(got)-1] != "typing:off" {
			t.Errorf("requests %v, want typing on, the answer and its reaction, and typing off last", got)
		}
		if n := strings.Count(strings.Join(got, " "), "typing:"); n != 2 {
			t.Errorf("%d typing requests in %v, want one on and one off", n, got)
		}
	})
}

// A command that runs long keeps its typing notice up: the notice is sent
// again before the homeserver's timeout ends it.
func TestTypingIsRenewedWhileACommandRunsLong(t *testing.T) {
	r := newFeedbackRig(t)
	r.bot.typing.after = 0
	r.bot.typing.renew = time.Millisecond // the command outlasts many renewals
	release := r.store.hold(t)
	done := make(chan struct{})
	go func() { defer close(done); r.bot.handle(r.command(t, "$kudos", "@carol", "!kudos dave thanks")) }()
	r.hs.await(t.Context(), "the typing notice renewed", func() bool { return len(r.hs.seen("/typing/")) >= 3 })
	release()
	<-done
	r.bot.typing.wait()
	got := r.order(t)
	if got[len(got)-1] != "typing:off" || strings.Contains(strings.Join(got[:len(got)-1], " "), "typing:off") {
		t.Errorf("requests %v, want typing on, renewed, and off once, last", got)
	}
}

// Two commands running in one room at once keep one typing notice up:
// the first answered does not stop it while the other still runs.
func TestTypingStaysWhileAnyCommandInTheRoomRuns(t *testing.T) {
	r := newFeedbackRig(t)
	r.bot.typing.after = 0
	release := r.store.hold(t)
	slow := make(chan struct{})
	go func() { defer close(slow); r.bot.handle(r.command(t, "$kudos", "@carol", "!kudos dave thanks")) }()
	r.hs.await(t.Context(), "a typing notice", func() bool { return len(r.hs.seen("/typing/")) > 0 })
	// A query from dave meanwhile: answered while carol's write is held.
	r.bot.handle(r.command(t, "$wallet", "@dave", "!wallet"))
	if got := r.order(t); strings.Contains(strings.Join(got, " "), "typing:off") {
		t.Errorf("requests %v: typing stopped while carol's command still runs", got)
	}
	release()
	<-slow
	r.bot.typing.wait()
	// dave's answer came first; typing stops once, after carol's.
	got := strings.Join(r.order(t), " ")
	if strings.Count(got, "typing:on") != 1 || strings.Count(got, "typing:off") != 1 ||
		strings.LastIndex(got, "answer") > strings.Index(got, "typing:off") || strings.Count(got, "answer") != 2 {
		t.Errorf("requests %v, want typing on once, both answers, then typing off once", got)
	}
}

// The reaction says how a command ended: ✅ done, ❌ refused, ⚠️ failed.
// It goes on the command, after the answer, once.
func TestReactionSaysHowACommandEnded(t *testing.T) {
	for _, c := range []struct {
		name, sender, body string
		refuse             bool // the forge refuses the bot
		want               string
	}{
		{"a write done", "@carol", "!kudos dave thanks", false, "✅"},
		{"a query done", "@carol", "!wallet", false, "✅"},
		{"refused: not an owner", "@mallory", "!wallet", false, "❌"},
		{"refused by the rules", "@carol", "!kudos nobody thanks", false, "❌"},
		{"failed: the forge refuses the bot", "@carol", "!kudos dave thanks", true, "⚠️"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newFeedbackRig(t)
			r.store.refuse = c.refuse
			ev := r.command(t, "$cmd", c.sender, c.body)
			r.bot.handle(ev)
			got := r.reactions(t)
			if len(got) != 1 {
				t.Fatalf("%d reactions, want 1: %+v", len(got), got)
			}
			if got[0].Key != c.want || got[0].EventID != ev.ID || got[0].RelType != "m.annotation" {
				t.Errorf("reaction %+v, want %s annotating %s", got[0], c.want, ev.ID)
			}
			if order := r.order(t); len(order) < 2 || order[0] != "answer" || order[1] != "reaction" {
				t.Errorf("requests %v, want the answer first, then the reaction", order)
			}
			if pending := r.unanswered(t); len(pending) != 0 {
				t.Errorf("not marked answered: %+v", pending)
			}
		})
	}
}

// A command whose text is removed from the chat once answered (it held
// private details) gets no reaction: it would hang on a removed message.
func TestNoReactionOnACommandThatIsRemoved(t *testing.T) {
	r := newFeedbackRig(t)
	ev := r.command(t, "$onboard", "@alice", "!wallet")
	if !r.bot.answer(t.Context(), ev, toolbox.Reply{Text: "Added.", Forget: true}) {
		t.Fatal("not answered")
	}
	if got := r.reactions(t); len(got) != 0 {
		t.Errorf("reactions %+v on a command that is removed", got)
	}
}

// When the homeserver refuses reactions and typing notices, the answer
// goes out all the same, the command is marked answered, and the
// reaction is retried only briefly.
func TestTheAnswerGoesOutWhenReactionsAndTypingFail(t *testing.T) {
	r := newFeedbackRig(t)
	r.bot.typing.after = 0
	r.hs.on("/typing/", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 500, map[string]any{}) })
	r.hs.on("/send/m.reaction/", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 503, map[string]any{}) })
	release := r.store.hold(t)
	done := make(chan struct{})
	go func() { defer close(done); r.bot.handle(r.command(t, "$kudos", "@carol", "!kudos dave thanks")) }()
	r.hs.await(t.Context(), "a typing notice", func() bool { return len(r.hs.seen("/typing/")) > 0 })
	release()
	<-done
	r.bot.typing.wait()
	if n := len(sends(r.hs)); n < 1 {
		t.Fatal("no answer was sent")
	}
	if got := sends(r.hs)[0]; got != answerTxnID("$kudos") {
		t.Errorf("the first send was %s, want the answer %s", got, answerTxnID("$kudos"))
	}
	if pending := r.unanswered(t); len(pending) != 0 {
		t.Errorf("not marked answered: %+v", pending)
	}
	attempts := len(r.reactions(t))
	r.mu.Lock()
	var waited time.Duration
	for _, w := range r.waits {
		waited += w
	}
	r.mu.Unlock()
	if attempts < 2 || waited > reactBudget {
		t.Errorf("%d attempts at the reaction, waiting %v in all; want it retried, within %v", attempts, waited, reactBudget)
	}
}

// Every attempt at a command's reaction carries one transaction ID,
// derived from the command's event ID: within a run, and at the next
// start, which finds the answer already sent and reacts again. The
// homeserver then gives back the first reaction instead of a second.
func TestReactionTxnIDIsStableAcrossRetriesAndRestarts(t *testing.T) {
	r := newFeedbackRig(t)
	var failed atomic.Bool
	r.hs.on("/send/m.reaction/", func(w http.ResponseWriter, _ *http.Request) {
		if failed.CompareAndSwap(false, true) {
			writeJSON(w, 502, map[string]any{})
			return
		}
		writeJSON(w, 200, map[string]any{"event_id": "$reaction"})
	})
	ev := r.command(t, "$cmd", "@carol", "!wallet")
	reply := toolbox.Reply{Text: "You hold 0 SC."}
	if !r.bot.answer(t.Context(), ev, reply) {
		t.Fatal("not answered")
	}

	// The next start, after a crash between the reaction and marking
	// the command answered (its database holds the command as being
	// answered): it finds the answer in the room and reacts again.
	db := openState(t)
	if _, err := db.Claim(t.Context(), ev); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkAnswering(t.Context(), ev.ID); err != nil {
		t.Fatal(err)
	}
	r.hs.on("/context/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"events_after": []any{
			map[string]any{"event_id": "$answer", "sender": botID, "type": "m.room.message", "content": map[string]any{
				"msgtype": "m.notice", "body": reply.Text, "m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": ev.ID}}}},
		}})
	})
	ev.Answering = true
	if !r.newBot(t, nil, db).answer(t.Context(), ev, reply) {
		t.Fatal("not answered after the restart")
	}
	got := r.reactions(t)
	if len(got) != 3 {
		t.Fatalf("%d reaction attempts, want 3 (a failed one, its retry, and the restart's): %+v", len(got), got)
	}
	for _, g := range got {
		if g.Txn != reactionTxnID(ev.ID) || g.Key != reactDone {
			t.Errorf("an attempt %+v, want every one with %s and %s", g, reactionTxnID(ev.ID), reactDone)
		}
	}
	if reactionTxnID(ev.ID) == answerTxnID(ev.ID) {
		t.Error("the reaction and the answer share a transaction ID: the homeserver would give back the answer for the reaction")
	}
}

// handle runs one recorded command and answers it, with nobody before it
// in its sender's lane.
func (b *Bot) handle(ev state.Event) {
	t := lane.Alone()
	defer t.End()
	b.handleInTurn(ev, t)
}
