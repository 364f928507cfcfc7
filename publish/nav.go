package publish

import (
	"go.yaml.in/yaml/v3"
)

// YAML renders the entry as an MkDocs nav list item ("- Title: path" or
// "- Title: [entries…]"), to put under mkdocs.yml's nav: key. Paths are
// prefixed with dir, the section's folder inside the docs folder
// (e.g. "ledger"), or used as they are when dir is empty.
func (n NavItem) YAML(dir string) ([]byte, error) {
	return yaml.Marshal([]any{n.node(dir)})
}

// Paths lists every file path the entry and its children point to.
func (n NavItem) Paths() []string {
	var out []string
	if n.Path != "" {
		out = append(out, n.Path)
	}
	for _, c := range n.Children {
		out = append(out, c.Paths()...)
	}
	return out
}

func (n NavItem) node(dir string) map[string]any {
	if n.Children == nil {
		p := n.Path
		if dir != "" {
			p = dir + "/" + p
		}
		return map[string]any{n.Title: p}
	}
	kids := make([]any, len(n.Children))
	for i, c := range n.Children {
		kids[i] = c.node(dir)
	}
	return map[string]any{n.Title: kids}
}
