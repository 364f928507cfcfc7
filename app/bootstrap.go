package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/rs/zerolog"

	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// bootstrap sets an empty ledger up with the configured founder, before
// the bot answers anyone: without a first owner nobody could ever be
// onboarded. A ledger with owners is left as it is.
func bootstrap(ctx context.Context, cfg *config.Config, l *ledger.Ledger, tb *toolbox.Toolbox, log zerolog.Logger) error {
	if cfg.Founder == "" {
		for range l.Current().ReadAt(l.Now()).Owners() {
			return nil
		}
		return errors.New("the ledger's Book of Owners is empty and no founder is configured: set `founder:` to the Matrix ID of the community's founder, who becomes its first owner")
	}
	alias := cfg.FounderAliasOrLocalpart()
	done, err := tb.Bootstrap(ctx, alias)
	if err != nil {
		return fmt.Errorf("setting up the empty ledger (founder %s; the alias comes from `founder_alias:`, or the founder's localpart): %w", cfg.Founder, err)
	}
	if done.Done {
		log.Info().Str("founder", cfg.Founder).Str("alias", alias).
			Msg("the ledger was empty: the founder is its first owner and captain of the leadership team, and the seven teams exist")
	}
	return nil
}
