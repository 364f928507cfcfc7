//go:build !goolm

package chat

import (
	"context"
	"errors"

	"maunium.net/go/mautrix/id"
)

// Built without the goolm tag, the client has no encryption: it cannot
// read encrypted rooms, and Encrypts says so.
type encryption struct{}

// Encrypts says whether this client encrypts and decrypts.
func (c *Client) Encrypts() bool { return false }

func (c *Client) startEncryption(context.Context) error { return nil }

func (c *Client) stopEncryption() {}

// DeviceID is the device this client logged in as.
func (c *Client) DeviceID() id.DeviceID { return c.mx.DeviceID }

// TrustsDevice needs encryption, which this build lacks.
func (c *Client) TrustsDevice(context.Context, id.UserID, id.DeviceID) (id.TrustState, error) {
	return id.TrustStateUnset, errors.New("built without encryption (the goolm build tag)")
}

// AwaitEncrypted needs encryption, which this build lacks.
func (c *Client) AwaitEncrypted(context.Context, id.RoomID) error {
	return errors.New("built without encryption (the goolm build tag)")
}
