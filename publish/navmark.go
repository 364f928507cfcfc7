package publish

import (
	"fmt"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Which nav entry is publish's is never guessed from where its pages lie:
// a person's shortcut into the section ("- Our books: ledger/index.md")
// looks the same. Publish writes a comment on its entry's first line and
// knows its entry by that comment alone; a nav without it gets a new
// entry at its end.

// navMark is the comment on the first line of the nav entry publish owns.
const navMark = "# written by engelbot publish"

// marked reports whether a nav item carries navMark on its first line.
// The YAML parser hangs the comment on the item, its title or, for a
// single page, its path.
func marked(item *yaml.Node) bool {
	nodes := []*yaml.Node{item}
	if item.Kind == yaml.MappingNode {
		nodes = append(nodes, item.Content...)
	}
	for _, n := range nodes {
		if n.Line == item.Line && strings.TrimSpace(n.LineComment) == navMark {
			return true
		}
	}
	return false
}

// ownEntry is the index of the top-level nav entry publish owns, -1 when
// there is none. Two marked entries (a copied one) are refused: publish
// cannot tell which to keep.
func (m *mkdocs) ownEntry() (int, error) {
	own := -1
	for i, item := range m.nav.Content {
		if !marked(item) {
			continue
		}
		if own >= 0 {
			return -1, fmt.Errorf("%w: two nav entries (lines %d and %d) carry %q; remove the mark from the one publish does not own",
				ErrBadMkDocs, m.nav.Content[own].Line, item.Line, navMark)
		}
		own = i
	}
	return own, nil
}

// checkNavLinks refuses a nav any entry of which, anywhere, points into
// the section's folder at a page the site does not have: MkDocs fails a
// strict build on it. Such an entry is a person's (publish's own lists
// only the site's pages), pointing at a page publish no longer writes;
// publish will not delete the page under it, nor edit a person's entry.
func checkNavLinks(nav *yaml.Node, folder string, site Site) error {
	var walk func(n *yaml.Node, title string) error
	walk = func(n *yaml.Node, title string) error {
		switch n.Kind {
		case yaml.ScalarNode:
			p := path.Clean(n.Value)
			if p != folder && !strings.HasPrefix(p, folder+"/") {
				return nil
			}
			if _, ok := site.Files[strings.TrimPrefix(p, folder+"/")]; !ok {
				return fmt.Errorf("%w: its nav entry %q (line %d) points at %s, which publish does not write; "+
					"change or remove that entry", ErrBadMkDocs, title, n.Line, n.Value)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if err := walk(n.Content[i+1], n.Content[i].Value); err != nil {
					return err
				}
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				if err := walk(c, title); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(nav, "nav")
}
