package main

import (
	"io"

	"github.com/rs/zerolog"

	"smartup0.org/engelbot/config"
)

// newLogger makes the demo bot's logger. Its lines go to the demo's log
// file, never the console's terminal, so they are always JSON.
func newLogger(c config.Log, w io.Writer) zerolog.Logger {
	level, err := zerolog.ParseLevel(c.Level)
	if err != nil {
		level = zerolog.InfoLevel
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger()
}
