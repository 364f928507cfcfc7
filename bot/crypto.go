//go:build goolm

package bot

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/crypto/cryptohelper"
	"maunium.net/go/mautrix/crypto/olm"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/bot/state"
)

// End-to-end encryption, with mautrix's crypto helper and its pure-Go olm
// (this file is built with the goolm tag; crypto_off.go without it). The
// helper's store lives in the bot's database under its own migrations.
// The bot runs its own sync loop, so it hands the machine each sync's
// to-device events, device lists and key counts itself, and decrypts each
// encrypted event in line, before the sync position moves past it.

// keyWait and keyWaitLonger are how long an encrypted command waits for its
// room key: the key usually comes in the same or the next sync; after the
// first wait the bot asks the sender's devices for it.
const (
	keyWait       = 3 * time.Second
	keyWaitLonger = 25 * time.Second
)

// e2ee is the bot's encryption: the helper, its machine, and whom it has
// told that a message could not be decrypted.
type e2ee struct {
	helper *cryptohelper.CryptoHelper
	mach   *crypto.OlmMachine

	mu   sync.Mutex
	told map[string]bool // sender + megolm session: told to resend once
}

// canEncrypt says whether this binary can do what its configuration asks:
// built with the goolm tag, it can.
func (b *Bot) canEncrypt() error { return nil }

// startEncryption sets the crypto helper up on the bot's device: its
// keys are made on the first start and loaded from the database on the
// next, and published to the homeserver when they are not there yet.
func (b *Bot) startEncryption(ctx context.Context) error {
	if !b.cfg.Encryption {
		return nil
	}
	pickle, err := b.pickleKey(ctx)
	if err != nil {
		return err
	}
	// The helper insists on a syncer it can hook into; the bot never runs
	// this one (see sync.go) and feeds the machine itself.
	b.client.Syncer = mautrix.NewDefaultSyncer()
	helper, err := cryptohelper.NewCryptoHelper(b.client, pickle, b.db.Database())
	if err != nil {
		return fmt.Errorf("encryption: %w", err)
	}
	helper.DBAccountID = b.cfg.UserID
	if err := helper.Init(ctx); err != nil {
		return fmt.Errorf("encryption: setting up the bot's device %s: %w", b.client.DeviceID, err)
	}
	mach := helper.Machine()
	keyShare := mach.AllowKeyShare
	mach.AllowKeyShare = func(ctx context.Context, device *id.Device, info event.RequestedKeyInfo) *crypto.KeyShareRejection {
		// Keys go only to the community's own users, whatever else holds.
		if serverOf(device.UserID) != b.cfg.ServerName {
			return &crypto.KeyShareRejectOtherUser
		}
		return keyShare(ctx, device, info)
	}
	b.e2ee = &e2ee{helper: helper, mach: mach, told: map[string]bool{}}
	b.client.Crypto = helper
	b.log.Info().Str("device_id", string(b.client.DeviceID)).Str("fingerprint", mach.Fingerprint()).Msg("end-to-end encryption is on")
	return b.crossSign(ctx)
}

// pickleKey is the key the helper encrypts the bot's keys with in the
// database: the configured one, or one made on the first start and kept
// in the database.
func (b *Bot) pickleKey(ctx context.Context) ([]byte, error) {
	if b.cfg.PickleKey != "" {
		return []byte(b.cfg.PickleKey), nil
	}
	kept, ok, err := b.db.Get(ctx, state.KeyPickleKey)
	if err != nil {
		return nil, err
	}
	if ok {
		return []byte(kept), nil
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	key := base64.RawStdEncoding.EncodeToString(raw)
	if err := b.db.Set(ctx, state.KeyPickleKey, key); err != nil {
		return nil, err
	}
	return []byte(key), nil
}

// cryptoSync hands a sync's to-device events (room keys, key requests),
// device list changes and key counts to the machine, before the rooms'
// events are looked at, so a key that came with its message is there.
func (b *Bot) cryptoSync(ctx context.Context, resp *mautrix.RespSync, since string) {
	if b.e2ee == nil {
		return
	}
	b.e2ee.mach.ProcessSyncResponse(ctx, resp, since)
}

// cryptoState tells the machine of a membership or history visibility
// change: a new session is made for the new set of members.
func (b *Bot) cryptoState(ctx context.Context, evt *event.Event) {
	if b.e2ee == nil {
		return
	}
	switch evt.Type {
	case event.StateMember:
		b.e2ee.mach.HandleMemberEvent(ctx, evt)
	case event.StateHistoryVisibility:
		b.e2ee.mach.HandleHistoryVisibility(ctx, evt)
	}
}

// decrypted is the plaintext event of an encrypted one, when its key is
// there. When it is not yet, the event is kept in the database and waited
// for in the background: ok is false, and the caller goes on.
func (b *Bot) decrypted(ctx context.Context, evt *event.Event) (*event.Event, bool, error) {
	if b.e2ee == nil {
		return nil, false, nil
	}
	// What could never be a command is not decrypted, nor waited for:
	// the bot's own messages, other servers' people, the history from
	// before the bot's first start.
	if evt.Sender == b.client.UserID || serverOf(evt.Sender) != b.cfg.ServerName ||
		time.UnixMilli(evt.Timestamp).Before(b.firstStart) {
		return nil, false, nil
	}
	if err := evt.Content.ParseRaw(evt.Type); err != nil {
		return nil, false, nil // not an encrypted event we understand
	}
	plain, err := b.e2ee.helper.Decrypt(ctx, evt)
	if err == nil {
		return plain, true, nil
	}
	if undecryptable(err) {
		// Told in the background: the notice's retries must not hold
		// up the sync.
		b.background.Add(1)
		go func() {
			defer b.background.Done()
			b.cannotDecrypt(ctx, evt, err)
		}()
		return nil, false, nil
	}
	// The key has not come yet, or the crypto store failed for a moment:
	// either way the command is kept and tried again after a wait, never
	// dropped.
	raw, err := json.Marshal(evt)
	if err != nil {
		return nil, false, err
	}
	if err := b.db.KeepUndecrypted(ctx, state.Undecrypted{
		EventID: string(evt.ID), RoomID: string(evt.RoomID), Sender: string(evt.Sender), Raw: string(raw),
	}); err != nil {
		return nil, false, err
	}
	b.awaitKey(ctx, evt)
	return nil, false, nil
}

// undecryptable: the event itself can never be decrypted by this device
// (malformed, meant for another room, a replayed or withheld message
// index). Anything else — no key yet, a store that failed for a moment —
// may pass, so the command is kept and tried again.
func undecryptable(err error) bool {
	for _, permanent := range []error{
		crypto.ErrIncorrectEncryptedContentType, crypto.ErrUnsupportedAlgorithm, crypto.ErrCorruptedMegolmPayload,
		crypto.ErrWrongRoom, crypto.ErrDeviceKeyMismatch, crypto.ErrDuplicateMessageIndex, olm.ErrUnknownMessageIndex,
	} {
		if errors.Is(err, permanent) {
			return true
		}
	}
	return false
}

// resumeUndecrypted waits again for the keys of encrypted commands a
// previous run was waiting for when it stopped.
func (b *Bot) resumeUndecrypted(ctx context.Context) error {
	waiting, err := b.db.Undecrypteds(ctx)
	if err != nil {
		return err
	}
	for _, u := range waiting {
		var evt event.Event
		if err := json.Unmarshal([]byte(u.Raw), &evt); err != nil || b.e2ee == nil {
			b.log.Warn().Err(err).Str("event_id", u.EventID).Msg("an encrypted command kept from the previous run cannot be read again; dropped")
			_ = b.db.DropUndecrypted(ctx, u.EventID)
			continue
		}
		if err := evt.Content.ParseRaw(evt.Type); err != nil {
			_ = b.db.DropUndecrypted(ctx, u.EventID)
			continue
		}
		b.awaitKey(ctx, &evt)
	}
	return nil
}

// awaitKey waits in the background for an encrypted command's room key,
// asking the sender's devices for it after a first wait, then handles the
// command, or tells the sender it could not be read.
func (b *Bot) awaitKey(ctx context.Context, evt *event.Event) {
	b.background.Add(1)
	go func() {
		defer b.background.Done()
		content := evt.Content.AsEncrypted()
		log := b.log.With().Stringer("event_id", evt.ID).Stringer("session_id", content.SessionID).Logger()
		mach := b.e2ee.mach
		if !mach.WaitForSession(ctx, evt.RoomID, content.SenderKey, content.SessionID, keyWait) {
			if ctx.Err() != nil {
				return // kept for the next start
			}
			log.Debug().Msg("the room key of an encrypted message has not come; asking the sender's devices for it")
			b.e2ee.helper.RequestSession(ctx, evt.RoomID, content.SenderKey, content.SessionID, evt.Sender, content.DeviceID)
			mach.WaitForSession(ctx, evt.RoomID, content.SenderKey, content.SessionID, keyWaitLonger)
			if ctx.Err() != nil {
				return
			}
		}
		plain, err := b.e2ee.helper.Decrypt(ctx, evt)
		if err != nil {
			b.cannotDecrypt(ctx, evt, err)
		} else if err := b.consider(ctx, plain); err != nil {
			log.Warn().Err(err).Msg("cannot record a command decrypted late; kept for the next start")
			return
		}
		if err := b.db.DropUndecrypted(ctx, string(evt.ID)); err != nil {
			log.Warn().Err(err).Msg("cannot forget an encrypted command once handled")
		}
	}()
}

// cannotDecrypt logs a message the bot cannot read and tells its sender,
// once per sender and session, to send it again. The notice quotes
// nothing of the message.
func (b *Bot) cannotDecrypt(ctx context.Context, evt *event.Event, why error) {
	content := evt.Content.AsEncrypted()
	log := b.log.Warn().Err(why).Stringer("event_id", evt.ID).Stringer("room_id", evt.RoomID).
		Stringer("sender", evt.Sender).Stringer("session_id", content.SessionID)
	key := string(evt.Sender) + "|" + string(content.SessionID)
	b.e2ee.mu.Lock()
	told := b.e2ee.told[key]
	b.e2ee.told[key] = true
	b.e2ee.mu.Unlock()
	if told {
		log.Msg("cannot decrypt a message; its sender was told already")
		return
	}
	log.Msg("cannot decrypt a message; asking its sender to send it again")
	notice := &event.MessageEventContent{
		MsgType: event.MsgNotice,
		Body: "I could not decrypt your message: its key did not reach my device. " +
			"Please send it again (if this keeps happening, check that your client shares keys with unverified devices, " +
			"or verify me).",
	}
	notice.SetReply(evt)
	if err := b.knowRoom(ctx, evt.RoomID); err != nil {
		b.log.Warn().Err(err).Msg("cannot tell a sender their message could not be decrypted")
		return
	}
	err := b.retry(ctx, time.Minute, func(ctx context.Context) error {
		_, err := b.client.SendMessageEvent(ctx, evt.RoomID, event.EventMessage, notice,
			// Plain, quoting nothing: the key exchange with the sender is
			// what failed, so they might not read an encrypted notice.
			mautrix.ReqSendEvent{TransactionID: "engelbot-undecryptable-" + digest(string(evt.ID)), DontEncrypt: true})
		return err
	})
	if err != nil {
		b.log.Warn().Err(err).Msg("cannot tell a sender their message could not be decrypted")
	}
}
