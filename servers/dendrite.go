package servers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/synapseadmin"
)

// ErrUserExists is returned by Register when the localpart is taken.
var ErrUserExists = errors.New("servers: user already exists")

// Dendrite is a running Dendrite homeserver on 127.0.0.1.
type Dendrite struct {
	URL        string // base URL of the client API, http://127.0.0.1:port
	ServerName string // the server name in user IDs (@user:ServerName)
	Dir        string // data folder: config, keys, databases, dendrite.log
	// FederationURL is where other homeservers reach it,
	// https://127.0.0.1:port; empty when it does not federate.
	FederationURL string

	proc         *process
	sharedSecret string
}

// StartDendrite configures a homeserver in dir, which must be new or
// empty, and starts it on a free port, returning once it answers; its output goes to
// dir/dendrite.log and, if logw is not nil, to logw. It does not federate.
func StartDendrite(ctx context.Context, dir, serverName string, logw io.Writer) (*Dendrite, error) {
	return startDendrite(ctx, dir, serverName, 0, logw)
}

// StartFederatingDendrite starts a homeserver like StartDendrite that also
// talks to other homeservers over federation, so that a test can have
// users of two servers meet. Its server name is 127.0.0.1:<port> of its own
// federation listener (HTTPS with a self-signed certificate), which other
// homeservers reach without DNS; for the same reason it accepts theirs
// without checking certificates. It is for loopback tests only.
func StartFederatingDendrite(ctx context.Context, dir string, logw io.Writer) (*Dendrite, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	return startDendrite(ctx, dir, "127.0.0.1:"+strconv.Itoa(port), port, logw)
}

// startDendrite starts a homeserver; with fedPort not 0 it federates, its
// federation API served over HTTPS on that port.
func startDendrite(ctx context.Context, dir, serverName string, fedPort int, logw io.Writer) (*Dendrite, error) {
	bins := map[string]string{}
	for _, name := range []string{"dendrite", "generate-keys", "generate-config"} {
		path, err := binary(name)
		if err != nil {
			return nil, err
		}
		bins[name] = path
	}
	dir, err := freshDir(dir)
	if err != nil {
		return nil, err
	}
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
		return nil, fmt.Errorf("servers: dendrite folder: %w", err)
	}
	logPath := filepath.Join(dir, "dendrite.log")
	env := os.Environ()

	keyPath := filepath.Join(dir, "matrix_key.pem")
	keyArgs := []string{"--private-key", keyPath}
	certPath, tlsKeyPath := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	if fedPort != 0 {
		// Peers do not check it (see patchDendriteConfig); the smallest
		// key generate-keys makes in reasonable time is enough.
		keyArgs = append(keyArgs, "--tls-cert", certPath, "--tls-key", tlsKeyPath, "--keysize", "2048")
	}
	if _, err := runTool(ctx, bins["generate-keys"], keyArgs, dir, env, logPath); err != nil {
		return nil, err
	}
	// generate-config prints the YAML; its -ci preset gives SQLite files
	// under data/, in-memory JetStream, no rate limits and cheap bcrypt.
	raw, err := runTool(ctx, bins["generate-config"], []string{"-ci", "-dir", filepath.Join(dir, "data"), "-server", serverName}, dir, env, logPath)
	if err != nil {
		return nil, err
	}
	secret, err := randomHex(24)
	if err != nil {
		return nil, err
	}
	config, err := patchDendriteConfig(raw, keyPath, secret, fedPort != 0)
	if err != nil {
		return nil, err
	}
	configPath := filepath.Join(dir, "dendrite.yaml")
	if err := os.WriteFile(configPath, config, 0o600); err != nil {
		return nil, fmt.Errorf("servers: write dendrite config: %w", err)
	}

	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	args := []string{"--config", configPath, "--http-bind-address", addr}
	fedAddr := "127.0.0.1:" + strconv.Itoa(fedPort)
	if fedPort != 0 {
		args = append(args, "--https-bind-address", fedAddr, "--tls-cert", certPath, "--tls-key", tlsKeyPath)
	}
	proc, err := startProcess("dendrite", bins["dendrite"], args, dir, env, logPath, logw)
	if err != nil {
		return nil, err
	}
	d := &Dendrite{URL: "http://" + addr, ServerName: serverName, Dir: dir, proc: proc, sharedSecret: secret}
	ready := []string{d.URL + "/_matrix/client/versions"}
	if fedPort != 0 {
		d.FederationURL = "https://" + fedAddr
		// The listeners start side by side: a peer's first request must
		// not find the federation one closed.
		ready = append(ready, d.FederationURL+"/_matrix/federation/v1/version")
	}
	for _, url := range ready {
		if err := proc.waitReady(ctx, url); err != nil {
			_ = proc.stop()
			return nil, err
		}
	}
	return d, nil
}

// Register creates a user through the shared-secret registration endpoint
// (as Synapse offers it) and returns the full user ID. A taken localpart is
// an error wrapping ErrUserExists. Passwords need at least 8 characters.
func (d *Dendrite) Register(ctx context.Context, localpart, password string, admin bool) (string, error) {
	cli, err := mautrix.NewClient(d.URL, "", "")
	if err != nil {
		return "", fmt.Errorf("servers: matrix client: %w", err)
	}
	adm := synapseadmin.Client{Client: cli}
	resp, err := adm.SharedSecretRegister(ctx, d.sharedSecret, synapseadmin.ReqSharedSecretRegister{
		Username: localpart,
		Password: password,
		Admin:    admin,
	})
	if errors.Is(err, mautrix.MUserInUse) {
		return "", fmt.Errorf("%w: @%s:%s", ErrUserExists, localpart, d.ServerName)
	}
	if err != nil {
		return "", fmt.Errorf("servers: register @%s:%s: %w", localpart, d.ServerName, err)
	}
	return resp.UserID.String(), nil
}

// PID is the process ID of the running homeserver.
func (d *Dendrite) PID() int { return d.proc.pid() }

// Stop ends the homeserver and every process it started, and waits for it.
// The data folder is left as it is.
func (d *Dendrite) Stop() error { return d.proc.stop() }

// randomHex returns n random bytes as hex, for secrets and passwords.
func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("servers: random: %w", err)
	}
	return hex.EncodeToString(b), nil
}
