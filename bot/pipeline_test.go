package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/bot/lane"
	"smartup0.org/engelbot/bot/state"
	"smartup0.org/engelbot/ledger"
)

// One sender's writes, sent together, share a commit: while one commits
// the others queue behind it, and they land in the order sent
// (the sixth kudos of the day is refused: the rules saw the five before
// it), each answered once, in that order.
func TestOneSendersWritesShareACommit(t *testing.T) {
	r := newFeedbackRig(t)
	r.bot.typing.after = time.Hour
	release := r.store.hold(t)
	queued := make(chan string, 16)
	r.bot.lanes = lane.New(func(ev state.Event, tr *lane.Turn) {
		go func() { <-tr.Queued(); queued <- ev.ID }()
		r.bot.handleInTurn(ev, tr)
	})
	const n = 6
	var ids []string
	for i := range n {
		ev := r.command(t, fmt.Sprintf("$k%d", i), "@carol", fmt.Sprintf("!kudos dave thanks %d", i))
		ids = append(ids, ev.ID)
		r.bot.lanes.Add(ev.Sender, ev)
	}
	// Every write is queued while the first commit is held.
	for range n {
		select {
		case <-queued:
		case <-time.After(15 * time.Second):
			t.Fatal("the commands behind the first did not queue their writes while it was committing")
		}
	}
	before := r.store.landed.Load()
	release()
	r.bot.lanes.Wait()
	// The writer may have taken the first alone or with others.
	if got := r.store.landed.Load() - before; got < 1 || got > 2 {
		t.Errorf("%d commits for %d writes, want 1 or 2: those queued while a commit is held share the next", got, n)
	}
	var txns []string
	for _, id := range ids {
		txns = append(txns, answerTxnID(id))
	}
	if got, want := strings.Join(sends(r.hs), " "), strings.Join(txns, " "); got != want {
		t.Errorf("answers sent %s\nwant, once each in the order sent, %s", got, want)
	}
	snap := r.l.Current()
	var seqs []int64
	for _, id := range ids[:n-1] {
		e, ok := snap.Applied(id)
		if !ok {
			t.Fatalf("%s is not in the audit trail", id)
		}
		seqs = append(seqs, int64(e.Seq))
	}
	for i := 1; i < len(seqs); i++ {
		if seqs[i] != seqs[i-1]+1 {
			t.Errorf("audit rows' seq %v, want consecutive in the order sent", seqs)
			break
		}
	}
	if _, ok := snap.Applied(ids[n-1]); ok {
		t.Errorf("the sixth kudos of the day was written: its rules did not see the five queued before it")
	}
	if pending := r.unanswered(t); len(pending) != 0 {
		t.Errorf("not marked answered: %+v", pending)
	}
}

// Commands of different owners that arrive together (one sync batch) are
// announced to the ledger as they arrive, so the writer waits for them
// all: one commit, the first command's included.
func TestCommandsArrivingTogetherShareOneCommit(t *testing.T) {
	// A wait far longer than the commands take, so that only a writer that
	// does not know they are coming commits before they all are queued.
	r := newFeedbackRig(t, ledger.Options{FollowWait: time.Minute})
	r.bot.typing.after = time.Hour
	before := r.store.landed.Load()
	r.bot.beginBatch() // as taking in a sync response does
	for i, who := range []string{"@carol", "@dave", "@carol", "@dave"} {
		to := map[string]string{"@carol": "dave", "@dave": "carol"}[who]
		ev := r.command(t, fmt.Sprintf("$b%d", i), who, fmt.Sprintf("!kudos %s thanks %d", to, i))
		r.bot.enqueue(ev, nameOf(ev))
	}
	r.bot.endBatch()
	r.bot.lanes.Wait()
	if got := r.store.landed.Load() - before; got != 1 {
		t.Errorf("%d commits for 4 commands that arrived together, want 1", got)
	}
}
