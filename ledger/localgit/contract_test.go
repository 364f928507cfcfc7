package localgit

import (
	"context"
	"sync/atomic"
	"testing"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) ledger.Store {
		s, _ := newRepo(t)
		return s
	})
}

// TestContractAcrossHandles runs the contract with every commit sent, in
// turn, through one of two Stores opened on the same repository: two
// processes, as far as the branch is concerned, since they share no mutex.
func TestContractAcrossHandles(t *testing.T) {
	storetest.Run(t, func(t *testing.T) ledger.Store {
		first, path := newRepo(t)
		second, err := Open(path, "main")
		if err != nil {
			t.Fatalf("Open a second handle: %v", err)
		}
		return &alternating{stores: [2]*Store{first, second}}
	})
}

// alternating sends each call to the next of two stores.
type alternating struct {
	stores [2]*Store
	next   atomic.Uint32
}

func (a *alternating) pick() *Store { return a.stores[a.next.Add(1)%2] }

func (a *alternating) Head(ctx context.Context) (string, error) { return a.pick().Head(ctx) }

func (a *alternating) Tree(ctx context.Context, commit string) (ledger.Tree, error) {
	return a.pick().Tree(ctx, commit)
}

func (a *alternating) ReadFile(ctx context.Context, path string) (ledger.File, error) {
	return a.pick().ReadFile(ctx, path)
}

func (a *alternating) Commit(ctx context.Context, c ledger.Commit) (ledger.CommitResult, error) {
	return a.pick().Commit(ctx, c)
}

func (a *alternating) History(ctx context.Context, fn func(ledger.CommitInfo) bool) error {
	return a.pick().History(ctx, fn)
}
