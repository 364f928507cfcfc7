package app

import (
	"context"
	"time"
)

// runJobs does the scheduled work (finalizing lazy consensus, SK decay)
// until ctx ends: once at start, so that work that fell due while the bot
// was down is done at once, then every interval. A job's own rules make a
// second run for the same task or month write nothing.
func (a *App) runJobs(ctx context.Context) {
	log := a.log.With().Str("component", "jobs").Logger()
	tick := time.NewTicker(a.jobs.Interval)
	defer tick.Stop()
	for {
		for _, r := range a.Toolbox.RunJobs(ctx) {
			switch {
			case r.Err != nil && ctx.Err() != nil:
				return // stopping: the job runs again at the next start
			case r.Err != nil:
				log.Error().Err(r.Err).Str("job", r.Job).Str("key", r.Key).Msg("scheduled job failed; it will be tried again")
			case !r.Duplicate:
				log.Info().Str("job", r.Job).Str("key", r.Key).Str("result", r.Text).Msg("scheduled job done")
				a.Bot.Announce(ctx, r.Announce)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
