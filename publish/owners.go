package publish

import (
	"fmt"
	"strings"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// ownerPages renders the portfolios, pageRows owners a page by alias, and
// the index of those pages. Only public facts: alias, license, status,
// roles, tasks done, SC, SK and the vote weight it gives.
func ownerPages(b *book, files map[string][]byte) {
	var idx strings.Builder
	idx.WriteString("# Owners\n\nEvery owner in the Book of Owners, by alias, with their portfolio.\n\n")
	for start := 0; start < len(b.owners); start += pageRows {
		page := b.owners[start:min(start+pageRows, len(b.owners))]
		p := ownersPagePath(start / pageRows)
		fmt.Fprintf(&idx, "- [%s to %s](%s), %d owner(s)\n", text(page[0].Alias), text(page[len(page)-1].Alias), rel(ownersIndex, p), len(page))

		var w strings.Builder
		fmt.Fprintf(&w, "# Owners %s to %s\n\n", text(page[0].Alias), text(page[len(page)-1].Alias))
		fmt.Fprintf(&w, "All owners: [index](%s). SK is after decay; the vote weight is 1 + SK/1000, at most 1.5.\n\n", rel(p, ownersIndex))
		w.WriteString("| Owner | License | Roles | Tasks done | SC awarded | SC pending | SK | Vote weight |\n")
		w.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- |\n")
		for _, o := range page {
			m := b.wallet(o.Alias)
			license := textOr(o.License, "—")
			if o.Status != ledger.StatusActive {
				license += " (no longer active)"
			}
			fmt.Fprintf(&w, "| <a id=\"%s\"></a>%s | %s | %s | %d | %d | %d | %d | %.2f |\n",
				ownerAnchor(o.Alias), text(o.Alias), license, b.roleList(p, o.Alias), b.doneBy[o.Alias],
				m.scAwarded, m.scPending, m.sk, toolbox.VoteWeight(m.sk))
		}
		files[p] = []byte(w.String())
	}
	if len(b.owners) == 0 {
		idx.WriteString("No owners yet.\n")
	}
	files[ownersIndex] = []byte(idx.String())
}

// roleList names the roles an owner holds, each linked to its team.
func (b *book) roleList(from, alias string) string {
	ids := b.rolesOf[alias]
	if len(ids) == 0 {
		return "—"
	}
	parts := make([]string, 0, len(ids))
	for _, id := range ids {
		r, ok := b.roles[id]
		if !ok {
			parts = append(parts, text(id))
			continue
		}
		name := textOr(r.Title, id)
		if _, ok := b.teamOf[r.Team]; ok {
			name = fmt.Sprintf("[%s](%s)", name, rel(from, teamPagePath(r.Team)))
		}
		parts = append(parts, name)
	}
	return strings.Join(parts, ", ")
}
