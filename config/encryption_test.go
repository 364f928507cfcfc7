package config

import (
	"os"
	"strings"
	"testing"
)

// Encryption is on unless the file turns it off, and its pickle key may
// come from the environment.
func TestEncryptionIsOnByDefault(t *testing.T) {
	base, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvPassword, "a-password")
	t.Setenv(EnvForgeToken, "a-token")
	t.Setenv(EnvIdentityToken, "an-identity-token")
	without := strings.Replace(string(base), "encryption:\n  enabled: true\n", "encryption:\n", 1)
	if without == string(base) {
		t.Fatal("the example has no encryption section to take the switch out of")
	}
	for _, tc := range []struct {
		name, yaml string
		on         bool
	}{
		{"the example", string(base), true},
		{"no switch", without, true},
		{"switched off", strings.Replace(string(base), "  enabled: true", "  enabled: false", 1), false},
	} {
		cfg, err := Parse([]byte(tc.yaml))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if cfg.Encryption.On() != tc.on {
			t.Errorf("%s: encryption on = %v, want %v", tc.name, cfg.Encryption.On(), tc.on)
		}
	}
	t.Setenv(EnvPickleKey, "a-pickle-key")
	cfg, err := Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Encryption.PickleKey != "a-pickle-key" {
		t.Errorf("the pickle key from the environment was not used")
	}
}
