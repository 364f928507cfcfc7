package bot

import (
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
}

func newLanes(run func(state.Event)) *lanes {
	return &lanes{run: run, queue: map[string][]state.Event{}}
}

func (l *lanes) add(key string, ev state.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
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
		if len(q) == 0 {
			delete(l.queue, key)
			l.mu.Unlock()
			return
		}
		ev := q[0]
		l.queue[key] = q[1:]
		l.mu.Unlock()
		l.run(ev)
	}
}

// wait returns when every lane has run dry.
func (l *lanes) wait() { l.wg.Wait() }
