package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/format"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/toolbox"
)

// The Matrix side of !setup_rooms: the toolbox says which rooms the
// community has (toolbox.RoomSpec); the bot creates the missing ones on the
// homeserver, or adopts the one an alias already names, and from then on
// knows each by its kind.

var _ toolbox.Rooms = (*Bot)(nil)

// setupBudget bounds the retries of one homeserver request while setting
// up a room; the admin waits for the answer.
const setupBudget = time.Minute

// fullPower is the power level of the bot and the people who set up a room:
// a room's highest.
const fullPower = 100

// EnsureRoom creates the room spec describes, or adopts the room its alias
// names already, and learns its kind. It is the bot's side of
// toolbox.Rooms.
func (b *Bot) EnsureRoom(ctx context.Context, spec toolbox.RoomSpec) toolbox.RoomResult {
	log := b.log.With().Str("alias", spec.Alias).Logger()
	alias := id.RoomAlias(spec.Alias)
	roomID, err := b.resolveAlias(ctx, alias)
	if err == nil {
		return b.adopt(ctx, roomID, spec)
	}
	if !errors.Is(err, mautrix.MNotFound) {
		log.Warn().Err(err).Msg("cannot look up a community room's alias")
		return failed("the homeserver did not answer when I looked its alias up; please try again in a few minutes")
	}
	roomID, err = b.createRoom(ctx, spec)
	if errors.Is(err, mautrix.MRoomInUse) {
		// The alias was taken meanwhile: by someone else, or by an earlier
		// attempt of this request whose answer was lost. Either way the
		// room is there to adopt, not to duplicate.
		if roomID, err = b.resolveAlias(ctx, alias); err == nil {
			return b.adopt(ctx, roomID, spec)
		}
	}
	if err != nil {
		log.Warn().Err(err).Msg("cannot create a community room")
		return failed(fmt.Sprintf("the homeserver refused to create it (%s); the log says more", errCode(err)))
	}
	b.rooms.learn(roomID, spec.Room, spec.Alias)
	log.Info().Stringer("room_id", roomID).Msg("created a community room")
	return toolbox.RoomResult{Done: toolbox.RoomCreated}
}

// AliasOf is how owners find the community's room of a kind, as the bot
// knows it: the configuration's alias, else the canonical alias of the
// room learnt under it, else the configured room ID; "" when the bot knows
// no such room. It is the toolbox's way to name the right room.
func (b *Bot) AliasOf(room toolbox.Room) string { return b.rooms.aliasOf(room) }

// createRoom creates an invite-only room outside the room directory, with
// its alias, name and topic, its history visible to its members, and the
// bot and spec.Invite at full power.
func (b *Bot) createRoom(ctx context.Context, spec toolbox.RoomSpec) (id.RoomID, error) {
	local, _, _ := strings.Cut(strings.TrimPrefix(spec.Alias, "#"), ":")
	users := map[id.UserID]int{b.client.UserID: fullPower}
	var invite []id.UserID
	for _, u := range spec.Invite {
		if id.UserID(u) == b.client.UserID {
			continue
		}
		users[id.UserID(u)] = fullPower
		invite = append(invite, id.UserID(u))
	}
	empty := ""
	req := &mautrix.ReqCreateRoom{
		Visibility: "private", Preset: "private_chat",
		RoomAliasName: local, Name: spec.Name, Topic: spec.Topic, Invite: invite,
		// Replaces the creator-only users map of the preset: the admin
		// and the founder run the room with the bot.
		PowerLevelOverride: &event.PowerLevelsEventContent{Users: users},
		InitialState: []*event.Event{
			{Type: event.StateHistoryVisibility, StateKey: &empty, Content: event.Content{
				Parsed: &event.HistoryVisibilityEventContent{HistoryVisibility: event.HistoryVisibilityShared}}},
			{Type: event.StateGuestAccess, StateKey: &empty, Content: event.Content{
				Parsed: &event.GuestAccessEventContent{GuestAccess: event.GuestAccessForbidden}}},
		},
	}
	var resp *mautrix.RespCreateRoom
	err := b.retry(ctx, setupBudget, func(ctx context.Context) error {
		var err error
		resp, err = b.client.CreateRoom(ctx, req)
		return err
	})
	if err != nil {
		return "", err
	}
	return resp.RoomID, nil
}

// adopt takes on a room that has its alias already, if the bot, the
// founder or an admin made it (or the configuration names it): the bot
// joins it (a no-op when it is in it), learns its kind, and notes what an
// admin should know: that the configuration says otherwise, that the bot
// cannot remove messages there, or that anyone may join it.
func (b *Bot) adopt(ctx context.Context, roomID id.RoomID, spec toolbox.RoomSpec) toolbox.RoomResult {
	log := b.log.With().Str("alias", spec.Alias).Stringer("room_id", roomID).Logger()
	if !b.rooms.isConfigured(roomID) {
		v, err := b.vet(ctx, roomID)
		switch {
		case errors.Is(err, errJoin):
			return b.cannotJoin(log, err)
		case err != nil:
			log.Warn().Err(err).Msg("cannot tell who made a community room that exists already")
			if kind, _ := classify(err); kind != failPermanent {
				return failed("it exists, but the homeserver did not answer when I looked at who made it; please try again in a few minutes")
			}
			return failed(fmt.Sprintf("it exists, but I cannot tell who made it (%s), so I do not take it for the community's room; the log says more", errCode(err)))
		case v.stranger != "":
			log.Warn().Stringer("creator", v.stranger).Msg("not adopting a room under a community alias that someone else made")
			return failed(fmt.Sprintf("it exists, but it was made by %s, who is neither Engelbot, the founder nor an admin, so I do not take it for the community's room: "+
				"an admin removes the alias `%s` from that room, then runs `!setup_rooms` again", format.SafeMarkdownCode(v.stranger), spec.Alias))
		}
	}
	err := b.retry(ctx, setupBudget, func(ctx context.Context) error {
		_, err := b.client.JoinRoomByID(ctx, roomID)
		return err
	})
	if err != nil {
		return b.cannotJoin(log, err)
	}
	var notes []string
	if got := b.rooms.learn(roomID, spec.Room, spec.Alias); got != spec.Room {
		notes = append(notes, fmt.Sprintf("the configuration's `rooms:` names it as a %s, which wins", describeRoom(got)))
	}
	var pl event.PowerLevelsEventContent
	if err := b.retry(ctx, setupBudget, func(ctx context.Context) error {
		return b.client.StateEvent(ctx, roomID, event.StatePowerLevels, "", &pl)
	}); err != nil {
		log.Warn().Err(err).Msg("cannot read a community room's power levels")
	} else if mine, need := pl.GetUserLevel(b.client.UserID), pl.Redact(); mine < need {
		notes = append(notes, fmt.Sprintf("I cannot remove messages there (that needs power %d, I have %d): give `%s` power %d in it", need, mine, b.client.UserID, need))
	}
	var rules event.JoinRulesEventContent
	if err := b.retry(ctx, setupBudget, func(ctx context.Context) error {
		return b.client.StateEvent(ctx, roomID, event.StateJoinRules, "", &rules)
	}); err == nil && rules.JoinRule == event.JoinRulePublic {
		notes = append(notes, "anyone on the homeserver can join it; make it invite-only in its settings if it should not be open")
	}
	log.Info().Msg("adopted a community room")
	return toolbox.RoomResult{Done: toolbox.RoomAdopted, Note: strings.Join(notes, "; ")}
}

// cannotJoin is the answer for a room the bot could not join.
func (b *Bot) cannotJoin(log zerolog.Logger, err error) toolbox.RoomResult {
	log.Warn().Err(err).Msg("cannot join a community room that exists already")
	if kind, _ := classify(err); kind != failPermanent {
		return failed("it exists, but the homeserver did not answer when I tried to join it; please try again in a few minutes")
	}
	return failed(fmt.Sprintf("it exists, but I am not in it and cannot join it: invite `%s` to it, then run `!setup_rooms` again", b.client.UserID))
}

func failed(why string) toolbox.RoomResult {
	return toolbox.RoomResult{Done: toolbox.RoomFailed, Note: why}
}

// describeRoom names a room's kind, with its team.
func describeRoom(r toolbox.Room) string {
	if r.Kind == toolbox.RoomTeam {
		return "team room of " + r.Team
	}
	return r.Kind.String()
}

// errCode is a Matrix error's code, or a word for an error without one.
func errCode(err error) string {
	var httpErr mautrix.HTTPError
	if errors.As(err, &httpErr) && httpErr.RespError != nil && httpErr.RespError.ErrCode != "" {
		return httpErr.RespError.ErrCode
	}
	return "no answer"
}
