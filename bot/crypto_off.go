//go:build !goolm

package bot

import (
	"context"
	"errors"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
)

// Without the goolm build tag the binary has no end-to-end encryption:
// mautrix's crypto needs either that tag (pure Go) or the C library
// libolm, which Engelbot does not use. Such a binary starts only with
// encryption turned off in its configuration.

// errNoEncryption is why a binary built without the tag does not start
// when its configuration asks for encryption.
var errNoEncryption = errors.New("this Engelbot was built without end-to-end encryption (the goolm build tag): " +
	"build it with `make build` (go build -tags goolm), or set encryption.enabled: false to run without it " +
	"(it then cannot read anything in encrypted rooms)")

type e2ee struct{}

// canEncrypt refuses a configuration asking for encryption, before the
// bot reaches out to anything.
func (b *Bot) canEncrypt() error {
	if b.cfg.Encryption {
		return errNoEncryption
	}
	return nil
}

func (b *Bot) startEncryption(context.Context) error { return b.canEncrypt() }

func (b *Bot) cryptoSync(context.Context, *mautrix.RespSync, string) {}

func (b *Bot) cryptoState(context.Context, *event.Event) {}

func (b *Bot) decrypted(context.Context, *event.Event) (*event.Event, bool, error) {
	return nil, false, nil
}

func (b *Bot) resumeUndecrypted(context.Context) error { return nil }
