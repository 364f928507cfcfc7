//go:build goolm

package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/id"
)

// secretCrossSigning names the bot's cross-signing seeds in the crypto
// store's secrets table, where they are encrypted with the pickle key.
// They never leave the database and are never logged.
const secretCrossSigning = id.Secret("engelbot.cross_signing_seeds")

// crossSign gives the bot's account cross-signing keys on the first start
// and signs its device with them, so that a person who verifies the bot
// once trusts its device (and Element shows no warning on its messages).
// The seeds are kept in the database; later starts load them, publish
// them again if the homeserver lost them, and sign the device again.
func (b *Bot) crossSign(ctx context.Context) error {
	mach := b.e2ee.mach
	store, ok := mach.CryptoStore.(*crypto.SQLCryptoStore)
	if !ok {
		return nil
	}
	kept, err := store.GetSecret(ctx, secretCrossSigning)
	if err != nil {
		return fmt.Errorf("encryption: reading the bot's cross-signing keys: %w", err)
	}
	var keys *crypto.CrossSigningKeysCache
	if kept != "" {
		var seeds crypto.CrossSigningSeeds
		if err := json.Unmarshal([]byte(kept), &seeds); err != nil {
			return fmt.Errorf("encryption: the bot's cross-signing keys in the database are damaged: %w", err)
		}
		decoded, err := seeds.Decode()
		if err != nil {
			return fmt.Errorf("encryption: the bot's cross-signing keys in the database are damaged: %w", err)
		}
		keys = &decoded
	} else {
		if keys, err = mach.GenerateCrossSigningKeys(); err != nil {
			return fmt.Errorf("encryption: making cross-signing keys: %w", err)
		}
		seeds, err := json.Marshal(keys.Seeds())
		if err != nil {
			return err
		}
		// Kept before they are published: keys published but lost would
		// leave the account with a master key nobody holds.
		if err := store.PutSecret(ctx, secretCrossSigning, string(seeds)); err != nil {
			return fmt.Errorf("encryption: keeping the bot's cross-signing keys: %w", err)
		}
	}
	published, err := mach.GetOwnCrossSigningPublicKeys(ctx)
	if err != nil || published == nil || published.MasterKey != keys.MasterKey.PublicKey() {
		if b.cfg.Password == "" {
			b.log.Warn().Msg("encryption: the bot's cross-signing keys are not on the homeserver and publishing them needs " +
				"the bot's password (bot.password); its device stays unverifiable until then")
			return nil
		}
		if err := mach.PublishCrossSigningKeys(ctx, keys, b.passwordAuth); err != nil {
			b.log.Warn().Err(err).Msg("encryption: cannot publish the bot's cross-signing keys; its device stays unverifiable until a restart does")
			return nil
		}
		b.log.Info().Str("master_key", keys.MasterKey.PublicKey().String()).Msg("encryption: published the bot's cross-signing keys")
	} else if err := mach.ImportCrossSigningKeys(keys.Seeds()); err != nil {
		return fmt.Errorf("encryption: loading the bot's cross-signing keys: %w", err)
	}
	if err := mach.SignOwnDevice(ctx, mach.OwnIdentity()); err != nil {
		b.log.Warn().Err(err).Msg("encryption: cannot sign the bot's device with its cross-signing key")
	}
	return nil
}

// passwordAuth answers the homeserver's request for the bot's password
// before it accepts cross-signing keys.
func (b *Bot) passwordAuth(uia *mautrix.RespUserInteractive) any {
	localpart, _, _ := strings.Cut(strings.TrimPrefix(b.cfg.UserID, "@"), ":")
	return &mautrix.ReqUIAuthLogin{
		BaseAuthData: mautrix.BaseAuthData{Type: mautrix.AuthTypePassword, Session: uia.Session},
		User:         localpart, Password: b.cfg.Password,
	}
}
