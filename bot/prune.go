package bot

import (
	"context"
	"time"
)

// pruneEvery is how often the bot forgets the records of commands handled
// longer than rememberFor ago.
const pruneEvery = 6 * time.Hour

// pruneLoop keeps the bot's database from growing with every command: the
// ledger holds the lasting record of what a command did; the database
// needs a command only while it might be delivered again.
func (b *Bot) pruneLoop(ctx context.Context) {
	for {
		b.prune(ctx)
		if sleep(ctx, pruneEvery) != nil {
			return
		}
	}
}

func (b *Bot) prune(ctx context.Context) {
	n, err := b.db.Forget(ctx, b.now().Add(-rememberFor))
	if err != nil {
		b.log.Warn().Err(err).Msg("cannot forget old handled commands; trying again later")
		return
	}
	if n > 0 {
		b.log.Info().Int("forgotten", n).Msg("forgot the records of commands handled long ago")
	}
}
