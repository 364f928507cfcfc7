// Package lane runs one sender's commands in the order sent while letting
// their writes share a commit: each lane starts its next command once the
// previous one's write is queued in the ledger, and answers them in order.
package lane

import (
	"context"
	"sync"
)

// Lanes runs commands off the sync loop: one lane per sender, so an owner's
// commands take effect and are answered in the order they were sent, while
// different owners' commands run side by side. Within a lane the next
// command starts once the previous one's write is queued in the ledger, not
// once it has committed (see Turn): a sender's queued writes share a
// commit, as different owners' writes do.
type Lanes[E any] struct {
	run   func(E, *Turn)
	mu    sync.Mutex
	queue map[string]*lane[E] // a key is present while its lane runs
	wg    sync.WaitGroup
	// closed: no command starts any more (the bot is stopping). Those
	// queued stay recorded as unfinished, and the next start runs them.
	closed bool

	added, ran int           // events added and run so far
	changed    chan struct{} // closed, and replaced, each time one has run
}

// lane is one sender's commands not started yet.
type lane[E any] struct {
	events []E
	more   chan struct{} // holds a token once an event was added
}

// New returns lanes that run each command with run, in a turn that run
// marks as it goes (the lane ends it when run returns).
func New[E any](run func(E, *Turn)) *Lanes[E] {
	return &Lanes[E]{run: run, queue: map[string]*lane[E]{}, changed: make(chan struct{})}
}

// Mark is how many events have been added so far.
func (l *Lanes[E]) Mark() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.added
}

// AwaitRan returns once n events have run (or ctx ends).
func (l *Lanes[E]) AwaitRan(ctx context.Context, n int) error {
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

// Close stops every lane before its next command; those running finish.
func (l *Lanes[E]) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
}

// Add queues ev in key's lane.
func (l *Lanes[E]) Add(key string, ev E) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.added++
	if ln, running := l.queue[key]; running {
		ln.events = append(ln.events, ev)
		select {
		case ln.more <- struct{}{}:
		default:
		}
		return
	}
	ln := &lane[E]{events: []E{ev}, more: make(chan struct{}, 1)}
	l.queue[key] = ln
	l.wg.Add(1)
	go l.drain(key, ln)
}

// drain starts a lane's commands one after the other, each once the one
// before it lets it (its write is queued, or it has ended). The lane lasts
// while a command of it runs, so that one added meanwhile still comes
// after it.
func (l *Lanes[E]) drain(key string, ln *lane[E]) {
	defer l.wg.Done()
	var last *Turn
	for {
		l.mu.Lock()
		if l.closed || (len(ln.events) == 0 && over(last)) {
			delete(l.queue, key)
			l.mu.Unlock()
			return
		}
		if len(ln.events) == 0 {
			l.mu.Unlock()
			select {
			case <-ln.more:
			case <-last.answered.done():
			}
			continue
		}
		ev := ln.events[0]
		ln.events = ln.events[1:]
		t := last.next()
		t.followed = len(ln.events) > 0
		l.wg.Add(1)
		l.mu.Unlock()
		go l.runOne(ev, t)
		<-t.goOn.done()
		last = t
	}
}

// over reports whether the lane's last command has ended.
func over(t *Turn) bool {
	if t == nil {
		return true
	}
	select {
	case <-t.answered.done():
		return true
	default:
		return false
	}
}

func (l *Lanes[E]) runOne(ev E, t *Turn) {
	defer l.wg.Done()
	defer func() {
		t.End()
		l.mu.Lock()
		l.ran++
		close(l.changed)
		l.changed = make(chan struct{})
		l.mu.Unlock()
	}()
	l.run(ev, t)
}

// Wait returns when every lane has run dry.
func (l *Lanes[E]) Wait() { l.wg.Wait() }
