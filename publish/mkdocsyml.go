package publish

import (
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The site's mkdocs.yml is usually written by hand: comments, custom tags
// such as !!python/name:, an order people chose. Publish owns at most one
// entry of its nav, so it edits the file as text: the YAML parser only
// says on which lines the nav's entries are, and publish replaces or adds
// the lines of its own entry, leaving every other byte as it was.

// MkDocsFile is the site configuration's path in the site repository:
// the name MkDocs reads first, and the one publish writes when there is
// none. mkdocsYAML is the other name MkDocs reads, when there is no
// mkdocs.yml.
const (
	MkDocsFile = "mkdocs.yml"
	mkdocsYAML = "mkdocs.yaml"
)

// configFile is the configuration MkDocs builds a repository holding files
// with: mkdocs.yml, else mkdocs.yaml, else none yet (MkDocsFile, the one
// publish would write). Editing another than the one MkDocs reads would
// change nothing, and writing mkdocs.yml beside a mkdocs.yaml would
// silently replace a person's configuration.
func configFile(files map[string]string) string {
	if _, ok := files[MkDocsFile]; !ok {
		if _, ok := files[mkdocsYAML]; ok {
			return mkdocsYAML
		}
	}
	return MkDocsFile
}

// defaultDocsDir is MkDocs' docs_dir when mkdocs.yml names none.
const defaultDocsDir = "docs"

// ErrBadMkDocs: the site's mkdocs.yml cannot be read or edited safely;
// publish writes nothing until a person fixes it.
var ErrBadMkDocs = errors.New("the site's mkdocs.yml cannot be edited safely")

// mkdocs is a parsed mkdocs.yml: its text and where its nav is.
type mkdocs struct {
	lines []string // the file's lines, each without its line ending
	// ends holds each line's own ending ("\n", "\r\n", or "" for a last
	// line without one): a file may mix them, and publish keeps every
	// line it does not write as it was.
	ends    []string
	eol     string // the ending of the lines publish writes: the file's usual one
	docsDir string
	// nav is the nav sequence; nil when the file has no nav, in which
	// case MkDocs lists every page by itself.
	nav *yaml.Node
	// navEnd is the 0-based index of the line after the nav's last line.
	navEnd int
}

// parseMkDocs reads the site configuration, named name. A file that does
// not parse, or whose nav is not a block sequence publish can edit line
// by line, is refused.
func parseMkDocs(name string, data []byte) (*mkdocs, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %s does not parse: %v", ErrBadMkDocs, name, err)
	}
	m := &mkdocs{docsDir: defaultDocsDir}
	if err := m.splitLines(string(data)); err != nil {
		return nil, fmt.Errorf("%w: %s %v", ErrBadMkDocs, name, err)
	}
	if len(doc.Content) == 0 {
		return m, nil // an empty file: no nav, the default docs_dir
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: %s is not a mapping of settings", ErrBadMkDocs, name)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		switch key.Value {
		case "docs_dir":
			dir, err := cleanRelative(val.Value)
			if val.Kind != yaml.ScalarNode || err != nil {
				return nil, fmt.Errorf("%w: its docs_dir %q is not a folder inside the repository", ErrBadMkDocs, val.Value)
			}
			m.docsDir = dir
		case "nav":
			if val.Kind == yaml.ScalarNode && val.Tag == "!!null" {
				continue // "nav:" with nothing: MkDocs lists every page
			}
			if val.Kind != yaml.SequenceNode || val.Style&yaml.FlowStyle != 0 || len(val.Content) == 0 {
				return nil, fmt.Errorf("%w: its nav is not a list written one entry per line (\"- Title: page.md\"); publish edits only such a nav", ErrBadMkDocs)
			}
			m.nav = val
			m.navEnd = len(m.lines)
			if i+2 < len(root.Content) {
				// The nav ends before the next setting's key.
				m.navEnd = root.Content[i+2].Line - 1
				if root.Content[i+2].Line <= key.Line {
					return nil, fmt.Errorf("%w: its nav shares lines with other settings", ErrBadMkDocs)
				}
			}
		}
	}
	return m, nil
}

// entryLines is where nav entry i is: from its first line (the one with
// its dash) to the line after its last, leaving out the blank lines and
// comments that follow it (they belong to what comes next).
func (m *mkdocs) entryLines(i int) (start, end int) {
	item := m.nav.Content[i]
	start = item.Line - 1
	// The dash may stand alone on the line before the entry's content.
	if before := m.lines[start][:min(item.Column-1, len(m.lines[start]))]; !strings.Contains(before, "-") {
		for start > 0 && strings.TrimSpace(m.lines[start-1]) == "" {
			start--
		}
		start--
	}
	end = m.navEnd
	if i+1 < len(m.nav.Content) {
		next, _ := m.entryLines(i + 1)
		end = next
	}
	for end > start+1 {
		t := strings.TrimSpace(m.lines[end-1])
		if t != "" && !strings.HasPrefix(t, "#") {
			break
		}
		end--
	}
	return start, end
}

// dashIndent is the indentation of the nav's entries, as written.
func (m *mkdocs) dashIndent() string {
	start, _ := m.entryLines(0)
	line := m.lines[start]
	return line[:len(line)-len(strings.TrimLeft(line, " "))]
}

// navPages lists the pages a nav entry points at, to compare the entry
// read back with the one written.
func navPages(n *yaml.Node) []string {
	switch n.Kind {
	case yaml.ScalarNode:
		return []string{n.Value}
	case yaml.MappingNode:
		var pages []string
		for i := 1; i < len(n.Content); i += 2 {
			pages = append(pages, navPages(n.Content[i])...)
		}
		return pages
	case yaml.SequenceNode:
		var pages []string
		for _, c := range n.Content {
			pages = append(pages, navPages(c)...)
		}
		return pages
	}
	return []string{"?"} // an alias or anything else: not publish's
}

// withEntry returns the file with publish's nav entry set to entry (YAML
// lines for one sequence item, without indentation): it replaces the
// entry publish owns (the one with its mark), or adds it at the end of
// the nav. A file without a nav is returned as it is.
func (m *mkdocs) withEntry(entry []string) ([]byte, error) {
	if m.nav == nil {
		return m.spliced(0, 0, nil), nil
	}
	own, err := m.ownEntry()
	if err != nil {
		return nil, err
	}
	indent := m.dashIndent()
	var block []string
	for _, l := range entry {
		block = append(block, indent+l)
	}
	var start, end int
	if own >= 0 {
		start, end = m.entryLines(own)
	} else {
		_, end = m.entryLines(len(m.nav.Content) - 1)
		start = end
	}
	return m.spliced(start, end, block), nil
}

// splitLines cuts text into lines as the YAML parser counts them, each
// with its own ending. A lone carriage return is a line break to YAML but
// not to the line-by-line edit, which would then miss its lines: refused.
func (m *mkdocs) splitLines(text string) error {
	if strings.Contains(strings.ReplaceAll(text, "\r\n", ""), "\r") {
		return errors.New("has a line ending publish cannot edit (a carriage return alone)")
	}
	crlf := 0
	for text != "" {
		line, rest, found := strings.Cut(text, "\n")
		end := ""
		if found {
			end = "\n"
			if l, ok := strings.CutSuffix(line, "\r"); ok {
				line, end = l, "\r\n"
				crlf++
			}
		}
		m.lines, m.ends = append(m.lines, line), append(m.ends, end)
		text = rest
	}
	m.eol = "\n"
	if 2*crlf > len(m.lines) {
		m.eol = "\r\n"
	}
	return nil
}

// spliced is the file with lines [start, end) replaced by block, each line
// of block ending as the file's usual line does; every other byte is
// kept.
func (m *mkdocs) spliced(start, end int, block []string) []byte {
	var b strings.Builder
	for i := 0; i < start; i++ {
		b.WriteString(m.lines[i])
		if m.ends[i] == "" {
			b.WriteString(m.eol) // the old last line, now followed by the block
		} else {
			b.WriteString(m.ends[i])
		}
	}
	for i, l := range block {
		b.WriteString(l)
		if i < len(block)-1 || end < len(m.lines) || len(m.lines) == 0 || m.ends[len(m.lines)-1] != "" {
			b.WriteString(m.eol)
		}
	}
	for i := end; i < len(m.lines); i++ {
		b.WriteString(m.lines[i] + m.ends[i])
	}
	return []byte(b.String())
}

// navEntry is one nav sequence item for item, its page paths prefixed
// with the section's folder, as lines without the nav's indentation. Its
// first line carries navMark.
// Every title and path is written double-quoted: MkDocs reads YAML 1.1,
// where a plain On, No, 12:30 or null is no string (the nav would show
// "True"), and a quoted title cannot change the file's structure.
func navEntry(item NavItem, folder string) []string {
	var lines []string
	var add func(n NavItem, depth int)
	add = func(n NavItem, depth int) {
		line := strings.Repeat("    ", depth) + "- " + yamlString(n.Title) + ":"
		if n.Path != "" {
			lines = append(lines, line+" "+yamlString(folder+"/"+n.Path))
			return
		}
		lines = append(lines, line)
		for _, c := range n.Children {
			add(c, depth+1)
		}
	}
	add(item, 0)
	lines[0] += " " + navMark
	return lines
}

// yamlString is s as a double-quoted YAML scalar on one line. Go's quoting
// writes only escapes YAML's double-quoted style shares (\", \\, \n, \t,
// \xNN, \uNNNN, \UNNNNNNNN, …); invalid UTF-8 is replaced first, since
// YAML reads \xNN as a character, not a byte.
func yamlString(s string) string {
	return strconv.Quote(strings.ToValidUTF8(s, "\uFFFD"))
}

func navNode(item NavItem, folder string) *yaml.Node {
	key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: item.Title}
	var val *yaml.Node
	if item.Path != "" {
		val = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: folder + "/" + item.Path}
	} else {
		val = &yaml.Node{Kind: yaml.SequenceNode}
		for _, c := range item.Children {
			val.Content = append(val.Content, navNode(c, folder))
		}
	}
	return &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{key, val}}
}

// minimalMkDocs is the mkdocs.yml of a site repository that had none: a
// site name, the Material theme, and a nav of the home page (index.md,
// when the repository has one) and entry, the section's nav entry.
// Without a nav MkDocs would list every page of the section, thousands of
// task and owner pages; pages a person adds later need their own entry.
func minimalMkDocs(siteName string, home bool, entry []string) []byte {
	var b strings.Builder
	b.WriteString("# The public site's MkDocs configuration. Engelbot wrote this first\n" +
		"# version; edit it freely: publishing changes only its own nav entry,\n" +
		"# the one marked \"" + strings.TrimPrefix(navMark, "# ") + "\".\n")
	b.WriteString("site_name: " + yamlString(siteName) + "\ntheme:\n  name: material\nnav:\n")
	if home {
		b.WriteString("  - " + yamlString("Home") + ": " + yamlString("index.md") + "\n")
	}
	for _, l := range entry {
		b.WriteString("  " + l + "\n")
	}
	return []byte(b.String())
}

// cleanRelative checks that p is a relative path inside the repository
// and returns it cleaned.
func cleanRelative(p string) (string, error) {
	c := path.Clean(strings.TrimSuffix(p, "/"))
	if p == "" || c == "." || path.IsAbs(c) || c == ".." || strings.HasPrefix(c, "../") || strings.Contains(p, "\\") {
		return "", fmt.Errorf("%q is not a folder inside the repository", p)
	}
	return c, nil
}
