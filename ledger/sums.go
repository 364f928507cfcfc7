package ledger

import "iter"

// Totals is what the SC transactions say the community owes: SC awarded,
// and SC still pending (assessed, not yet settled).
type Totals struct {
	SCAwarded, SCPending int
}

// openPending is a pending SC row no row has settled yet, and where it is
// in the journal, so that open rows can be listed in journal order.
type openPending struct {
	row SCTx
	seq int
}

// sums are the balances kept as running sums, so that a balance or the
// community's totals are read without scanning history. A snapshot's sums
// are immutable like the snapshot; a commit makes new ones sharing every
// bucket it did not change.
type sums struct {
	owners cowMap[Balance]     // alias → balance
	open   cowMap[openPending] // pending row ID → the row, while unsettled
	// early holds refs that named no open pending row when they came: only
	// a broken ledger has them (verify says so). A pending row that comes
	// later with such an ID never counts, as in the recompute.
	early  cowMap[struct{}]
	totals Totals
	scRows int // SC rows summed so far: the next row's place in the journal
}

// sumsEdit is sums being changed: each map copies a bucket the first time
// it writes to it, so the sums it started from stay as they were.
type sumsEdit struct {
	owners cowEdit[Balance]
	open   cowEdit[openPending]
	early  cowEdit[struct{}]
	totals Totals
	scRows int
}

func (s *sums) edit() *sumsEdit {
	return &sumsEdit{owners: s.owners.edit(), open: s.open.edit(), early: s.early.edit(), totals: s.totals, scRows: s.scRows}
}

func (e *sumsEdit) done() sums {
	return sums{owners: e.owners.done(), open: e.open.done(), early: e.early.done(), totals: e.totals, scRows: e.scRows}
}

// addSC applies one SC row, in journal order. It follows balances (the
// recompute) exactly: an awarded row adds to its owner's awarded SC; a
// pending row counts while no row names it in Ref; any other row takes the
// pending row it names off its holder's pending SC.
func (e *sumsEdit) addSC(t SCTx) {
	e.scRows++
	switch t.Kind {
	case SCAwarded:
		b, _ := e.owners.get(t.Alias)
		b.SCAwarded += t.Amount
		e.owners.set(t.Alias, b)
		e.totals.SCAwarded += t.Amount
	case SCPending:
		if _, settled := e.early.get(t.ID); settled {
			return
		}
		b, _ := e.owners.get(t.Alias)
		b.SCPending += t.Amount
		e.owners.set(t.Alias, b)
		e.totals.SCPending += t.Amount
		if p, dup := e.open.get(t.ID); dup {
			// Two pending rows with one ID: a broken ledger. One settling
			// row takes both off, as in the recompute, when they share a
			// holder; otherwise verify reports the difference.
			if p.row.Alias == t.Alias {
				p.row.Amount += t.Amount
				e.open.set(t.ID, p)
			}
			return
		}
		e.open.set(t.ID, openPending{row: t, seq: e.scRows})
	}
	if t.Kind == SCPending {
		return
	}
	p, ok := e.open.get(t.Ref)
	if !ok {
		if _, seen := e.early.get(t.Ref); !seen {
			e.early.set(t.Ref, struct{}{})
		}
		return
	}
	e.open.del(t.Ref)
	b, _ := e.owners.get(p.row.Alias)
	b.SCPending -= p.row.Amount
	e.owners.set(p.row.Alias, b)
	e.totals.SCPending -= p.row.Amount
}

// addSK applies one SK row.
func (e *sumsEdit) addSK(t SKTx) {
	b, _ := e.owners.get(t.Alias)
	b.SK += t.Amount
	e.owners.set(t.Alias, b)
}

// added is s with rows applied.
func (s *sums) added(sc iter.Seq[SCTx], sk iter.Seq[SKTx]) sums {
	e := s.edit()
	for t := range sc {
		e.addSC(t)
	}
	for t := range sk {
		e.addSK(t)
	}
	return e.done()
}

// buildSums sums whole journals, as at load.
func buildSums(sc iter.Seq[SCTx], sk iter.Seq[SKTx]) sums {
	var empty sums
	return empty.added(sc, sk)
}

// reloadSums are the sums of a freshly loaded snapshot: prev's advanced by
// the rows appended since, when that is all that changed, and a full sum
// otherwise (first load, or a journal changed in a way appends do not).
func reloadSums(prev, next *Snapshot) sums {
	if prev != nil {
		sc, okSC := grown(prev.sc, next.sc)
		sk, okSK := grown(prev.sk, next.sk)
		if okSC && okSK {
			return prev.sums.added(sc, sk)
		}
	}
	return buildSums(next.sc.all(), next.sk.all())
}
