//go:build goolm

package chat

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"maunium.net/go/mautrix/crypto/cryptohelper"
	"maunium.net/go/mautrix/id"
)

// encryption is the client's end-to-end encryption, as Element has it:
// mautrix's crypto helper with its keys in an SQLite file of a folder of
// its own, which Close removes (each login is a new device).
type encryption struct {
	helper *cryptohelper.CryptoHelper
	dir    string
}

// Encrypts says whether this client encrypts and decrypts.
func (c *Client) Encrypts() bool { return c.crypto != nil }

func (c *Client) startEncryption(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "engelbot-chat-")
	if err != nil {
		return err
	}
	// The pickle key guards keys in a throwaway file: any value does.
	helper, err := cryptohelper.NewCryptoHelper(c.mx, []byte("engelbot-chat"), filepath.Join(dir, "crypto.db"))
	if err == nil {
		err = helper.Init(ctx)
	}
	if err != nil {
		_ = os.RemoveAll(dir)
		return fmt.Errorf("encryption for %s: %w", c.mx.UserID, err)
	}
	c.mx.Crypto = helper
	c.crypto = &encryption{helper: helper, dir: dir}
	return nil
}

func (c *Client) stopEncryption() {
	if c.crypto == nil {
		return
	}
	_ = c.crypto.helper.Close()
	_ = os.RemoveAll(c.crypto.dir)
}

// DeviceID is the device this client logged in as.
func (c *Client) DeviceID() id.DeviceID { return c.mx.DeviceID }

// TrustsDevice says whether this client's crypto trusts another user's
// device, as Element's shield shows it: cross-signed by its owner, whose
// master key this client has seen.
func (c *Client) TrustsDevice(ctx context.Context, userID id.UserID, deviceID id.DeviceID) (id.TrustState, error) {
	if c.crypto == nil {
		return id.TrustStateUnset, fmt.Errorf("built without encryption")
	}
	mach := c.crypto.helper.Machine()
	device, err := mach.GetOrFetchDevice(ctx, userID, deviceID)
	if err != nil {
		return id.TrustStateUnset, err
	}
	return mach.ResolveTrustContext(ctx, device)
}

// AwaitEncrypted waits until this client knows a room is encrypted, so
// that what it sends there next goes out encrypted.
func (c *Client) AwaitEncrypted(ctx context.Context, roomID id.RoomID) error {
	for {
		c.mu.Lock()
		changed := c.changed
		c.mu.Unlock()
		if ok, err := c.mx.StateStore.IsEncrypted(ctx, roomID); err != nil {
			return err
		} else if ok {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("%s never saw %s become encrypted: %w", c.mx.UserID, roomID, ctx.Err())
		}
	}
}
