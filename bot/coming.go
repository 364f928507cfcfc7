package bot

import (
	"context"

	"smartup0.org/engelbot/bot/state"
	"smartup0.org/engelbot/toolbox"
)

// enqueue adds a recorded command to its sender's lane, announcing it to
// the ledger first when it is a write. During a batch (a sync response
// being taken in) the lanes get it only when the batch ends: the batch's
// writes are then all announced before the first of them reaches the
// writer, which waits a moment for the others and commits them together
// (one commit for owners who wrote at the same moment, not one for the
// first and another for the rest). name is the command's name, "" when
// its text does not parse (it is answered, never a write).
func (b *Bot) enqueue(ev state.Event, name string) {
	if name != "" {
		b.coming.Store(ev.ID, b.tb.Expect(name))
	}
	b.batchMu.Lock()
	if b.batch != nil {
		*b.batch = append(*b.batch, ev)
		b.batchMu.Unlock()
		return
	}
	b.batchMu.Unlock()
	b.lanes.Add(ev.Sender, ev)
}

// beginBatch holds the commands enqueued from now on until endBatch.
func (b *Bot) beginBatch() {
	b.batchMu.Lock()
	defer b.batchMu.Unlock()
	if b.batch == nil {
		b.batch = new([]state.Event)
	}
}

// endBatch hands the batch's commands to their lanes, in the order taken in.
func (b *Bot) endBatch() {
	b.batchMu.Lock()
	batch := b.batch
	b.batch = nil
	b.batchMu.Unlock()
	if batch == nil {
		return
	}
	for _, ev := range *batch {
		b.lanes.Add(ev.Sender, ev)
	}
}

// comingOf returns ctx for running ev, carrying its announcement, and the
// function to call once it has run.
func (b *Bot) comingOf(ctx context.Context, ev state.Event) (context.Context, func()) {
	v, ok := b.coming.LoadAndDelete(ev.ID)
	if !ok {
		return ctx, func() {}
	}
	c := v.(toolbox.Coming)
	return c.Context(ctx), c.Done
}

// forgetComing withdraws the announcements of commands that will not run
// in this process (it is stopping): the writer must not wait for them.
func (b *Bot) forgetComing() {
	b.coming.Range(func(k, v any) bool {
		v.(toolbox.Coming).Done()
		b.coming.Delete(k)
		return true
	})
}

// nameOf is the name enqueue announces ev under.
func nameOf(ev state.Event) string {
	if name, _, ok, err := parseCommand(ev.Body); ok && err == nil {
		return name
	}
	return ""
}
