package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/chat"
	"smartup0.org/engelbot/demo"
)

// sentAs is a message of the bot as the homeserver gives it to another
// client: its content, with the formatted body and m.mentions.
func (e *env) sentAs(c *chat.Client, roomID id.RoomID, evtID id.EventID) event.MessageEventContent {
	e.t.Helper()
	evt, err := c.Matrix().GetEvent(e.t.Context(), roomID, evtID)
	if err != nil {
		e.t.Fatal(err)
	}
	var content event.MessageEventContent
	if err := json.Unmarshal(evt.Content.VeryRaw, &content); err != nil {
		e.t.Fatal(err)
	}
	return content
}

var anyTag = regexp.MustCompile(`<(/?)([a-zA-Z0-9]+)([^>]*)>`)

// checkSafe fails when a message of the bot carries markup someone typed
// — a link, an image, an attribute, an element its own words never make —
// or mentions anyone but ping.
func checkSafe(t *testing.T, what string, c event.MessageEventContent, ping ...id.UserID) {
	t.Helper()
	for _, m := range anyTag.FindAllStringSubmatch(c.FormattedBody, -1) {
		switch tag := strings.ToLower(m[2]); {
		case strings.TrimSpace(m[3]) != "":
			t.Errorf("%s: an element with attributes, %s, in %s", what, m[0], c.FormattedBody)
		case tag != "p" && tag != "strong" && tag != "code" && tag != "ul" && tag != "li" && tag != "br":
			t.Errorf("%s: a <%s> element the bot never writes, in %s", what, tag, c.FormattedBody)
		}
	}
	if c.Mentions == nil {
		t.Errorf("%s: no m.mentions, so clients guess mentions from the text", what)
		return
	}
	if c.Mentions.Room || len(c.Mentions.UserIDs) != len(ping) || (len(ping) == 1 && c.Mentions.UserIDs[0] != ping[0]) {
		t.Errorf("%s: m.mentions %+v, want exactly %v", what, c.Mentions, ping)
	}
	if strings.Contains(strings.ToLower(c.Body), "@room") {
		t.Errorf("%s: the body says @room, which notifies the whole room: %q", what, c.Body)
	}
}

// What owners type reaches other people's clients as text: an unknown
// command and a task title made of a pill, an image and a javascript:
// link come back without a link, an image or a mention in the formatted
// body, and m.mentions names only the sender of the command answered, and
// nobody in an announcement.
func TestTypedMarkupComesBackAsText(t *testing.T) {
	e := newEnv(t, 0)
	carol, bob := e.login("carol"), e.login("bob")
	team := idOf(e.room(demo.RoomTeam))
	server := e.cfg.Homeserver.ServerName
	markup := "`[Alice](https://matrix.to/#/@alice:" + server + ")![](mxc://evil/cat)[login](javascript:alert(1))`"

	cmd, reply := e.ask(carol, demo.RoomTeam, "!x"+markup)
	if !strings.Contains(reply.Body, unknownCommand) {
		t.Fatalf("!x…: %q, want an unknown command", reply.Body)
	}
	checkSafe(t, "the unknown command's answer", e.sentAs(bob, team, reply.EventID), carol.UserID())
	t.Logf("unknown command %s answered: %q", cmd, reply.Body)

	title := markup + " <b>html</b> @room"
	cmd, reply = e.ask(bob, demo.RoomTeam, "!create_task S "+title)
	if !strings.Contains(reply.Body, "created") {
		t.Fatalf("!create_task: %q", reply.Body)
	}
	created := e.sentAs(carol, team, reply.EventID)
	checkSafe(t, "!create_task's answer", created, bob.UserID())
	if !strings.Contains(strings.ReplaceAll(created.Body, "\u2060", ""), title) {
		t.Errorf("the answer does not show the title as typed: %q", created.Body)
	}
	task := regexp.MustCompile(`6_\d+_\d+_\d+`).FindString(reply.Body)
	news := e.awaitAnnouncement(carol, team, "New task", id.EventID(cmd))
	checkSafe(t, "the new task's announcement", e.sentAs(carol, team, news.EventID))

	_, reply = e.ask(carol, demo.RoomTeam, "!task "+task)
	shown := e.sentAs(bob, team, reply.EventID)
	checkSafe(t, "!task", shown, carol.UserID())
	if !strings.Contains(strings.ReplaceAll(shown.Body, "\u2060", ""), title) {
		t.Errorf("!task does not show the title as typed: %q", shown.Body)
	}
}

// A refused !add_owner leaves the direct chat like a successful one,
// whether the bot refused it before the toolbox saw it (a quote left
// open) or the toolbox did (a real name where the license goes), and the
// refusal repeats no part of the real name or the address.
func TestRefusedOnboardingLeavesTheChat(t *testing.T) {
	e := newEnv(t, 0)
	alice := e.login("alice")
	dm := e.directChat(alice)
	frank := "@frank:" + e.cfg.Homeserver.ServerName
	for _, line := range []string{
		`!add_owner ` + frank + ` frank work "` + realName + ` ` + email,
		`!add_owner ` + frank + ` frank ` + realName + ` ` + email,
	} {
		cmd, reply := e.askIn(alice, dm, line)
		if !strings.Contains(reply.Body, "Nothing was done") && !strings.Contains(reply.Body, "not a license") {
			t.Errorf("%s: %q, want a refusal", line, reply.Body)
		}
		for _, private := range append(strings.Fields(realName), email) {
			if strings.Contains(reply.Body, private) {
				t.Errorf("%s: the refusal repeats %q: %q", line, private, reply.Body)
			}
		}
		e.awaitLedger("the refused onboarding redacted", time.Minute, func() (bool, string) {
			evt, err := alice.Matrix().GetEvent(t.Context(), dm, id.EventID(cmd))
			if err != nil {
				return false, err.Error()
			}
			if evt.Unsigned.RedactedBecause == nil || strings.Contains(string(evt.Content.VeryRaw), email) {
				return false, "the command is still readable in the direct chat"
			}
			return true, ""
		})
	}
}
