package ledger

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// readers bounds how many files a load or a check reads at once: enough
// to hide a forge's round trips and use every core for decoding, few
// enough to be a polite client.
const readers = 4

// safely runs fn(i), turning a panic into its error: a worker's panic
// would end the process, where no caller could answer for it.
func safely(i int, fn func(i int) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("ledger: reading file %d panicked: %v", i, r)
		}
	}()
	return fn(i)
}

// forEach calls fn(i) for i in [0, n), at most readers at a time, and
// returns every error (joined), or ctx's once it ends.
//
// After the first error the remaining indexes are not started: a load
// that failed retries from the start anyway.
func forEach(ctx context.Context, n int, fn func(i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(readers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if errs[i] = safely(i, fn); errs[i] != nil {
					cancel(errs[i])
				}
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
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return context.Cause(ctx)
}
