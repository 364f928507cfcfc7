package app

import (
	"context"
	"time"
)

// runJobs does the scheduled work (finalizing lazy consensus, SK decay)
// until ctx ends: once the bot has caught up with what arrived while it was
// down, so that work that fell due meanwhile is done at once, but after the
// objections sent in time; then every interval. A job's own rules make a
// second run for the same task or month write nothing.
func (a *App) runJobs(ctx context.Context) {
	log := a.log.With().Str("component", "jobs").Logger()
	select {
	case <-a.Bot.CaughtUp():
	case <-ctx.Done():
		return
	}
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
				a.publishSoon()
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// publishSoon asks the scheduled publishing to publish now: a job awarded
// SC or decayed SK, which the site shows. Asks made while one is pending
// are one publish.
func (a *App) publishSoon() {
	select {
	case a.published <- struct{}{}:
	default:
	}
}

// runPublishing publishes the ledger's public pages to the site
// repository at the start, every public.interval, and right after a
// scheduled job changed the books, until ctx ends. Nothing runs without a
// site repository or with the schedule off; !publish works either way.
func (a *App) runPublishing(ctx context.Context) {
	if a.site == nil || a.public.Interval.Off() {
		return
	}
	log := a.log.With().Str("component", "publish").Logger()
	tick := time.NewTicker(a.public.Interval.D)
	defer tick.Stop()
	why := "start"
	for {
		res, err := a.site.publish(ctx)
		if ctx.Err() != nil {
			return
		}
		logPublish(log, why, res, err)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			why = "schedule"
		case <-a.published:
			why = "after a scheduled job"
		}
	}
}
