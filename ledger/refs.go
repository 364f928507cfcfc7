package ledger

import (
	"slices"
	"strings"
)

// ownerRefs are the keys of the rows that concern one owner, in file order:
// the index that lets a query about one owner skip the other 99,999 tasks.
type ownerRefs struct {
	tasks, assignments []string
	// open is the sessions still open: a start or stop looks at these, not
	// at every session the owner ever had (most of them held packed).
	open []string
}

// refIndex maps an alias to its ownerRefs. Like everything in a snapshot it
// is never changed once built; a commit copies what it changes.
type refIndex map[string]*ownerRefs

func buildRefs(t *tables) refIndex {
	refs := refIndex{}
	at := func(alias string) *ownerRefs {
		r := refs[alias]
		if r == nil {
			r = &ownerRefs{}
			refs[alias] = r
		}
		return r
	}
	t.tasks.each(func(task *Task) bool {
		for _, a := range taskOwners(*task) {
			at(a).tasks = append(at(a).tasks, task.ID)
		}
		return true
	})
	t.assignments.each(func(a *Assignment) bool {
		at(a.Alias).assignments = append(at(a.Alias).assignments, a.ID)
		return true
	})
	t.sessions.each(func(s *Session) bool {
		if s.State == SessionOpen { // slices of their file (loadValues)
			r := at(strings.Clone(s.Alias))
			r.open = append(r.open, strings.Clone(s.ID))
		}
		return true
	})
	// Appending left each list with up to twice the room it needs; a
	// large ledger's lists are kept for its whole life, so keep them exact.
	for _, r := range refs {
		r.tasks, r.assignments, r.open = slices.Clip(slices.Clone(r.tasks)), slices.Clip(slices.Clone(r.assignments)), slices.Clip(slices.Clone(r.open))
	}
	return refs
}

func taskOwners(t Task) []string {
	switch {
	case t.Attacker == "" && t.Defender == "":
		return nil
	case t.Defender == "" || t.Defender == t.Attacker:
		return []string{t.Attacker}
	case t.Attacker == "":
		return []string{t.Defender}
	}
	return []string{t.Attacker, t.Defender}
}

// updated returns the index after the transaction's changes, copying only
// the entries of the owners whose rows changed.
func (refs refIndex) updated(tx *Tx) refIndex {
	if len(tx.tasks.done) == 0 && len(tx.assignments.done) == 0 && len(tx.sessions.done) == 0 {
		return refs
	}
	next := make(refIndex, len(refs)+4)
	for k, v := range refs {
		next[k] = v
	}
	copied := map[string]bool{}
	at := func(alias string) *ownerRefs {
		if !copied[alias] {
			cp := &ownerRefs{}
			if old := next[alias]; old != nil {
				*cp = ownerRefs{tasks: slices.Clone(old.tasks), assignments: slices.Clone(old.assignments), open: slices.Clone(old.open)}
			}
			next[alias] = cp
			copied[alias] = true
		}
		return next[alias]
	}
	move := func(key string, before, after []string, list func(*ownerRefs) *[]string) {
		for _, a := range before {
			if !slices.Contains(after, a) {
				l := list(at(a))
				*l = slices.DeleteFunc(*l, func(k string) bool { return k == key })
			}
		}
		for _, a := range after {
			if !slices.Contains(before, a) {
				l := list(at(a))
				*l = append(*l, key)
			}
		}
	}
	for k, t := range tx.tasks.done {
		var before []string
		if old, ok := tx.snap.tasks.get(k); ok {
			before = taskOwners(*old)
		}
		move(k, before, taskOwners(*t), func(r *ownerRefs) *[]string { return &r.tasks })
	}
	for k, a := range tx.assignments.done {
		var before []string
		if old, ok := tx.snap.assignments.get(k); ok {
			before = []string{old.Alias}
		}
		move(k, before, []string{a.Alias}, func(r *ownerRefs) *[]string { return &r.assignments })
	}
	for k, s := range tx.sessions.done {
		var openBefore, openAfter []string
		if old, ok := tx.snap.sessions.get(k); ok && old.State == SessionOpen {
			openBefore = []string{old.Alias}
		}
		if s.State == SessionOpen {
			openAfter = []string{s.Alias}
		}
		move(k, openBefore, openAfter, func(r *ownerRefs) *[]string { return &r.open })
	}
	return next
}

// rowsOf returns the current rows of o that concern alias: those the
// snapshot's index lists, and those changed in the transaction, each kept
// only if it still concerns alias.
func rowsOf[R record](o *overlay[R], indexed []string, concerns func(R) bool) []R {
	var out []R
	seen := make(map[string]bool, len(indexed))
	for _, k := range indexed {
		seen[k] = true
		if r, ok := o.get(k); ok && concerns(r) {
			out = append(out, r)
		}
	}
	for _, k := range o.changedKeys() {
		if seen[k] {
			continue
		}
		if r, ok := o.get(k); ok && concerns(r) {
			out = append(out, r)
		}
	}
	return out
}
