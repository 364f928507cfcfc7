package bot

import (
	"context"
	"sync"

	"smartup0.org/engelbot/bot/state"
)

// lanes runs commands off the sync loop: one lane per sender, so an owner's
// commands run in the order they were sent, while different owners' commands
// run side by side (and their writes can share a commit).
type lanes struct {
	run   func(state.Event)
	mu    sync.Mutex
	queue map[string][]state.Event // a key is present while its lane runs
	wg    sync.WaitGroup
	// closed: no command starts any more (the bot is stopping). Those
	// queued stay recorded as unfinished, and the next start runs them.
	closed bool

	added, ran int           // events added and run so far
	changed    chan struct{} // closed, and replaced, each time one has run
}

func newLanes(run func(state.Event)) *lanes {
	return &lanes{run: run, queue: map[string][]state.Event{}, changed: make(chan struct{})}
}

// mark is how many events have been added so far.
func (l *lanes) mark() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.added
}

// awaitRan returns once n events have run (or ctx ends).
func (l *lanes) awaitRan(ctx context.Context, n int) error {
	for {
		l.mu.Lock()
		done, changed := l.ran >= n, l.changed
		l.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// close stops every lane before its next command; those running finish.
func (l *lanes) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
}

func (l *lanes) add(key string, ev state.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.added++
	q, running := l.queue[key]
	l.queue[key] = append(q, ev)
	if !running {
		l.wg.Add(1)
		go l.drain(key)
	}
}

func (l *lanes) drain(key string) {
	defer l.wg.Done()
	for {
		l.mu.Lock()
		q := l.queue[key]
		if len(q) == 0 || l.closed {
			delete(l.queue, key)
			l.mu.Unlock()
			return
		}
		ev := q[0]
		l.queue[key] = q[1:]
		l.mu.Unlock()
		l.run(ev)
		l.mu.Lock()
		l.ran++
		close(l.changed)
		l.changed = make(chan struct{})
		l.mu.Unlock()
	}
}

// wait returns when every lane has run dry.
func (l *lanes) wait() { l.wg.Wait() }
