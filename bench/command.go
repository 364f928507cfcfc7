package bench

import (
	"context"
	"fmt"
	"sync"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// command runs one command through the toolbox as owner, in a direct chat,
// and times it. Anything but a plain success (a refusal, a failure, a
// duplicate) is an error: a benchmark of refusals would flatter the writer.
func command(ctx context.Context, tb *toolbox.Toolbox, owner int, evID, name string, args ...string) (time.Duration, error) {
	req := toolbox.Request{
		Sender: MatrixID(owner), EventID: evID, Room: toolbox.Room{Kind: toolbox.RoomDirect},
		Command: name, Args: args,
	}
	start := time.Now()
	reply := tb.Run(ctx, req)
	took := time.Since(start)
	if reply.Refused || reply.Duplicate || reply.Err != nil {
		return took, fmt.Errorf("!%s %v by %s did not succeed: %q (error: %v)", name, args, Alias(owner), reply.Text, reply.Err)
	}
	return took, nil
}

// eventID is a Matrix-like event ID, unique within a run for a tag and n.
func eventID(tag string, n int) string { return fmt.Sprintf("$%s-%d:%s", tag, n, ServerName) }

// openLedger opens a ledger on store and a toolbox over it, timing the load.
func openLedger(ctx context.Context, store ledger.Store) (*ledger.Ledger, *toolbox.Toolbox, time.Duration, error) {
	start := time.Now()
	l, err := ledger.Open(ctx, store, ledger.Options{})
	if err != nil {
		return nil, nil, 0, fmt.Errorf("opening the ledger: %w", err)
	}
	return l, toolbox.New(l, toolbox.Config{}), time.Since(start), nil
}

// atOnce runs fn(0) … fn(n-1) in goroutines released together once every
// one is waiting, and returns the moment of release when all have returned.
// onRelease runs just before the release, with its moment.
func atOnce(n int, onRelease func(start time.Time), fn func(i int)) time.Time {
	var ready, done sync.WaitGroup
	release := make(chan struct{})
	for i := range n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-release
			fn(i)
		}()
	}
	ready.Wait()
	start := time.Now()
	if onRelease != nil {
		onRelease(start)
	}
	close(release)
	done.Wait()
	return start
}

// arrive returns the release hook of a burst of name commands: it
// announces each to the ledger as the bot does when a sync batch brings
// them, before any of them runs (see toolbox.Expect).
func arrive(tb *toolbox.Toolbox, coming []toolbox.Coming, name string) func(time.Time) {
	return func(time.Time) {
		for i := range coming {
			coming[i] = tb.Expect(name)
		}
	}
}
