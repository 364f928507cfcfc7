package ledger

import "context"

// Verification is what VerifyAll found, and on what.
type Verification struct {
	Snapshot *Snapshot // the snapshot that was checked
	Problems []Problem
	// Commits is how many commits of the history were checked; 0 when the
	// store cannot walk its history (History is false).
	Commits int
	History bool
}

// VerifyAll checks a fresh snapshot (Snapshot.Verify), reads every ledger
// file to check that it is printable UTF-8 and, when the store can walk
// its history, checks every commit on the branch (VerifyHistory): the whole
// integrity check, in one call for the command line and for !verify.
//
// A problem's text never carries a raw control character: what a hand
// edit put into a file name, an author or an event ID is written as an
// escape (\x1b), since reports go to terminals and chats.
func (l *Ledger) VerifyAll(ctx context.Context) (Verification, error) {
	v, err := l.verifyAll(ctx)
	for i, p := range v.Problems {
		v.Problems[i] = Problem{Where: visible(p.Where), What: visible(p.What)}
	}
	return v, err
}

func (l *Ledger) verifyAll(ctx context.Context) (Verification, error) {
	snap, err := l.Snapshot(ctx)
	if err != nil {
		return Verification{}, err
	}
	v := Verification{Snapshot: snap, Problems: snap.Verify()}
	text, err := snap.verifyText(ctx, l.store)
	if err != nil {
		return v, err
	}
	v.Problems = append(v.Problems, text...)
	h, ok := l.store.(Historian)
	if !ok {
		return v, nil
	}
	more, err := snap.VerifyHistory(ctx, countingHistorian{h, &v.Commits})
	if err != nil {
		return v, err
	}
	v.History = true
	v.Problems = append(v.Problems, more...)
	return v, nil
}

// countingHistorian counts the commits a history walk visits.
type countingHistorian struct {
	Historian
	n *int
}

func (c countingHistorian) History(ctx context.Context, fn func(CommitInfo) bool) error {
	return c.Historian.History(ctx, func(ci CommitInfo) bool {
		*c.n++
		return fn(ci)
	})
}
