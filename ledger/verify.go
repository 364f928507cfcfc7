package ledger

import (
	"fmt"
	"iter"
	"sort"
	"strings"
)

// Problem is one thing Verify found wrong, and where.
type Problem struct {
	Where string // a file and, where it helps, a row
	What  string
}

func (p Problem) String() string { return p.Where + ": " + p.What }

// Verify checks the snapshot's integrity: the audit chain is unbroken and
// numbered without gaps; every transaction and every work session points to
// an audit row that names what it changed; every page an index points to
// exists, and no page exists that no index points to; the treasury's
// running balance adds up. It reports every problem, not just the first.
func (s *Snapshot) Verify() []Problem {
	var ps []Problem
	add := func(where, format string, args ...any) {
		ps = append(ps, Problem{Where: where, What: fmt.Sprintf(format, args...)})
	}

	// The chain: each row's hash covers it and the row before.
	prevHash, seq := "", int64(0)
	audit := map[string]Event{}
	for _, sh := range s.events.shards {
		for i, e := range sh.list() {
			where := fmt.Sprintf("%s row %d (seq %d)", sh.path, i+1, e.Seq)
			seq++
			if e.Seq != seq {
				add(where, "sequence number %d, expected %d: a row is missing or out of place", e.Seq, seq)
				seq = e.Seq
			}
			if e.PrevHash != prevHash {
				add(where, "prev_hash does not match the hash of the row before: the chain is broken here")
			}
			if h := ChainHash(e); h != e.Hash {
				add(where, "the row's content does not match its hash: it was edited after it was written")
			}
			prevHash = e.Hash
			if e.EventID != "" {
				if _, dup := audit[e.EventID]; dup {
					add(where, "event %s is recorded twice", e.EventID)
				}
				audit[e.EventID] = e
			}
		}
	}

	// Every change carries the event that made it; that event's audit row
	// must exist and name the file.
	// file may be named by either of its names: audit rows written before
	// indexes were split name an index's one file, later ones its folder.
	needs := func(where, eventID, file string) {
		if eventID == "" {
			add(where, "no event ID: the change has no audit row")
			return
		}
		e, ok := audit[eventID]
		if !ok {
			add(where, "event %s has no audit row in master-events", eventID)
			return
		}
		if !strings.Contains(";"+e.Files+";", ";"+file+";") && !strings.Contains(";"+e.Files+";", ";"+legacyPath(file)+";") {
			add(where, "the audit row of event %s (seq %d) does not list %s", eventID, e.Seq, file)
		}
	}
	for _, sh := range s.sc.shards {
		for i, t := range sh.list() {
			needs(fmt.Sprintf("%s row %d (%s)", sh.path, i+1, t.ID), t.EventID, SCDir)
		}
	}
	for _, sh := range s.sk.shards {
		for i, t := range sh.list() {
			needs(fmt.Sprintf("%s row %d (%s)", sh.path, i+1, t.ID), t.EventID, SKDir)
		}
	}
	for _, sh := range s.treasury.shards {
		for i, t := range sh.list() {
			needs(fmt.Sprintf("%s row %d (%s)", sh.path, i+1, t.ID), t.EventID, TreasuryDir)
		}
	}
	for _, sh := range s.votes.shards {
		for i, v := range sh.list() {
			needs(fmt.Sprintf("%s row %d (%s)", sh.path, i+1, v.ID), v.EventID, VotesDir)
		}
	}
	for k := range s.sessions.starts {
		file := ShardPath(SessionsIndex, k+1) // named by shard, as the other problems are
		for _, ws := range s.sessions.shardRows(k) {
			needs(file+" "+ws.ID, ws.StartEvent, SessionsIndex)
			if ws.State == SessionClosed {
				needs(file+" "+ws.ID, ws.StopEvent, SessionsIndex)
			}
		}
	}

	ps = append(ps, s.verifySC()...)
	ps = append(ps, s.verifySums()...)
	ps = append(ps, s.verifyTreasury()...)
	ps = append(ps, s.verifyVotes()...)

	// Pages: each one pointed to exists; none exists unpointed.
	pointed := map[string]string{}
	point := func(where, p string) {
		if p == "" {
			return
		}
		pointed[p] = where
		if _, ok := s.tree.get(p); !ok {
			add(where, "wiki_path %s does not exist", p)
		}
	}
	for _, ix := range indexes {
		ix.pages(&s.tables, point)
	}
	var orphans []string
	s.tree.each(func(p, _ string) {
		if strings.HasPrefix(p, "pages/") && pointed[p] == "" {
			orphans = append(orphans, p)
		}
	})
	sort.Strings(orphans)
	for _, p := range orphans {
		add(p, "a page that no index row points to")
	}
	return ps
}

// verifySC recomputes SC from its transactions: every settling row must
// settle an earlier pending row of the same owner and amount, and no
// pending row may be settled twice.
func (s *Snapshot) verifySC() []Problem {
	var ps []Problem
	pending := map[string]SCTx{}
	settledBy := map[string]string{}
	for _, sh := range s.sc.shards {
		for i, t := range sh.list() {
			where := fmt.Sprintf("%s row %d (%s)", sh.path, i+1, t.ID)
			bad := func(format string, args ...any) {
				ps = append(ps, Problem{Where: where, What: fmt.Sprintf(format, args...)})
			}
			if t.Amount < 0 {
				bad("a negative amount (%d)", t.Amount)
			}
			switch t.Kind {
			case SCPending:
				pending[t.ID] = t
			case SCAwarded, SCContested, SCCancelled:
				p, ok := pending[t.Ref]
				switch {
				case !ok:
					bad("settles %q, which is not an earlier pending row", t.Ref)
				case settledBy[t.Ref] != "":
					bad("settles %s, already settled by %s", t.Ref, settledBy[t.Ref])
				case p.Alias != t.Alias || p.Amount != t.Amount:
					bad("settles %s (%d SC for %s) with %d SC for %s", t.Ref, p.Amount, p.Alias, t.Amount, t.Alias)
				default:
					settledBy[t.Ref] = t.ID
				}
			default:
				bad("unknown kind %q", t.Kind)
			}
		}
	}
	return ps
}

// Balance is what the SC and SK transactions say an owner has.
type Balance struct {
	SCAwarded, SCPending, SK int
}

// Balances is every owner's balance, from the running sums. An owner
// whose rows sum to nothing may be missing.
func (s *Snapshot) Balances() map[string]Balance {
	out := make(map[string]Balance, s.sums.owners.len())
	s.sums.owners.each(func(alias string, b Balance) { out[alias] = b })
	return out
}

// recomputeBalances sums every owner's balance from the transactions, the
// slow way: what verify holds the running sums to.
func (s *Snapshot) recomputeBalances() map[string]Balance {
	return balances(s.sc.all(), s.sk.all(), func(string) bool { return true })
}

// balances sums the transactions of the owners whose alias passes keep:
// awarded SC, SC still pending (no later row settles it), and SK.
func balances(sc iter.Seq[SCTx], sk iter.Seq[SKTx], keep func(alias string) bool) map[string]Balance {
	out := map[string]Balance{}
	settled := settlements(sc)
	for t := range sc {
		if !keep(t.Alias) {
			continue
		}
		b := out[t.Alias]
		switch {
		case t.Kind == SCAwarded:
			b.SCAwarded += t.Amount
		case t.Kind == SCPending && settled[t.ID] == "":
			b.SCPending += t.Amount
		}
		out[t.Alias] = b
	}
	for t := range sk {
		if keep(t.Alias) {
			b := out[t.Alias]
			b.SK += t.Amount
			out[t.Alias] = b
		}
	}
	return out
}

// settlements maps each settled pending row's ID to the kind of the row
// that settles it.
func settlements(sc iter.Seq[SCTx]) map[string]string {
	out := map[string]string{}
	for t := range sc {
		if t.Kind != SCPending {
			out[t.Ref] = t.Kind
		}
	}
	return out
}
