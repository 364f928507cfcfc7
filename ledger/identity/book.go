package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"smartup0.org/engelbot/ledger"
)

// File is the identity mapping's path in its repository.
const File = "identity-mapping.csv"

// Entry is one row of the identity mapping: one person, keyed by Matrix ID.
type Entry struct {
	MatrixID   string    `csv:"matrix_id"`   // the key: identity is the Matrix ID
	Alias      string    `csv:"alias"`       // their alias in the Book of Owners
	RealName   string    `csv:"real_name"`   // may be empty
	Email      string    `csv:"email"`       // may be empty
	RecordedAt time.Time `csv:"recorded_at"` // when this version of the row was written
	RecordedBy string    `csv:"recorded_by"` // alias of the admin who wrote it
	EventID    string    `csv:"event_id"`    // the command that wrote it: the exactly-once key
}

// attempts is how often Record tries when the file changes under it. A
// conflict means another admin recorded someone at the same moment, which
// is rare; a few tries, further apart each time, settle it.
const attempts = 8

// Book reads and writes the identity mapping in its own store. Entries
// recorded while a commit is being written wait for it and then share the
// next commit, in the order they were recorded: an admin onboarding many
// people in quick succession costs a few commits, not one each.
type Book struct {
	store  ledger.Store
	author ledger.Signature

	mu      sync.Mutex
	waiting []*pending // recorded, not yet being written
	writing bool       // a writer goroutine is running
}

// pending is one entry in line, and where its outcome goes.
type pending struct {
	e    Entry
	done chan error
}

// groupFor bounds the writing of one group, retries included: a caller
// who stops waiting does not stop the commit the others share.
const groupFor = 2 * time.Minute

// New returns a Book over the identity repository's store. The store must
// not be the ledger's.
func New(store ledger.Store) *Book {
	return &Book{store: store, author: ledger.Signature{Name: "Engelbot", Email: "engelbot@localhost"}}
}

// Record adds e, or replaces the row with e's Matrix ID, in one commit that
// names the blob SHA it was computed from. When another writer got there
// first it reads the file again and retries. Recording an entry whose event
// is already the row's event writes nothing: a command delivered twice
// records once.
//
// Errors never quote the entry's content, so they can go to a log.
func (b *Book) Record(ctx context.Context, e Entry) error { return b.RecordQueued(ctx, e, nil) }

// RecordQueued is Record that calls queued (when not nil) once e is in
// line to be written, or once it is known it will not be: an entry
// recorded after that is written after it, in the same commit or a later
// one. It returns when e's commit has landed or failed, or ctx ends (the
// commit then still goes ahead).
func (b *Book) RecordQueued(ctx context.Context, e Entry, queued func()) error {
	if queued == nil {
		queued = func() {}
	}
	if err := e.check(); err != nil {
		queued()
		return err
	}
	if e.RecordedAt.IsZero() {
		e.RecordedAt = time.Now()
	}
	e.RecordedAt = e.RecordedAt.UTC().Truncate(time.Second)
	p := &pending{e: e, done: make(chan error, 1)}
	b.mu.Lock()
	b.waiting = append(b.waiting, p)
	if !b.writing {
		b.writing = true
		go b.write(context.WithoutCancel(ctx))
	}
	b.mu.Unlock()
	queued()
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// write commits what is in line, a group at a time, until nothing is.
func (b *Book) write(ctx context.Context) {
	for {
		b.mu.Lock()
		group := b.waiting
		b.waiting = nil
		if len(group) == 0 {
			b.writing = false
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		gctx, cancel := context.WithTimeout(ctx, groupFor)
		err := b.recordGroup(gctx, group)
		cancel()
		for _, p := range group {
			p.done <- err
		}
	}
}

// recordGroup writes a group's entries in one commit, trying again on
// fresh data when the file changed under it.
func (b *Book) recordGroup(ctx context.Context, group []*pending) error {
	var err error
	for attempt := range attempts {
		if attempt > 0 {
			if werr := ledger.Backoff(ctx, attempt, 25*time.Millisecond, 4); werr != nil { // 25 ms … 400 ms
				return werr
			}
		}
		err = b.record(ctx, group)
		if !errors.Is(err, ledger.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("identity mapping: gave up after %d conflicting writes: %w", attempts, err)
}

// record is one attempt: read, upsert each entry in order, commit.
func (b *Book) record(ctx context.Context, group []*pending) error {
	rows, sha, err := b.read(ctx)
	if err != nil {
		return err
	}
	var written []Entry
	for _, p := range group {
		var ok bool
		if rows, ok = upsert(rows, p.e); ok {
			written = append(written, p.e)
		}
	}
	if len(written) == 0 {
		return nil // every entry was recorded before
	}
	change := ledger.Change{Op: ledger.OpCreate, Path: File, Content: ledger.EncodeCSV(rows)}
	if sha != "" {
		change.Op, change.SHA = ledger.OpUpdate, sha
	}
	if _, err := b.store.Commit(ctx, ledger.Commit{Message: message(written), Author: b.author, Changes: []ledger.Change{change}}); err != nil {
		return fmt.Errorf("identity mapping: writing %s: %w", File, err)
	}
	return nil
}

// upsert adds e or replaces the row with its Matrix ID; it reports false
// when that row is already e's event (nothing to write).
func upsert(rows []Entry, e Entry) ([]Entry, bool) {
	for i, r := range rows {
		if r.MatrixID != e.MatrixID {
			continue
		}
		if r.EventID == e.EventID {
			return rows, false
		}
		rows[i] = e
		return rows, true
	}
	return append(rows, e), true
}

// message names the Matrix IDs and the events, never the people.
func message(written []Entry) string {
	if len(written) == 1 {
		e := written[0]
		return fmt.Sprintf("identity: %s\n\nActor: %s\nEvent: %s\n", e.MatrixID, e.RecordedBy, e.EventID)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "identity: %d entries\n\n", len(written))
	for _, e := range written {
		fmt.Fprintf(&b, "%s (actor %s, event %s)\n", e.MatrixID, e.RecordedBy, e.EventID)
	}
	return b.String()
}

// Lookup returns the row of a Matrix ID, if there is one.
func (b *Book) Lookup(ctx context.Context, matrixID string) (Entry, bool, error) {
	rows, _, err := b.read(ctx)
	if err != nil {
		return Entry{}, false, err
	}
	for _, r := range rows {
		if r.MatrixID == matrixID {
			return r, true, nil
		}
	}
	return Entry{}, false, nil
}

// read returns every row and the file's blob SHA ("" while the file does
// not exist yet).
func (b *Book) read(ctx context.Context) ([]Entry, string, error) {
	f, err := b.store.ReadFile(ctx, File)
	if errors.Is(err, ledger.ErrNotFound) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("identity mapping: reading %s: %w", File, err)
	}
	rows, err := ledger.DecodeCSV[Entry](File, f.Content)
	if err != nil {
		// The codec's message quotes the bad value, which here may be a
		// name or an address: say only where it is.
		var pe *ledger.ParseError
		if errors.As(err, &pe) {
			return nil, "", fmt.Errorf("identity mapping: %s does not parse at line %d, column %q", File, pe.Line, pe.Column)
		}
		return nil, "", fmt.Errorf("identity mapping: %s does not parse", File)
	}
	return rows, f.SHA, nil
}

// check refuses an entry that cannot be keyed or traced.
func (e Entry) check() error {
	switch {
	case !strings.HasPrefix(e.MatrixID, "@") || !strings.Contains(e.MatrixID, ":"):
		return errors.New("identity mapping: an entry needs a Matrix ID like @alias:server")
	case e.Alias == "":
		return errors.New("identity mapping: an entry needs the owner's alias")
	case e.EventID == "":
		return errors.New("identity mapping: an entry needs the event that records it")
	}
	return nil
}
