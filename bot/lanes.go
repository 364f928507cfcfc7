package bot

import (
	"context"
	"sync"

	"smartup0.org/engelbot/bot/state"
)

// lanes runs commands off the sync loop: one lane per sender, so an owner's
// commands take effect and are answered in the order they were sent, while
// different owners' commands run side by side. Within a lane the next
// command starts once the previous one's write is queued in the ledger, not
// once it has committed (see turn): a sender's queued writes share a
// commit, as different owners' writes do.
type lanes struct {
	run   func(state.Event, *turn)
	mu    sync.Mutex
	queue map[string]*lane // a key is present while its lane runs
	wg    sync.WaitGroup
	// closed: no command starts any more (the bot is stopping). Those
	// queued stay recorded as unfinished, and the next start runs them.
	closed bool

	added, ran int           // events added and run so far
	changed    chan struct{} // closed, and replaced, each time one has run
}

// lane is one sender's commands not started yet.
type lane struct {
	events []state.Event
	more   chan struct{} // holds a token once an event was added
}

func newLanes(run func(state.Event, *turn)) *lanes {
	return &lanes{run: run, queue: map[string]*lane{}, changed: make(chan struct{})}
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
	if ln, running := l.queue[key]; running {
		ln.events = append(ln.events, ev)
		select {
		case ln.more <- struct{}{}:
		default:
		}
		return
	}
	ln := &lane{events: []state.Event{ev}, more: make(chan struct{}, 1)}
	l.queue[key] = ln
	l.wg.Add(1)
	go l.drain(key, ln)
}

// drain starts a lane's commands one after the other, each once the one
// before it lets it (its write is queued, or it has ended). The lane lasts
// while a command of it runs, so that one added meanwhile still comes
// after it.
func (l *lanes) drain(key string, ln *lane) {
	defer l.wg.Done()
	var last *turn
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
		l.wg.Add(1)
		l.mu.Unlock()
		go l.runOne(ev, t)
		<-t.queued.done()
		last = t
	}
}

// over reports whether the lane's last command has ended.
func over(t *turn) bool {
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

func (l *lanes) runOne(ev state.Event, t *turn) {
	defer l.wg.Done()
	defer func() {
		t.end()
		l.mu.Lock()
		l.ran++
		close(l.changed)
		l.changed = make(chan struct{})
		l.mu.Unlock()
	}()
	l.run(ev, t)
}

// wait returns when every lane has run dry.
func (l *lanes) wait() { l.wg.Wait() }
