package app

import (
	"context"
	"errors"
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// forgeStore is a store that says whether the forge keeps it private.
type forgeStore struct {
	ledger.Store
	private bool
	err     error
}

func (s forgeStore) Private(context.Context) (bool, error) { return s.private, s.err }

func TestIdentityRepositoryMustBePrivate(t *testing.T) {
	if err := checkPrivate(t.Context(), forgeStore{private: true}, "org/identity"); err != nil {
		t.Fatalf("a private repository was refused: %v", err)
	}
	err := checkPrivate(t.Context(), forgeStore{private: false}, "org/identity")
	if err == nil || !strings.Contains(err.Error(), "org/identity is a public repository") {
		t.Fatalf("a public repository: %v", err)
	}
	if err := checkPrivate(t.Context(), forgeStore{err: errors.New("forge down")}, "org/identity"); err == nil {
		t.Fatal("a repository whose settings could not be read was accepted")
	}
}
