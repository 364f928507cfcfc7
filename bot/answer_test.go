package bot

import (
	"maunium.net/go/mautrix/event"
	"net/http"
	"path"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"smartup0.org/engelbot/bot/state"
	"smartup0.org/engelbot/toolbox"
)

// claimed records a command as the sync loop would, and returns it.
func claimed(t *testing.T, tb *testBot, evtID string) state.Event {
	t.Helper()
	ev := state.Event{ID: evtID, RoomID: testRoom, Sender: "@carol:smartup.test", Body: "!wallet", Timestamp: time.Now()}
	if _, err := tb.db.Claim(t.Context(), ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// answerOf is the reply event a command was marked answered with, or "".
func answerOf(t *testing.T, tb *testBot, evtID string) string {
	t.Helper()
	var reply *string
	if err := tb.db.Database().QueryRow(t.Context(), "SELECT reply_id FROM processed_event WHERE event_id=$1", evtID).Scan(&reply); err != nil {
		t.Fatal(err)
	}
	if reply == nil {
		return ""
	}
	return *reply
}

// sends are the answers the bot tried to send, by transaction ID.
func sends(hs *standIn) []string {
	var txns []string
	for _, r := range hs.seen("/send/m.room.message/") {
		txns = append(txns, path.Base(r.Path))
	}
	return txns
}

// A rate-limited answer waits what the homeserver asked for, a server
// error backs off, and the answer goes out once, with one transaction ID
// for every attempt, and the command is marked answered by it.
func TestAnswerWaitsOutRateLimitsAndServerErrors(t *testing.T) {
	hs, tb := connectedBot(t)
	var attempts atomic.Int32
	hs.on("/send/m.room.message/", func(w http.ResponseWriter, r *http.Request) {
		switch attempts.Add(1) {
		case 1, 2:
			matrixError(w, 429, "M_LIMIT_EXCEEDED", "Too many requests", map[string]any{"retry_after_ms": 1234})
		case 3:
			writeJSON(w, 502, map[string]any{})
		default:
			writeJSON(w, 200, map[string]any{"event_id": "$answer"})
		}
	})
	ev := claimed(t, tb, "$cmd")
	if !tb.answer(t.Context(), ev, toolbox.Reply{Text: "You hold 10 SC."}) {
		t.Fatal("the answer was not sent")
	}
	waits, _ := tb.recorded()
	if len(waits) != 3 || waits[0] != 1234*time.Millisecond || waits[1] != 1234*time.Millisecond {
		t.Fatalf("waits %v, want 1.234s twice (the server's retry_after_ms) and one backoff", waits)
	}
	if waits[2] <= 0 || waits[2] > firstBackoff {
		t.Errorf("the wait after a server error was %v, want a first backoff up to %v", waits[2], firstBackoff)
	}
	txns := sends(hs)
	if len(txns) != 4 {
		t.Fatalf("%d send attempts, want 4", len(txns))
	}
	for _, txn := range txns {
		if txn != answerTxnID("$cmd") {
			t.Errorf("attempt with transaction ID %q, want %q for every attempt", txn, answerTxnID("$cmd"))
		}
	}
	if got := answerOf(t, tb, "$cmd"); got != "$answer" {
		t.Errorf("the command is marked answered by %q, want $answer", got)
	}
}

// An answer the homeserver refuses for good is not retried, and the
// command stays unanswered for the next start, not marked answered.
func TestAnswerRefusedForGoodIsLeftForTheNextStart(t *testing.T) {
	hs, tb := connectedBot(t)
	hs.on("/send/m.room.message/", func(w http.ResponseWriter, r *http.Request) {
		matrixError(w, 403, "M_FORBIDDEN", "You are not in this room", nil)
	})
	ev := claimed(t, tb, "$cmd")
	if tb.answer(t.Context(), ev, toolbox.Reply{Text: "hello"}) {
		t.Fatal("answer reported success for a refused send")
	}
	if n := len(sends(hs)); n != 1 {
		t.Errorf("%d attempts at a send refused for good, want 1", n)
	}
	pending, err := tb.db.Unfinished(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].ID != "$cmd" || !pending[0].Answering {
		t.Errorf("unfinished after the refusal: %+v, want $cmd, marked as being answered", pending)
	}
}

// An answer that keeps failing is retried within a bound, not forever.
func TestAnswerRetriesAreBounded(t *testing.T) {
	hs, tb := connectedBot(t)
	hs.on("/send/m.room.message/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 503, map[string]any{})
	})
	ev := claimed(t, tb, "$cmd")
	if tb.answer(t.Context(), ev, toolbox.Reply{Text: "hello"}) {
		t.Fatal("answer reported success")
	}
	waits, _ := tb.recorded()
	var total time.Duration
	for _, w := range waits {
		total += w
	}
	if total > answerBudget || total < answerBudget/2 {
		t.Errorf("waited %v in all over %d attempts; want close to the budget of %v", total, len(sends(hs)), answerBudget)
	}
	if len(sends(hs)) < 5 {
		t.Errorf("only %d attempts within the budget", len(sends(hs)))
	}
}

// A command whose answer a previous run began to send is looked up first:
// when the answer is in the room, it is not sent again.
func TestResumedAnswerIsFoundNotSentAgain(t *testing.T) {
	hs, tb := connectedBot(t)
	hs.on("/context/", func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.Query().Get("filter"), botID) {
			matrixError(w, 400, "M_INVALID_PARAM", "the lookup should ask for the bot's events only", nil)
			return
		}
		writeJSON(w, 200, map[string]any{"end": "e1", "events_after": []any{
			map[string]any{"event_id": "$other", "sender": botID, "type": "m.room.message", "content": map[string]any{
				"msgtype": "m.notice", "body": "another answer", "m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": "$else"}}}},
			map[string]any{"event_id": "$earlier", "sender": botID, "type": "m.room.message", "content": map[string]any{
				"msgtype": "m.notice", "body": "You hold 10 SC.", "m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": "$cmd"}}}},
		}})
	})
	hs.on("/send/m.room.message/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"event_id": "$second"})
	})
	ev := claimed(t, tb, "$cmd")
	if err := tb.db.MarkAnswering(t.Context(), ev.ID); err != nil {
		t.Fatal(err)
	}
	ev.Answering = true
	if !tb.answer(t.Context(), ev, toolbox.Reply{Text: "You hold 10 SC."}) {
		t.Fatal("not answered")
	}
	if n := len(sends(hs)); n != 0 {
		t.Errorf("the answer was sent again (%d sends) although it was in the room", n)
	}
	if got := answerOf(t, tb, "$cmd"); got != "$earlier" {
		t.Errorf("marked answered by %q, want the earlier answer $earlier", got)
	}
}

// In an encrypted room the earlier answer is an m.room.encrypted event:
// the lookup asks for that type too and recognises the answer by the
// relation it carries outside its ciphertext, without decrypting it.
func TestResumedEncryptedAnswerIsFound(t *testing.T) {
	hs, tb := connectedBot(t)
	hs.on("/context/", func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.Query().Get("filter"), "m.room.encrypted") {
			matrixError(w, 400, "M_INVALID_PARAM", "the lookup should ask for encrypted events too", nil)
			return
		}
		writeJSON(w, 200, map[string]any{"end": "e1", "events_after": []any{
			map[string]any{"event_id": "$earlier", "sender": botID, "type": "m.room.encrypted", "content": map[string]any{
				"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AwgAEn...", "session_id": "s", "sender_key": "k", "device_id": "ENGELBOT",
				"m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": "$cmd"}}}},
		}})
	})
	hs.on("/send/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"event_id": "$second"})
	})
	ev := claimed(t, tb, "$cmd")
	if err := tb.db.MarkAnswering(t.Context(), ev.ID); err != nil {
		t.Fatal(err)
	}
	ev.Answering = true
	if !tb.answer(t.Context(), ev, toolbox.Reply{Text: "You hold 10 SC."}) {
		t.Fatal("not answered")
	}
	if n := len(hs.seen("/send/m.room.")); n != 0 { // a reaction may go out; an answer, plain or encrypted, not
		t.Errorf("the answer was sent again (%d sends) although it was in the room, encrypted", n)
	}
	if got := answerOf(t, tb, "$cmd"); got != "$earlier" {
		t.Errorf("marked answered by %q, want the earlier encrypted answer $earlier", got)
	}
}

// When the earlier attempt left no answer in the room, it is sent, with
// the same transaction ID as the first attempt.
func TestResumedAnswerIsSentWhenNotFound(t *testing.T) {
	hs, tb := connectedBot(t)
	hs.on("/context/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"events_after": []any{}})
	})
	hs.on("/send/m.room.message/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"event_id": "$answer"})
	})
	ev := claimed(t, tb, "$cmd")
	ev.Answering = true
	if !tb.answer(t.Context(), ev, toolbox.Reply{Text: "hi"}) {
		t.Fatal("not answered")
	}
	if txns := sends(hs); len(txns) != 1 || txns[0] != answerTxnID("$cmd") {
		t.Errorf("sends %v, want one with %s", txns, answerTxnID("$cmd"))
	}
}

// When the homeserver cannot say who is in a room, the bot does not guess
// whether it is a direct chat (an admin command would be granted or
// refused wrongly): it says it cannot tell, and nothing runs.
func TestUnknownRoomIsNotGuessed(t *testing.T) {
	hs, tb := connectedBot(t)
	hs.on("/rooms/!unknown:smartup.test/members", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 503, map[string]any{})
	})
	// A direct chat by the bot's m.direct; who is in it, only the homeserver knows.
	tb.direct.set(event.DirectChatsEventContent{"@alice:smartup.test": {"!unknown:smartup.test"}})
	reply := tb.run(t.Context(), state.Event{ID: "$cmd", RoomID: "!unknown:smartup.test", Sender: "@alice:smartup.test", Body: "!status"})
	if !reply.Refused || reply.Err == nil || !strings.Contains(reply.Text, "can't tell") {
		t.Errorf("answered %+v, want a refusal saying the room could not be told", reply)
	}
	if n := len(hs.seen("/rooms/!unknown:smartup.test/members")); n < 2 {
		t.Errorf("%d requests for the members, want retries", n)
	}
}
