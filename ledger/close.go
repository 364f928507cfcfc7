package ledger

import "context"

// Closing the ledger: the writer finishes the group it is committing, and
// every other caller gets ErrClosed at once instead of waiting on a queue
// nobody reads any more.

// Close stops the ledger: Apply answers ErrClosed from now on, mutations
// still queued are answered ErrClosed, and Close returns once the group
// being committed, if any, has finished (it may take up to
// Options.RetryFor when the store keeps failing; Shutdown bounds that).
// It is safe to call more than once, and concurrently.
func (l *Ledger) Close() { _ = l.Shutdown(context.Background()) }

// Shutdown is Close with a bound, for a graceful exit: when ctx ends
// before the group being committed has finished, that commit is cancelled
// and its callers get ErrClosed (the commit may or may not have landed;
// the event IDs keep a retry from doubling it). It returns ctx's error in
// that case, and nil when the writer finished in time; either way only
// once the writer has stopped, which it does as soon as the store's call
// returns on its cancelled context.
func (l *Ledger) Shutdown(ctx context.Context) error {
	l.closeOnce.Do(l.beginClose)
	defer l.abort() // the writer has stopped by then; this only releases its context
	select {
	case <-l.done:
		return nil
	default:
	}
	select {
	case <-l.done:
		return nil
	case <-ctx.Done():
		l.abort()
		<-l.done
		return ctx.Err()
	}
}

// beginClose stops new requests and answers the queued ones. It does not
// wait for the writer: the group in flight goes on meanwhile.
func (l *Ledger) beginClose() {
	close(l.stop) // wakes Apply calls waiting for room in a full queue
	l.sendMu.Lock()
	l.closed = true
	// No Apply is sending now and none will: closing the queue ends the
	// drains, this one and the writer's.
	close(l.queue)
	l.sendMu.Unlock()
	l.drain()
}

// drain answers ErrClosed to every request in the queue until the queue is
// closed and empty. Close and the writer may drain at the same time; each
// request is received, and answered, by one of them.
func (l *Ledger) drain() {
	for r := range l.queue {
		r.reply(response{err: ErrClosed})
	}
}

// enqueue hands r to the writer, or says why it cannot. It sends under
// sendMu's read lock, so that once Close has taken the write lock and
// closed the queue no request can be left in it unanswered.
func (l *Ledger) enqueue(ctx context.Context, r *request) error {
	l.sendMu.RLock()
	defer l.sendMu.RUnlock()
	if l.closed {
		return ErrClosed
	}
	select {
	case <-l.stop:
		return ErrClosed
	default:
	}
	select {
	case l.queue <- r:
		return nil
	case <-l.stop:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}
