package demo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/chat"
)

// answerWait is how long the console waits for the bot's answer.
const answerWait = 90 * time.Second

// Console lets a person talk to the bot as someone of the world: each line
// is sent as a Matrix message to the current room, and the bot's answer is
// printed. Lines starting with / steer the console itself.
func (w *World) Console(ctx context.Context, as string, in io.Reader, out io.Writer) error {
	sess := &session{w: w, out: out, clients: map[string]*chat.Client{}, dms: map[string]id.RoomID{}, room: RoomTeam}
	defer sess.close()
	if err := sess.switchTo(ctx, as); err != nil {
		return err
	}
	fmt.Fprintln(out, consoleHelp)
	lines := make(chan string)
	go func() {
		defer close(lines)
		scan := bufio.NewScanner(in)
		for scan.Scan() {
			lines <- scan.Text()
		}
	}()
	for {
		fmt.Fprintf(out, "%s@%s> ", sess.as, sess.room)
		var line string
		select {
		case <-ctx.Done():
			fmt.Fprintln(out)
			return nil
		case l, ok := <-lines:
			if !ok {
				fmt.Fprintln(out)
				return nil
			}
			line = strings.TrimSpace(l)
		}
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "/") {
			if quit := sess.steer(ctx, line); quit {
				return nil
			}
			continue
		}
		sess.say(ctx, line)
	}
}

const consoleHelp = `Type a command for Engelbot, e.g. !help, !my_tasks, !wallet, !start_work 6_1_7_1, !stop_work "done".
Console commands: /as <name> (be someone else), /room team|other_team|forum|dm (where to speak), /who, /quit.`

type session struct {
	w       *World
	out     io.Writer
	clients map[string]*chat.Client
	dms     map[string]id.RoomID
	as      string
	room    string
	shown   map[id.EventID]bool // announcements already printed
}

func (s *session) close() {
	for _, c := range s.clients {
		c.Close()
	}
}

func (s *session) switchTo(ctx context.Context, name string) error {
	if _, ok := s.clients[name]; !ok {
		c, err := s.w.Login(ctx, name)
		if err != nil {
			return err
		}
		s.clients[name] = c
	}
	s.as = name
	return nil
}

func (s *session) roomID(ctx context.Context) (id.RoomID, error) {
	if s.room != "dm" {
		return id.RoomID(s.w.Rooms[s.room]), nil
	}
	if r, ok := s.dms[s.as]; ok {
		return r, nil
	}
	fmt.Fprintln(s.out, "(opening a direct chat with Engelbot…)")
	r, err := DirectChat(ctx, s.clients[s.as], s.w.Bot.UserID)
	if err != nil {
		return "", err
	}
	s.dms[s.as] = r
	return r, nil
}

func (s *session) steer(ctx context.Context, line string) (quit bool) {
	f := strings.Fields(line)
	switch f[0] {
	case "/quit", "/exit":
		return true
	case "/as":
		if len(f) != 2 {
			fmt.Fprintln(s.out, "usage: /as <name>")
			return false
		}
		if err := s.switchTo(ctx, f[1]); err != nil {
			fmt.Fprintln(s.out, "cannot switch:", err)
		}
	case "/room":
		if len(f) != 2 {
			fmt.Fprintln(s.out, "usage: /room team|other_team|forum|dm")
			return false
		}
		if _, ok := s.w.Rooms[f[1]]; !ok && f[1] != "dm" {
			fmt.Fprintln(s.out, "no such room; try team, other_team, forum or dm")
			return false
		}
		s.room = f[1]
	case "/who":
		names := make([]string, 0, len(s.w.People))
		for _, p := range s.w.People {
			names = append(names, fmt.Sprintf("%s (%s)", p.Name, describe(p)))
		}
		sort.Strings(names)
		fmt.Fprintln(s.out, strings.Join(names, "\n"))
	default:
		fmt.Fprintln(s.out, consoleHelp)
	}
	return false
}

func describe(p Person) string {
	if p.License == "" {
		return "not an owner"
	}
	if len(p.Roles) == 0 {
		return p.License + " license, no role"
	}
	return p.License + " license, " + strings.Join(p.Roles, ", ")
}

func (s *session) say(ctx context.Context, line string) {
	roomID, err := s.roomID(ctx)
	if err != nil {
		fmt.Fprintln(s.out, "cannot open the room:", err)
		return
	}
	s.announcements(roomID)
	if !strings.HasPrefix(line, "!") {
		if _, err := s.clients[s.as].Send(ctx, roomID, line); err != nil {
			fmt.Fprintln(s.out, "not sent:", err)
		}
		fmt.Fprintln(s.out, "(sent; Engelbot only answers messages that start with !)")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, answerWait)
	defer cancel()
	reply, err := s.clients[s.as].Ask(ctx, roomID, line)
	if err != nil {
		fmt.Fprintln(s.out, "no answer:", err)
		return
	}
	fmt.Fprintf(s.out, "engelbot: %s\n", strings.ReplaceAll(reply.Body, "\n", "\n          "))
	s.announcements(roomID)
}

// announcements prints what the bot said in the room without answering
// anyone (a new task, an application), once each, so that the console shows
// what the team room hears.
func (s *session) announcements(roomID id.RoomID) {
	if s.shown == nil {
		s.shown = map[id.EventID]bool{}
	}
	for _, n := range s.clients[s.as].Notices(roomID) {
		if n.ReplyTo != "" || s.shown[n.EventID] {
			continue
		}
		s.shown[n.EventID] = true
		fmt.Fprintf(s.out, "engelbot (to the room): %s\n", strings.ReplaceAll(n.Body, "\n", "\n          "))
	}
}
