// Package demo builds a small SmartupOS community on a real local Matrix
// homeserver: a Dendrite, the bot's account, a founder, a captain, workers,
// rooms and a ledger built by command. `engelbot-demo demo` runs it for a person to try;
// the end-to-end tests run the same world.
//
// It never runs against a real community's homeserver or ledger: it starts
// its own.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/chat"
	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/servers"
)

// ServerName is the demo homeserver's name.
const ServerName = "smartup.test"

// BotName is the bot's Matrix localpart.
const BotName = "engelbot"

// World is a running demo community.
type World struct {
	Homeserver string            `json:"homeserver"`
	Bot        Person            `json:"bot"`
	People     []Person          `json:"people"`
	Rooms      map[string]string `json:"rooms"` // "team", "other_team", "forum" → room ID
	// Tasks are the tasks the extra workers (w01, w02, …) attack, as Build
	// made them.
	Tasks map[string]string `json:"tasks,omitempty"`

	dendrite *servers.Dendrite
}

// Room names of the world.
const (
	RoomTeam      = "team"
	RoomOtherTeam = "other_team"
	RoomForum     = "forum"
)

// Start starts a Dendrite in dir, registers the bot and people with the
// passwords password gives, and creates the rooms (public, so people join
// by themselves; the bot is invited, as it would be in a real community).
func Start(ctx context.Context, dir string, people []Person, password func(name string) string, logw io.Writer) (w *World, err error) {
	d, err := servers.StartDendrite(ctx, filepath.Join(dir, "dendrite"), ServerName, logw)
	if err != nil {
		return nil, err
	}
	return populate(ctx, d, people, password)
}

// populate registers the bot and people on a running homeserver and
// creates the rooms; on failure it stops the homeserver.
func populate(ctx context.Context, d *servers.Dendrite, people []Person, password func(name string) string) (w *World, err error) {
	w = &World{Homeserver: d.URL, Rooms: map[string]string{}, dendrite: d}
	defer func() {
		if err != nil {
			_ = d.Stop()
		}
	}()
	w.Bot = Person{Name: BotName, Password: password(BotName)}
	if w.Bot.UserID, err = d.Register(ctx, BotName, w.Bot.Password, false); err != nil {
		return nil, err
	}
	for _, p := range people {
		p.Password = password(p.Name)
		if p.UserID, err = d.Register(ctx, p.Name, p.Password, false); err != nil {
			return nil, err
		}
		w.People = append(w.People, p)
	}
	if err := w.createRooms(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *World) createRooms(ctx context.Context) error {
	founder := w.People[0]
	c, err := chat.Login(ctx, w.Homeserver, founder.UserID, founder.Password)
	if err != nil {
		return err
	}
	defer c.Close()
	for _, r := range []struct{ key, alias, name string }{
		{RoomTeam, Team, "Operational team"},
		{RoomOtherTeam, OtherTeam, "Developer team"},
		{RoomForum, "1_general_forum", "General forum"},
	} {
		resp, err := c.Matrix().CreateRoom(ctx, &mautrix.ReqCreateRoom{
			Preset: "public_chat", Name: r.name, RoomAliasName: r.alias,
			Invite: []id.UserID{id.UserID(w.Bot.UserID)},
		})
		if err != nil {
			return fmt.Errorf("creating the %s room: %w", r.key, err)
		}
		w.Rooms[r.key] = string(resp.RoomID)
	}
	return nil
}

// Offline is the demo's people with their Matrix IDs on the demo's
// server name and no homeserver: enough to build the community on a
// ledger by its commands (Build) without starting Dendrite.
func Offline(extraWorkers int) *World {
	w := &World{}
	for _, p := range People(extraWorkers) {
		p.UserID = "@" + p.Name + ":" + ServerName
		w.People = append(w.People, p)
	}
	return w
}

// Person returns a person of the world by name.
func (w *World) Person(name string) (Person, bool) {
	for _, p := range w.People {
		if p.Name == name {
			return p, true
		}
	}
	return Person{}, false
}

// Login logs a person in and joins them to the shared rooms.
func (w *World) Login(ctx context.Context, name string) (*chat.Client, error) {
	p, ok := w.Person(name)
	if !ok {
		return nil, fmt.Errorf("nobody called %q in the demo", name)
	}
	c, err := chat.Login(ctx, w.Homeserver, p.UserID, p.Password)
	if err != nil {
		return nil, err
	}
	for _, roomID := range w.Rooms {
		if _, err := c.Matrix().JoinRoomByID(ctx, id.RoomID(roomID)); err != nil {
			c.Close()
			return nil, fmt.Errorf("%s joining %s: %w", name, roomID, err)
		}
	}
	return c, nil
}

// DirectChat opens a direct chat between a person and the bot as Element
// does (encrypted from the start, marked direct on the invite) and waits
// until the bot has joined it.
func DirectChat(ctx context.Context, c *chat.Client, botUserID string) (id.RoomID, error) {
	resp, err := c.Matrix().CreateRoom(ctx, &mautrix.ReqCreateRoom{
		Preset: "trusted_private_chat", IsDirect: true, Invite: []id.UserID{id.UserID(botUserID)},
		InitialState: []*event.Event{{
			Type: event.StateEncryption, StateKey: new(""),
			Content: event.Content{Parsed: &event.EncryptionEventContent{Algorithm: id.AlgorithmMegolmV1}},
		}},
	})
	if err != nil {
		return "", err
	}
	if err := awaitMember(ctx, c.Matrix(), resp.RoomID, id.UserID(botUserID)); err != nil {
		return "", err
	}
	return resp.RoomID, nil
}

// awaitMember waits until user has joined room, polling the member list.
func awaitMember(ctx context.Context, mx *mautrix.Client, roomID id.RoomID, user id.UserID) error {
	for {
		members, err := mx.JoinedMembers(ctx, roomID)
		if err == nil {
			if _, ok := members.Joined[user]; ok {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s did not join %s: %w", user, roomID, ctx.Err())
		case <-after(ctx):
		}
	}
}

// AwaitBotJoined waits until the bot has joined every room of the world.
func (w *World) AwaitBotJoined(ctx context.Context, c *chat.Client) error {
	for _, roomID := range w.Rooms {
		if err := awaitMember(ctx, c.Matrix(), id.RoomID(roomID), id.UserID(w.Bot.UserID)); err != nil {
			return err
		}
	}
	return nil
}

// Config is a configuration for the bot in this world; the caller fills in
// the ledger settings.
func (w *World) Config(dir string) *config.Config {
	rooms := map[string]config.Room{
		w.Rooms[RoomTeam]:      {Kind: "team", Team: Team},
		w.Rooms[RoomOtherTeam]: {Kind: "team", Team: OtherTeam},
		w.Rooms[RoomForum]:     {Kind: "forum"},
	}
	founder, _ := w.Person("alice")
	return &config.Config{
		Homeserver: config.Homeserver{URL: w.Homeserver, ServerName: id.UserID(w.Bot.UserID).Homeserver()},
		Bot:        config.Bot{UserID: w.Bot.UserID, Password: w.Bot.Password, DeviceID: "ENGELBOT", DisplayName: "Engelbot"},
		Database:   filepath.Join(dir, "engelbot.db"),
		Ledger:     config.Ledger{Backend: "local", Branch: "main", Local: config.Local{Path: filepath.Join(dir, "ledger.git")}},
		// The identity mapping in a repository of its own, as in production,
		// so that !add_owner with a real name works in the demo too.
		Identity: config.Ledger{Backend: "local", Branch: "main", Local: config.Local{Path: filepath.Join(dir, "identity.git")}},
		Rooms:    rooms,
		Founder:  founder.UserID,
		Jobs:     config.Jobs{Interval: time.Minute},
		Log:      config.Log{Level: "info", Format: "json"},
	}
}

// Save writes the world's description (homeserver, people, passwords,
// rooms) for `engelbot-demo chat`.
func (w *World) Save(path string) error {
	data, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}

// LoadWorld reads a description written by Save.
func LoadWorld(path string) (*World, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	w := &World{}
	return w, json.Unmarshal(data, w)
}

// Stop stops the homeserver.
func (w *World) Stop() error {
	if w.dendrite == nil {
		return nil
	}
	return w.dendrite.Stop()
}
