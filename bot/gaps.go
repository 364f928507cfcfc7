package bot

import (
	"context"
	"slices"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// A sync carries at most a room's newest events (the filter's timeline
// limit) and says "limited" when more arrived — after the bot was away,
// or in a burst. The missing ones are fetched page by page with /messages,
// backwards from where the sync's timeline starts to where the previous
// sync ended, and handled before the timeline's, in the order sent.

// gapPage is how many events one /messages request asks for.
const gapPage = 100

// maxGapEvents bounds how far back a gap is filled. Commands further back
// than this in one room would be older than anyone waits for an answer.
const maxGapEvents = 10_000

// fillGap returns the events of a room between the position to (where the
// previous sync ended) and from (where a limited timeline starts), oldest
// first. On an error it returns those it fetched before it.
func (b *Bot) fillGap(ctx context.Context, roomID id.RoomID, from, to string) ([]*event.Event, error) {
	filter := &mautrix.FilterPart{Types: []event.Type{event.EventMessage, event.EventEncrypted, event.StateMember}}
	var older []*event.Event
	for from != "" {
		if len(older) >= maxGapEvents {
			b.log.Warn().Stringer("room_id", roomID).Int("fetched", len(older)).Msg("a gap in a room's timeline is larger than the bot fills; commands before it are not seen")
			break
		}
		var page *mautrix.RespMessages
		err := b.retry(ctx, 5*time.Minute, func(ctx context.Context) error {
			var err error
			page, err = b.client.Messages(ctx, roomID, from, to, mautrix.DirectionBackward, filter, gapPage)
			return err
		})
		if err != nil {
			slices.Reverse(older)
			return older, err
		}
		older = append(older, page.Chunk...)
		if len(page.Chunk) == 0 || page.End == "" || page.End == from {
			break
		}
		from = page.End
	}
	slices.Reverse(older)
	b.log.Info().Stringer("room_id", roomID).Int("events", len(older)).Msg("filled a gap in a room's timeline")
	return older, nil
}
