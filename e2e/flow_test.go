package e2e

// Helpers for tests that walk a community through many commands: a write
// that must land, the ledger's rows as the forge has them, and waiting for
// what the bot does by itself.

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/app"
	"smartup0.org/engelbot/chat"
	"smartup0.org/engelbot/demo"
	"smartup0.org/engelbot/ledger"
)

// unknownCommand is how the bot starts its answer to a command it lacks.
const unknownCommand = "I don't know the command"

// write sends a command that must change the ledger. A refusal and a
// change alike are answered with a notice, so what tells them apart is
// the command's audit row: exactly one on the forge.
func (e *env) write(c *chat.Client, roomID id.RoomID, text string) (string, chat.Reply) {
	e.t.Helper()
	evt, reply := e.askIn(c, roomID, text)
	if strings.Contains(reply.Body, unknownCommand) {
		name, _, _ := strings.Cut(text, " ")
		e.t.Fatalf("%s is not a command yet: %q", name, reply.Body)
	}
	if rows := e.auditRows(evt); len(rows) != 1 {
		e.t.Fatalf("%s wrote %d audit rows, want 1; it answered %q", text, len(rows), reply.Body)
	}
	return evt, reply
}

// directChat opens a direct chat between c and the bot.
func (e *env) directChat(c *chat.Client) id.RoomID {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.t.Context(), time.Minute)
	defer cancel()
	room, err := demo.DirectChat(ctx, c, e.world.Bot.UserID)
	if err != nil {
		e.t.Fatal(err)
	}
	return room
}

// rows decodes a CSV index as the forge has it.
func rows[R any](e *env, dir string) []R {
	e.t.Helper()
	return journalRows[R](e, dir)
}

// journalRows decodes every file of an append-only folder (SC, SK,
// master-events) as the forge has it.
func journalRows[R any](e *env, dir string) []R {
	e.t.Helper()
	entries, _, err := e.api.ListContents(org, repo, branch, dir)
	if err != nil {
		e.t.Fatalf("listing %s on the forge: %v", dir, err)
	}
	var out []R
	for _, entry := range entries {
		rs, err := ledger.DecodeCSV[R](entry.Path, []byte(e.read(entry.Path)))
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, rs...)
	}
	return out
}

// task is a task's row on the forge.
func (e *env) task(id string) ledger.Task {
	e.t.Helper()
	for _, t := range rows[ledger.Task](e, ledger.TasksIndex) {
		if t.ID == id {
			return t
		}
	}
	e.t.Fatalf("task %s is not in %s", id, ledger.TasksIndex)
	return ledger.Task{}
}

// awaitLedger polls the forge until cond holds; cond says what it saw, for
// the failure message. The bot's scheduled jobs write on their own time,
// so there is no answer to wait for.
func (e *env) awaitLedger(what string, within time.Duration, cond func() (bool, string)) {
	e.t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, saw := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("after %s, still not %s: %s", within, what, saw)
		}
		select {
		case <-e.t.Context().Done():
			e.t.Fatal(e.t.Context().Err())
		case <-tick.C:
		}
	}
}

// awaitAnnouncement waits for a notice of the bot in a room that contains
// want and is not the message except (the answer to the command that
// caused it, which names the same things).
func (e *env) awaitAnnouncement(c *chat.Client, roomID id.RoomID, want string, except id.EventID) chat.Reply {
	e.t.Helper()
	var found chat.Reply
	e.awaitLedger("announced in "+string(roomID), time.Minute, func() (bool, string) {
		resp, err := c.Matrix().Messages(e.t.Context(), roomID, "", "", mautrix.DirectionBackward, nil, 50)
		if err != nil {
			return false, err.Error()
		}
		for _, evt := range resp.Chunk {
			if evt.Type != event.EventMessage || evt.ID == except || evt.Sender != id.UserID(e.world.Bot.UserID) {
				continue
			}
			_ = evt.Content.ParseRaw(evt.Type) // already parsed is fine
			msg := evt.Content.AsMessage()
			if msg.MsgType == event.MsgNotice && strings.Contains(msg.Body, want) {
				found = chat.Reply{EventID: evt.ID, RoomID: roomID, Sender: evt.Sender, Body: msg.Body, MsgType: msg.MsgType}
				return true, ""
			}
		}
		return false, fmt.Sprintf("no notice of the bot naming %q among the last %d messages", want, len(resp.Chunk))
	})
	return found
}

var firstNumber = regexp.MustCompile(`-?\d+`)

// numberOn is the first whole number on the first line of body that
// contains word (case-insensitively): "SC awarded: 45" → 45.
func numberOn(body, word string) (int, bool) {
	for _, line := range strings.Split(body, "\n") {
		if !strings.Contains(strings.ToLower(line), strings.ToLower(word)) {
			continue
		}
		if m := firstNumber.FindString(line); m != "" {
			n, err := strconv.Atoi(m)
			return n, err == nil
		}
	}
	return 0, false
}

// verifyClean runs what `engelbot verify` runs on the ledger the bot
// writes, and fails the test on every problem it reports.
func (e *env) verifyClean() {
	e.t.Helper()
	store, err := app.OpenStore(e.cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(e.t.Context(), 2*time.Minute)
	defer cancel()
	l, err := ledger.Open(ctx, store, ledger.Options{})
	if err != nil {
		e.t.Fatal(err)
	}
	defer l.Close()
	v, err := l.VerifyAll(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, p := range v.Problems {
		e.t.Errorf("verify: %s", p)
	}
}
