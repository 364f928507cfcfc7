package app

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"smartup0.org/engelbot/bot"
	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/metrics"
	"smartup0.org/engelbot/toolbox"
)

// The metrics hear the bot and the ledger through their own observers.
var (
	_ bot.Observer    = (*metrics.Metrics)(nil)
	_ ledger.Observer = (*metrics.Metrics)(nil)
)

// openMetrics starts the metrics and health listener the configuration
// asks for; nil, nil when it asks for none.
func openMetrics(cfg *config.Config) (*metrics.Metrics, *metrics.Server, error) {
	addr := cfg.Metrics.Addr()
	if addr == "" {
		return nil, nil, nil
	}
	var names []string
	for _, c := range toolbox.Commands() {
		names = append(names, c.Name)
	}
	m := metrics.New(metrics.Options{Commands: names})
	srv, err := m.Listen(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("metrics listener (metrics.listen): %w", err)
	}
	return m, srv, nil
}

// metricsCloseGrace bounds how long closing waits for a scrape in flight.
const metricsCloseGrace = 5 * time.Second

// closeMetrics stops the listener, if there is one.
func closeMetrics(srv *metrics.Server, log zerolog.Logger) {
	if srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), metricsCloseGrace)
	defer cancel()
	if err := srv.Close(ctx); err != nil {
		log.Warn().Err(err).Msg("closing the metrics listener")
	}
}
