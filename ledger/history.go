package ledger

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
)

// VerifyHistory walks the branch's history and checks that every commit
// that changed a ledger file names, in its "Event:" trailers, audit rows
// that exist and list every file it changed. A hand edit — even one that
// keeps the hash chain intact — shows up here.
func (s *Snapshot) VerifyHistory(ctx context.Context, h Historian) ([]Problem, error) {
	var ps []Problem
	err := h.History(ctx, func(c CommitInfo) bool {
		var changed []string
		touchedAudit := false
		for _, f := range c.Files {
			switch {
			case strings.HasPrefix(f, EventsDir+"/"):
				touchedAudit = true
			case isLedgerFile(f):
				changed = append(changed, f)
			}
		}
		if len(changed) == 0 && !touchedAudit {
			return true // not a ledger change (a README, the repository's first commit)
		}
		where := fmt.Sprintf("commit %s by %s (%q)", short(c.ID), c.Author.Name, firstLine(c.Message))
		events := trailers(c.Message)
		if len(events) == 0 {
			for _, f := range changed {
				ps = append(ps, Problem{Where: where, What: "changed " + f + " without an audit row"})
			}
			if touchedAudit {
				ps = append(ps, Problem{Where: where, What: "changed master-events without being a command"})
			}
			return true
		}
		listed := map[string]bool{}
		for _, id := range events {
			e, ok := s.events.find(id)
			if !ok {
				ps = append(ps, Problem{Where: where, What: "names event " + id + ", which has no audit row"})
				continue
			}
			for _, f := range strings.Split(e.Files, ";") {
				listed[f] = true
			}
		}
		for _, f := range changed {
			if !listed[f] && !listed[dirOf(f)] {
				ps = append(ps, Problem{Where: where, What: "changed " + f + ", which none of its audit rows lists"})
			}
		}
		return true
	})
	return ps, err
}

func isLedgerFile(p string) bool {
	for _, prefix := range []string{"indexes/", "pages/", "transactions/"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// dirOf maps a transaction or index shard to the folder audit rows name.
func dirOf(p string) string {
	if d := path.Dir(p); slices.Contains(loadOrder(), d) {
		return d
	}
	return p
}

func trailers(msg string) []string {
	var ids []string
	for _, line := range strings.Split(msg, "\n") {
		if id, ok := strings.CutPrefix(line, eventTrailer); ok && id != "" {
			ids = append(ids, strings.TrimSpace(id))
		}
	}
	return ids
}

func short(id string) string {
	if len(id) > 10 {
		return id[:10]
	}
	return id
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
