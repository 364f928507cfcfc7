package ledger

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"
)

// run is the writer: it takes queued mutations, as many as are waiting (up
// to MaxGroup), and commits them together, until the ledger is closed.
func (l *Ledger) run() {
	defer close(l.done)
	for {
		group := l.nextGroup()
		if group == nil {
			l.drain()
			return
		}
		l.commitSafely(group)
	}
}

// nextGroup waits for a mutation and takes those queued behind it. It
// returns nil once Close has begun: what is still queued then is Close's
// to answer, not a group to commit.
func (l *Ledger) nextGroup() []*request {
	select {
	case <-l.stop:
		return nil
	default:
	}
	var group []*request
	select {
	case r, ok := <-l.queue:
		if !ok {
			return nil
		}
		group = append(group, r)
	case <-l.stop:
		return nil
	}
	// Commands released together (a burst) become runnable together, and
	// this goroutine is often woken by the first before the others have
	// run at all: let them run first, so that those on their way have
	// announced themselves (Expect) and are waited for. Alone, it costs
	// nothing.
	runtime.Gosched()
	for len(group) < l.opts.MaxGroup {
		select {
		case r, ok := <-l.queue:
			if !ok {
				return group
			}
			group = append(group, r)
			continue
		default:
		}
		if !(group[len(group)-1].followed || l.incoming.Load() > 0) || !l.awaitFollower(&group) {
			return group
		}
	}
	return group
}

// awaitFollower waits up to Options.FollowWait for the next mutation (one
// its caller said follows, or one announced with Expect) and adds it to
// the group; false when none came (or the ledger is closing).
func (l *Ledger) awaitFollower(group *[]*request) bool {
	timer := time.NewTimer(l.opts.FollowWait)
	defer timer.Stop()
	select {
	case r, ok := <-l.queue:
		if !ok {
			return false
		}
		*group = append(*group, r)
		return true
	case <-timer.C:
		return false
	case <-l.stop:
		return false
	}
}

// commitGroup applies the group to a fresh snapshot and commits it, again
// and again on conflicts (re-running every rule against the new data) and
// on a store in trouble, until it lands or RetryFor runs out. A refusal
// that no retry clears (ErrPermanent) ends it at once. Every request gets
// exactly one answer.
func (l *Ledger) commitGroup(group []*request) {
	ctx, cancel := context.WithTimeout(l.writing, l.opts.RetryFor)
	defer cancel()
	log, obs := l.opts.Log, l.opts.Observer
	var lastErr error
attempts:
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if err := Backoff(ctx, attempt, 50*time.Millisecond, 6); err != nil { // 50 ms … 3.2 s
				break
			}
			obs.Retrying(FailureClass(lastErr))
		}
		snap, err := l.Snapshot(ctx)
		if err != nil {
			lastErr = err
			class := FailureClass(err)
			obs.StoreFailed(class)
			if class == FailurePermanent {
				break
			}
			log.Warn().Err(err).Int("attempt", attempt).Msg("ledger refresh failed")
			continue
		}
		plan, err := l.plan(snap, group)
		if err != nil {
			// The group's own files do not encode: no retry changes that.
			lastErr = err
			break
		}
		if plan.commit == nil {
			plan.answer(nil)
			return
		}
		res, err := l.store.Commit(ctx, *plan.commit)
		if err == nil {
			next := plan.apply(snap, res)
			l.install(snap, next)
			obs.StoreAnswered()
			obs.Committed(len(plan.events))
			plan.answer(&res)
			log.Debug().Str("commit", res.Commit).Int("mutations", len(group)).Int("attempt", attempt).Msg("ledger commit")
			return
		}
		lastErr = err
		class := FailureClass(err)
		obs.StoreFailed(class)
		switch class {
		case FailurePermanent:
			break attempts
		case FailureConflict:
			log.Debug().Err(err).Int("attempt", attempt).Msg("ledger conflict, retrying on fresh data")
		default:
			log.Warn().Err(err).Int("attempt", attempt).Msg("ledger commit failed, retrying")
		}
	}
	l.giveUp(group, lastErr)
}

// giveUp answers every request of a group that did not land with err, and
// says why in one log line.
func (l *Ledger) giveUp(group []*request, err error) {
	log := l.opts.Log
	if l.writing.Err() != nil {
		// Shutdown's grace period ended while the group was committing.
		log.Warn().Err(err).Int("mutations", len(group)).Msg("ledger closed while committing a group; the commit may or may not have landed")
		err = fmt.Errorf("%w: stopped while committing (%w): %w", ErrClosed, errUncertain, err)
	} else if errors.Is(err, ErrPermanent) {
		log.Error().Err(err).Int("mutations", len(group)).
			Msg("the ledger's store refuses the ledger and retrying will not help: check the token, its permissions, the repository and the branch; nothing was written")
	} else {
		log.Error().Err(err).Int("mutations", len(group)).Msg("ledger gave up on a group; nothing was written")
	}
	// Callers test for ErrUnavailable; ErrPermanent and ErrClosed stay
	// visible underneath, so the answer can say what would help.
	if !errors.Is(err, ErrUnavailable) {
		err = fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	for _, r := range group {
		r.reply(response{err: err})
	}
}

// plan is a group's outcome on one snapshot: each request's answer, and the
// commit that carries the successful ones.
type plan struct {
	tx      *Tx
	group   []*request
	results []Result
	errs    []error
	events  []Event
	// The journals as they are once the commit lands. build reads each
	// append back before the commit goes out, so that apply cannot fail.
	nextEvents journal[Event]
	nextSC     *journal[SCTx]       // nil: no SC rows in this commit
	nextSK     *journal[SKTx]       // nil: no SK rows in this commit
	nextTr     *journal[TreasuryTx] // nil: no treasury rows in this commit
	nextVotes  *journal[Vote]       // nil: no votes in this commit
	commit     *Commit
}

// plan runs the group's mutations on snap and builds their commit. It
// fails only when the commit's files cannot be encoded; a mutation whose
// own changes cannot be written fails alone, as its answer.
func (l *Ledger) plan(snap *Snapshot, group []*request) (*plan, error) {
	if len(snap.legacy) > 0 {
		// Writing shards beside the old files would split the ledger in two.
		return nil, fmt.Errorf("%w: %w", ErrPermanent, oldLayout(snap.legacy))
	}
	tx := newTx(snap)
	tx.now = l.opts.Clock().UTC().Truncate(time.Second)
	p := &plan{tx: tx, group: group, results: make([]Result, len(group)), errs: make([]error, len(group))}
	last, _ := snap.events.last()
	seen := map[string]int{}
	for i, r := range group {
		m := r.m
		if e, ok := snap.events.find(m.EventID); ok {
			p.results[i] = Result{Reply: e.Result, Target: e.Target, Duplicate: true}
			continue
		}
		if j, ok := seen[m.EventID]; ok {
			p.results[i] = p.results[j]
			p.results[i].Duplicate = true
			continue
		}
		tx.eventID = m.EventID
		out, err := runMutation(tx, m)
		if reason, ok := IsRefusal(err); ok {
			tx.drop()
			p.results[i] = Result{Reply: reason, Refused: true}
			continue
		}
		if err != nil {
			tx.drop()
			p.errs[i] = err
			continue
		}
		e := Event{
			Seq: last.Seq + 1, Time: tx.now, EventID: m.EventID, Actor: m.Actor,
			Command: m.Command, Action: out.Action, Target: out.Target,
			Files: strings.Join(tx.curFiles(), ";"), Result: out.Reply, PrevHash: last.Hash,
		}
		e.Hash = ChainHash(e)
		if err := writable(tx, e); err != nil {
			tx.drop()
			p.errs[i] = fmt.Errorf("ledger: %q cannot be written: %w", m.Command, err)
			continue
		}
		tx.keep()
		seen[m.EventID] = i
		last = e
		p.events = append(p.events, e)
		p.results[i] = Result{Reply: out.Reply, Target: out.Target}
	}
	if len(p.events) > 0 {
		c, err := p.build(snap, l.opts.Author, l.opts.ShardRows)
		if err != nil {
			return nil, fmt.Errorf("ledger: the group's commit cannot be encoded: %w", err)
		}
		p.commit = c
	}
	return p, nil
}

// writable checks that what the running mutation changed, and its audit
// row, can be written so that they read back.
func writable(tx *Tx, e Event) error {
	if err := tx.check(); err != nil {
		return err
	}
	if err := checkRow(e); err != nil {
		return fmt.Errorf("%s: %w", EventsDir, err)
	}
	return nil
}

// runMutation turns a panic in a rule into an error for that one request.
func runMutation(tx *Tx, m Mutation) (out Outcome, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("ledger: mutation %q panicked: %v", m.Command, r)
		}
	}()
	return m.Run(tx)
}

// curFiles lists the files the running mutation changes, for its audit row.
func (tx *Tx) curFiles() []string {
	var files []string
	files = append(files, tx.pages.order[len(tx.pages.order)-tx.pages.curAdded:]...)
	for p := range tx.pages.cur {
		if !slices.Contains(files, p) {
			files = append(files, p)
		}
	}
	for _, ix := range indexes {
		if ix.running(&tx.overlays) {
			files = append(files, ix.dir)
		}
	}
	if len(tx.sc.cur) > 0 {
		files = append(files, SCDir)
	}
	if len(tx.sk.cur) > 0 {
		files = append(files, SKDir)
	}
	if len(tx.treasury.cur) > 0 {
		files = append(files, TreasuryDir)
	}
	if len(tx.votes.cur) > 0 {
		files = append(files, VotesDir)
	}
	return files
}

// build lays out the commit in the law's order: pages, then indexes, then
// the master-events rows. It reads every journal append back, so that a
// file that would not load is refused before it is written.
func (p *plan) build(snap *Snapshot, author Signature, shardRows int) (*Commit, error) {
	tx := p.tx
	c := &Commit{Author: author}
	change := func(path string, content []byte) { c.Changes = append(c.Changes, snap.change(path, content)) }
	for _, path := range tx.pages.order {
		change(path, tx.pages.done[path])
	}
	for _, ix := range indexes {
		if ix.changed(&tx.overlays) {
			files, err := ix.files(&tx.overlays)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", ix.dir, err)
			}
			for _, f := range files {
				change(f.path, f.data)
			}
		}
	}
	if rows := tx.sc.rows(); len(rows) > 0 {
		next, path, data, err := appendJournal(&snap.sc, tx.now, shardRows, rows)
		if err != nil {
			return nil, err
		}
		p.nextSC = &next
		change(path, data)
	}
	if rows := tx.sk.rows(); len(rows) > 0 {
		next, path, data, err := appendJournal(&snap.sk, tx.now, shardRows, rows)
		if err != nil {
			return nil, err
		}
		p.nextSK = &next
		change(path, data)
	}
	if rows := tx.treasury.rows(); len(rows) > 0 {
		next, path, data, err := appendJournal(&snap.treasury, tx.now, shardRows, rows)
		if err != nil {
			return nil, err
		}
		p.nextTr = &next
		change(path, data)
	}
	if rows := tx.votes.rows(); len(rows) > 0 {
		next, path, data, err := appendJournal(&snap.votes, tx.now, shardRows, rows)
		if err != nil {
			return nil, err
		}
		p.nextVotes = &next
		change(path, data)
	}
	next, path, data, err := appendJournal(&snap.events, tx.now, shardRows, p.events)
	if err != nil {
		return nil, err
	}
	p.nextEvents = next
	change(path, data)
	c.Message = commitMessage(p.events)
	return c, nil
}

// commitMessage says what the commit does, and ends with one "Event:"
// trailer per audit row it adds: that is how verify ties every commit to
// its audit rows.
func commitMessage(events []Event) string {
	var b strings.Builder
	if len(events) == 1 {
		e := events[0]
		fmt.Fprintf(&b, "%s: %s\n\nActor: %s\n", e.Action, e.Target, e.Actor)
	} else {
		fmt.Fprintf(&b, "%d commands\n\n", len(events))
		for _, e := range events {
			fmt.Fprintf(&b, "%s: %s (%s)\n", e.Action, e.Target, e.Actor)
		}
		b.WriteString("\n")
	}
	for _, e := range events {
		fmt.Fprintf(&b, "%s%s\n", eventTrailer, e.EventID)
	}
	return b.String()
}

// eventTrailer starts the commit message lines naming the audit rows.
const eventTrailer = "Event: "

// apply returns the snapshot after the commit landed, without asking the
// store: the writer knows every byte it wrote, and git's blob SHAs follow
// from the bytes.
func (p *plan) apply(snap *Snapshot, res CommitResult) *Snapshot {
	tx := p.tx
	next := *snap
	next.head = res.Commit
	if res.Parent != snap.head {
		// Someone else committed in between, to files we did not touch: keep
		// our view but leave the head unknown so the next check reloads.
		next.head = ""
	}
	tree := snap.tree.edit()
	for _, ch := range p.commit.Changes {
		if ch.Op == OpDelete {
			tree.del(ch.Path)
			continue
		}
		tree.set(ch.Path, BlobSHA(ch.Content))
	}
	next.tree = tree.done()
	for _, ix := range indexes {
		ix.install(&next.tables, &tx.overlays)
	}
	next.refs = snap.refs.updated(tx)
	if tx.owners.changed() {
		next.byMatrixID = make(map[string]string, len(next.owners.rows))
		for _, o := range next.owners.rows {
			next.byMatrixID[o.MatrixID] = o.Alias
		}
	}
	next.events = p.nextEvents
	if p.nextSC != nil {
		next.sc = *p.nextSC
	}
	if p.nextSC != nil || p.nextSK != nil {
		next.sums = snap.sums.added(slices.Values(tx.sc.rows()), slices.Values(tx.sk.rows()))
	}
	if p.nextSK != nil {
		next.sk = *p.nextSK
	}
	if p.nextTr != nil {
		next.treasury = *p.nextTr
	}
	if p.nextVotes != nil {
		next.votes = *p.nextVotes
	}
	return &next
}

// answer sends every request its result.
func (p *plan) answer(res *CommitResult) {
	for i, r := range p.group {
		if p.errs[i] != nil {
			r.reply(response{err: p.errs[i]})
			continue
		}
		out := p.results[i]
		if res != nil && !out.Refused && !out.Duplicate {
			out.Commit = res.Commit
		}
		r.reply(response{res: out})
	}
}
