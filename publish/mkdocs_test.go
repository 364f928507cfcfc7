package publish_test

import (
	"bytes"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"smartup0.org/engelbot/publish"
)

// siteConfig is a hand-written mkdocs.yml of the kind a community writes:
// the Material theme and the Markdown extensions such sites enable, each of
// which gives typed text another way to become markup. The nav holds the
// hand-written pages and, under "ledger/", the section's entry.
const siteConfig = `site_name: Test community
theme:
  name: material
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.betterem
  - pymdownx.caret
  - pymdownx.critic
  - pymdownx.details
  - pymdownx.emoji
  - pymdownx.inlinehilite
  - pymdownx.keys
  - pymdownx.magiclink
  - pymdownx.mark
  - pymdownx.smartsymbols
  - pymdownx.superfences
  - pymdownx.tasklist
  - pymdownx.tilde
nav:
  - Home: index.md
  - About: about.md
`

// TestMkDocsBuildsThePublishedSection builds a site holding hand-written
// pages and the rendered section with the real MkDocs (--strict: any
// warning fails), then reads the built HTML: every internal link and image
// resolves to a file (and a link's anchor to an element of it), and every
// hostile title is shown as the text it is.
func TestMkDocsBuildsThePublishedSection(t *testing.T) {
	mkdocs := needMkDocs(t)
	c := newCommunity(t)
	c.populate()
	site := c.render(sampleTreasury())

	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	write := func(p string, data []byte) {
		t.Helper()
		full := filepath.Join(docs, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("index.md", []byte("# Welcome\n\nThe community's own page. See [the ledger](ledger/index.md) and [about us](about.md).\n"))
	write("about.md", []byte("# About\n\nWritten by hand.\n"))
	for p, data := range site.Files {
		write("ledger/"+p, data)
	}
	nav, err := site.Nav.YAML("ledger")
	if err != nil {
		t.Fatal(err)
	}
	cfg := siteConfig + indent(string(nav), "  ")
	if err := os.WriteFile(filepath.Join(dir, "mkdocs.yml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range site.Nav.Paths() {
		if site.Files[p] == nil {
			t.Errorf("the nav points to %s, which the section does not hold", p)
		}
	}

	out := filepath.Join(dir, "site")
	cmd := exec.Command(mkdocs, "build", "--strict", "--site-dir", out)
	cmd.Dir = dir
	logs, err := cmd.CombinedOutput()
	if err != nil || bytes.Contains(logs, []byte("WARNING")) {
		t.Fatalf("mkdocs build --strict: %v\n%s\nmkdocs.yml:\n%s", err, logs, cfg)
	}

	pages := readBuilt(t, out)
	checkLinks(t, out, pages)
	checkHostile(t, pages)
}

// needMkDocs finds mkdocs, or skips — a failure when CI is set, where a
// missing tool must not pass for a passing test.
func needMkDocs(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("mkdocs")
	if err != nil {
		msg := "mkdocs is not installed: apt-get install -y mkdocs mkdocs-material (or scripts/install-servers.sh)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

func indent(s, by string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = by + l
	}
	return strings.Join(lines, "\n") + "\n"
}

// built is one HTML file of the built site.
type built struct {
	doc *html.Node
	ids map[string]bool
}

func readBuilt(t *testing.T, root string) map[string]*built {
	t.Helper()
	pages := map[string]*built{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := html.Parse(f)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		b := &built{doc: doc, ids: map[string]bool{}}
		walk(doc, func(n *html.Node) {
			if id := attr(n, "id"); id != "" {
				b.ids[id] = true
			}
		})
		pages[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages["ledger/index.html"] == nil {
		t.Fatalf("the build has no ledger/index.html; it has %d pages", len(pages))
	}
	return pages
}

// checkLinks resolves every internal href and src of every page to a file
// of the build, and the anchor of every link into the section to an
// element of its page.
func checkLinks(t *testing.T, root string, pages map[string]*built) {
	t.Helper()
	checked := 0
	for from, b := range pages {
		walk(b.doc, func(n *html.Node) {
			for _, key := range []string{"href", "src"} {
				v := attr(n, key)
				if v == "" || n.Type != html.ElementNode {
					continue
				}
				u, err := url.Parse(v)
				if err != nil {
					t.Errorf("%s: %s=%q does not parse", from, key, v)
					continue
				}
				if u.Scheme != "" || u.Host != "" || strings.HasPrefix(v, "//") {
					if strings.HasPrefix(from, "ledger/") && n.Data != "link" && n.Data != "script" {
						if strings.Contains(v, "evil") {
							t.Errorf("%s: a link or image to another site: %s", from, v)
						}
					}
					continue
				}
				target := from
				if u.Path != "" {
					target = path.Join(path.Dir(from), u.Path)
					if strings.HasSuffix(u.Path, "/") || u.Path == "." || u.Path == ".." {
						target = path.Join(target, "index.html")
					}
				}
				checked++
				if !exists(root, pages, target) {
					t.Errorf("%s: %s=%q points to %s, which the build does not hold", from, key, v, target)
					continue
				}
				if u.Fragment != "" && strings.HasPrefix(target, "ledger/") && pages[target] != nil && !pages[target].ids[u.Fragment] {
					t.Errorf("%s: %q points to #%s, which %s does not have", from, v, u.Fragment, target)
				}
			}
		})
	}
	if checked < 50 {
		t.Errorf("only %d internal links were checked; the section should link far more", checked)
	}
}

// exists reports whether the build holds a file at target.
func exists(root string, pages map[string]*built, target string) bool {
	if pages[target] != nil {
		return true
	}
	_, err := os.Stat(filepath.Join(root, filepath.FromSlash(target)))
	return err == nil
}

// checkHostile finds each hostile title in a table cell of its task page
// whose text is exactly the title: had any of it become markup, the cell's
// text would differ. No element of the section carries an event handler,
// and its only scripts are the theme's own.
func checkHostile(t *testing.T, pages map[string]*built) {
	t.Helper()
	cells := map[string]bool{}
	for p, b := range pages {
		if !strings.HasPrefix(p, "ledger/") {
			continue
		}
		walk(b.doc, func(n *html.Node) {
			if n.Type != html.ElementNode {
				return
			}
			if n.Data == "td" {
				cells[textOf(n)] = true
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Errorf("%s: <%s %s=%q>: an event handler in the section", p, n.Data, a.Key, a.Val)
				}
			}
			if n.Data == "script" && !strings.Contains(attr(n, "src"), "assets/") && strings.Contains(textOf(n), "alert") {
				t.Errorf("%s: a script in the section: %s", p, textOf(n))
			}
			if n.Data == "img" && !strings.HasSuffix(attr(n, "src"), ".svg") {
				t.Errorf("%s: an image that is not one of the charts: %s", p, attr(n, "src"))
			}
			if strings.Contains(attr(n, "class"), "admonition") {
				t.Errorf("%s: an admonition in the section", p)
			}
		})
	}
	for _, title := range hostileTitles {
		if !cells[title] {
			t.Errorf("no table cell shows the title %q as text", title)
		}
	}
	// A team's name is its page's heading, a role's title is in bold on
	// its team's page, an objective's title is in the tree.
	for _, want := range []struct{ page, element, text string }{
		{"ledger/teams/" + hostileTeam + "/index.html", "h1", hostileTitles[0]},
		{"ledger/teams/" + ops + "/index.html", "strong", hostileTitles[1]},
		{"ledger/objectives/index.html", "li", hostileTitles[2]},
	} {
		b := pages[want.page]
		if b == nil {
			t.Errorf("the build has no %s", want.page)
			continue
		}
		found := false
		walk(b.doc, func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == want.element && strings.Contains(textOf(n), want.text) {
				// toc's permalink adds a ¶ to each heading.
				found = found || want.element != "h1" || strings.TrimSpace(strings.TrimSuffix(textOf(n), "¶")) == want.text
			}
		})
		if !found {
			t.Errorf("%s: no <%s> shows %q as text", want.page, want.element, want.text)
		}
	}
	if t.Failed() {
		var seen []string
		for c := range cells {
			if strings.ContainsAny(c, "<[!{#|`-&@*") {
				seen = append(seen, c)
			}
		}
		slices.Sort(seen)
		t.Logf("cells with punctuation: %q", seen)
	}
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return strings.TrimSpace(b.String())
}

// The minimal mkdocs.yml publish writes for a site without one builds
// strictly, and its nav holds the home page and the section's entry only:
// a page of the section reached by links (a task page) is not listed in
// the site's navigation, as it would be with no nav at all.
func TestMkDocsBuildsTheMinimalConfig(t *testing.T) {
	mkdocs := needMkDocs(t)
	root := filepath.Join(t.TempDir(), "site")
	if err := os.MkdirAll(filepath.Join(root, "docs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "docs", "index.md"), []byte("# Home\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	site := publish.Site{
		Files: map[string][]byte{
			"index.md":         []byte("# Ledger\n\nSee [a task](tasks/t-001.md).\n"),
			"tasks/t-001.md":   []byte("# Task one\n"),
			"activity.md":      []byte("# Activity\n"),
			"charts/chart.svg": []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`),
		},
		Nav: publish.NavItem{Title: "On", Children: []publish.NavItem{
			{Title: "Overview", Path: "index.md"}, {Title: "Activity", Path: "activity.md"},
		}},
	}
	if _, err := publish.Apply(t.Context(), publish.Dir{Root: root}, site, publish.Target{Folder: "ledger"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "built")
	cmd := exec.Command(mkdocs, "build", "--strict", "--site-dir", out)
	cmd.Dir = root
	logs, err := cmd.CombinedOutput()
	conf, _ := os.ReadFile(filepath.Join(root, "mkdocs.yml"))
	if err != nil || bytes.Contains(logs, []byte("WARNING")) {
		t.Fatalf("mkdocs build --strict: %v\n%s\nmkdocs.yml:\n%s", err, logs, conf)
	}
	pages := readBuilt(t, out)
	var nav []string
	walk(pages["index.html"].doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" && strings.Contains(attr(n, "class"), "md-nav__link") {
			nav = append(nav, attr(n, "href"))
		}
	})
	if !slices.Contains(nav, "ledger/activity/") || slices.Contains(nav, "ledger/tasks/t-001/") {
		t.Errorf("the site's navigation links %q; want the section's nav entry and no task page\nmkdocs.yml:\n%s", nav, conf)
	}
	if pages["ledger/tasks/t-001/index.html"] == nil {
		t.Error("the task page was not built")
	}
	if _, err := os.Stat(filepath.Join(out, "ledger", publish.MarkerFile)); err == nil {
		t.Errorf("the built site holds %s", publish.MarkerFile)
	}
}
