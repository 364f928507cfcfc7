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
			err = fmt.Errorf("ledger: a load's or a check's worker (%d) panicked: %v", i, r)
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

// all runs every fn at once and returns the first error; that error
// cancels the ctx the others were given, so that what they fail with
// after is only that.
func all(ctx context.Context, fns ...func(ctx context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var first firstError
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := safely(i, func(int) error { return fn(ctx) }); err != nil {
				first.set(err)
				cancel()
			}
		}()
	}
	wg.Wait()
	return first.err
}

// firstError keeps the first of the errors of workers that stop each
// other on failure.
type firstError struct {
	once sync.Once
	err  error
}

func (f *firstError) set(err error) { f.once.Do(func() { f.err = err }) }

// fileBytes is a file's content as a load read it, and, when the store
// sent it so, the same compressed (Blob.Deflated).
type fileBytes struct {
	data, deflated []byte
}

// packed is the file's bytes deflated: as the store sent them when that
// saves at least half, else compressed now. (A forge set to compress
// nothing sends DEFLATE's stored blocks, as large as the file.)
func (f fileBytes) packed() []byte {
	if f.deflated != nil && 2*len(f.deflated) <= len(f.data) {
		return f.deflated
	}
	return deflate(f.data)
}

// eachFile reads the files at paths (at the SHAs files lists) and calls
// fn with each one's bytes. From a fetch in progress (prefetched) it takes
// them in the order they arrive, whatever the order of paths, with at most
// readers calls of fn running at once across the whole load; from any
// other store it reads them as forEach does.
func eachFile(ctx context.Context, st Store, paths []string, files map[string]string, fn func(i int, f fileBytes) error) error {
	p, ok := st.(*prefetched)
	if !ok {
		return forEach(ctx, len(paths), func(i int) error {
			data, err := readAt(ctx, st, paths[i], files[paths[i]])
			if err != nil {
				return err
			}
			return fn(i, fileBytes{data: data})
		})
	}
	loads := make([]func(context.Context) error, len(paths))
	for i, path := range paths {
		loads[i] = func(ctx context.Context) error {
			b, fetched := p.take(ctx, files[path])
			if err := p.acquire(ctx); err != nil {
				return err
			}
			defer p.release()
			if !fetched {
				var err error
				if b.Content, err = readAt(ctx, p.Store, path, files[path]); err != nil {
					return err
				}
			}
			return fn(i, fileBytes{data: b.Content, deflated: b.Deflated})
		}
	}
	return all(ctx, loads...)
}
