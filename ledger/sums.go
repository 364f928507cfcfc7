package ledger

import (
	"iter"
	"strings"
)

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
	names  map[string]string // each alias, kind or share written so far, once
}

// own returns v as a string of the sums' own. A loaded row's values are
// slices of its file (see loadValues), which a key or a held row would
// keep alive whole after the load has packed the file; the few values
// that repeat (aliases, kinds, shares) are copied once each.
func (e *sumsEdit) own(v string) string {
	if c, ok := e.names[v]; ok {
		return c
	}
	if e.names == nil {
		e.names = map[string]string{}
	}
	c := strings.Clone(v)
	e.names[c] = c
	return c
}

// owned is t holding only strings of the sums' own.
func (e *sumsEdit) owned(t SCTx) SCTx {
	t.Alias, t.Kind, t.Share = e.own(t.Alias), e.own(t.Kind), e.own(t.Share)
	t.ID, t.Task, t.Ref, t.EventID, t.Note = strings.Clone(t.ID), strings.Clone(t.Task), strings.Clone(t.Ref), strings.Clone(t.EventID), strings.Clone(t.Note)
	return t
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
		e.owners.set(e.own(t.Alias), b)
		e.totals.SCAwarded += t.Amount
	case SCPending:
		if _, settled := e.early.get(t.ID); settled {
			return
		}
		b, _ := e.owners.get(t.Alias)
		b.SCPending += t.Amount
		e.owners.set(e.own(t.Alias), b)
		e.totals.SCPending += t.Amount
		if p, dup := e.open.get(t.ID); dup {
			// Two pending rows with one ID: a broken ledger. One settling
			// row takes both off, as in the recompute, when they share a
			// holder; otherwise verify reports the difference.
			if p.row.Alias == t.Alias {
				p.row.Amount += t.Amount
				e.open.set(p.row.ID, p)
			}
			return
		}
		row := e.owned(t)
		e.open.set(row.ID, openPending{row: row, seq: e.scRows})
	}
	if t.Kind == SCPending {
		return
	}
	p, ok := e.open.get(t.Ref)
	if !ok {
		if _, seen := e.early.get(t.Ref); !seen {
			e.early.set(strings.Clone(t.Ref), struct{}{})
		}
		return
	}
	e.open.del(t.Ref)
	b, _ := e.owners.get(p.row.Alias)
	b.SCPending -= p.row.Amount
	e.owners.set(p.row.Alias, b) // owned already
	e.totals.SCPending -= p.row.Amount
}

// addSK applies one SK row.
func (e *sumsEdit) addSK(t SKTx) {
	b, _ := e.owners.get(t.Alias)
	b.SK += t.Amount
	e.owners.set(e.own(t.Alias), b)
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
	return buildSums(next.sc.scan(), next.sk.scan())
}
