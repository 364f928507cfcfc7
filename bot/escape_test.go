package bot

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/toolbox"
)

// sentContent is the content of the one answer the stand-in received.
func sentContent(t *testing.T, hs *standIn) event.MessageEventContent {
	t.Helper()
	sent := hs.seen("/send/m.room.message/")
	if len(sent) != 1 {
		t.Fatalf("%d answers sent, want 1", len(sent))
	}
	var c event.MessageEventContent
	if err := json.Unmarshal(sent[0].Body, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// An answer mentions the sender of the command it answers, and nobody
// else: not whoever a link in its text points at, and not the room. The
// text here carries a pill and @room as if a title had gone unescaped, so
// that only the bot's own m.mentions can keep them from pinging.
func TestAnswerMentionsOnlyTheSender(t *testing.T) {
	for _, thread := range []string{"", "$root"} {
		hs, tb := connectedBot(t)
		hs.on("/send/m.room.message/", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"event_id": "$answer"})
		})
		ev := claimed(t, tb, "$cmd")
		ev.Thread = thread
		text := "Task **6_1_7_1**: [Alice](https://matrix.to/#/@alice:smartup.test) @room"
		if !tb.answer(t.Context(), ev, toolbox.Reply{Text: text}) {
			t.Fatal("not answered")
		}
		c := sentContent(t, hs)
		want := []id.UserID{id.UserID(ev.Sender)}
		if c.Mentions == nil || c.Mentions.Room || len(c.Mentions.UserIDs) != 1 || c.Mentions.UserIDs[0] != want[0] {
			t.Errorf("thread %q: m.mentions %+v, want exactly %v", thread, c.Mentions, want)
		}
		if c.RelatesTo.GetReplyTo() != "$cmd" || c.MsgType != event.MsgNotice || c.Format != event.FormatHTML {
			t.Errorf("thread %q: not an HTML notice replying to the command: %+v", thread, c)
		}
	}
}

// An announcement pings nobody: its m.mentions is present and empty, so
// that clients do not guess mentions from its text.
func TestAnnouncementMentionsNobody(t *testing.T) {
	c := notice("New task: [Alice](https://matrix.to/#/@alice:smartup.test) @room")
	raw, err := json.Marshal(&c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"m.mentions":{}`) {
		t.Errorf("the announcement's content does not say it mentions nobody: %s", raw)
	}
}

// A !add_owner the bot refuses before the toolbox sees it — too long to
// be a command, a quote left open, a room it cannot tell — is removed
// from the chat like any other refused onboarding; other commands stay.
func TestUnreadableOnboardingIsForgotten(t *testing.T) {
	hs, tb := connectedBot(t)
	hs.on("/send/m.room.message/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"event_id": "$answer"})
	})
	hs.on("/redact/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"event_id": "$redaction"})
	})
	// A direct chat by the bot's m.direct, whose members the homeserver
	// cannot say.
	tb.direct.set(event.DirectChatsEventContent{"@carol:smartup.test": {testRoom}})
	hs.on("/rooms/"+testRoom+"/members", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 503, map[string]any{}) })
	long := "!add_owner @frank:smartup.test frank work Frank Vandermeulenbroek " + strings.Repeat("x", maxCommandBytes)
	for i, tc := range []struct {
		body   string
		forget bool
	}{
		{`!add_owner @frank:smartup.test frank work "Frank Vandermeulenbroek`, true},
		{"  !ADD_OWNER\u201c @frank:smartup.test frank work \u201cFrank", true},
		{"!add_ownr @frank:smartup.test frank work \"Frank", true},
		{long, true},
		{`!add_owner @frank:smartup.test frank work Frank Vandermeulenbroek`, true}, // the room can't be told
		{`!kudos carol "thanks`, false},
		{"!kudos carol " + strings.Repeat("x", maxCommandBytes), false},
	} {
		ev := claimed(t, tb, "$cmd"+string(rune('a'+i)))
		ev.Body = tc.body
		before := len(hs.seen("/redact/"))
		tb.handle(ev)
		redacted := false
		for _, r := range hs.seen("/redact/")[before:] {
			redacted = redacted || strings.Contains(r.Path, "/redact/"+ev.ID+"/")
		}
		if redacted != tc.forget {
			t.Errorf("%.60q: redacted %v, want %v", tc.body, redacted, tc.forget)
		}
	}
}
