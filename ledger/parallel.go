package ledger

import (
	"context"
	"errors"
	"sync"
)

// readers bounds how many files a load or a check reads at once: enough
// to hide a forge's round trips and use every core for decoding, few
// enough to be a polite client.
const readers = 4

// forEach calls fn(i) for i in [0, n), at most readers at a time, and
// returns every error (joined), or ctx's once it ends.
func forEach(ctx context.Context, n int, fn func(i int) error) error {
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(readers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = fn(i)
			}
		}()
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.Join(errs...)
}
