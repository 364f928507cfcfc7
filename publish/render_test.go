package publish_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"

	"smartup0.org/engelbot/publish"
)

// TestRenderIsDeterministic renders the same ledger twice, read at
// different moments: the files, the nav and the summary must be the same
// bytes, or every publish would commit a change.
func TestRenderIsDeterministic(t *testing.T) {
	c := newCommunity(t)
	c.populate()
	snap, err := c.l.Snapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	render := func(now time.Time) publish.Site {
		site, err := publish.Render(publish.Input{Ledger: snap.ReadAt(now), Commit: snap.Head(), Treasury: sampleTreasury(), Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return site
	}
	a, b := render(c.clock), render(c.clock.Add(7*time.Hour))
	if len(a.Files) != len(b.Files) {
		t.Fatalf("%d files, then %d", len(a.Files), len(b.Files))
	}
	for p, data := range a.Files {
		if !bytes.Equal(data, b.Files[p]) {
			t.Errorf("%s differs between two renders of the same ledger", p)
		}
	}
	na, _ := a.Nav.YAML("")
	nb, _ := b.Nav.YAML("")
	if !bytes.Equal(na, nb) || a.Summary != b.Summary {
		t.Errorf("nav or summary differ:\n%s\n%s\n%q\n%q", na, nb, a.Summary, b.Summary)
	}
}

var (
	mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	anchor = regexp.MustCompile(`<a id="([^"]+)"></a>`)
)

// TestLargeCommunityStaysInPages renders a generated community of 2,000
// owners and 20,000 tasks: tasks and owners come in pages of at most 250,
// no file is large, every nav path is a file, and every link in the
// Markdown points to a file of the section and, with an anchor, to an
// anchor on that page. (The MkDocs test checks the built site; this one
// checks the layout at a size that build would take long over.)
func TestLargeCommunityStaysInPages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 20,000-task ledger")
	}
	in := generated(t, 2000, 20000)
	site, err := publish.Render(in)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(site.Files); n < 80 || n > 200 {
		t.Errorf("%d files for 20,000 tasks and 2,000 owners; want pages of 250 (about 100 files)", n)
	}
	anchors := map[string]map[string]bool{}
	for p, data := range site.Files {
		if len(data) > 128<<10 {
			t.Errorf("%s is %d bytes", p, len(data))
		}
		if rows := bytes.Count(data, []byte("\n| <a id=")); rows > 250 {
			t.Errorf("%s lists %d entries", p, rows)
		}
		anchors[p] = map[string]bool{}
		for _, m := range anchor.FindAllSubmatch(data, -1) {
			anchors[p][string(m[1])] = true
		}
	}
	for _, p := range site.Nav.Paths() {
		if site.Files[p] == nil {
			t.Errorf("the nav points to %s, which is not in the section", p)
		}
	}
	links := 0
	for p, data := range site.Files {
		if !strings.HasSuffix(p, ".md") {
			continue
		}
		for _, m := range mdLink.FindAllSubmatch(data, -1) {
			links++
			target, frag, _ := strings.Cut(string(m[1]), "#")
			to := path.Join(path.Dir(p), target)
			if site.Files[to] == nil {
				t.Errorf("%s links to %s (%s), which is not in the section", p, m[1], to)
				continue
			}
			if frag != "" && !anchors[to][frag] {
				t.Errorf("%s links to %s, which has no anchor %s", p, to, frag)
			}
		}
	}
	if links < 20000 {
		t.Errorf("only %d links in the section; every task links its owners", links)
	}
	for _, chart := range []string{"charts/sc-awarded-by-team.svg", "charts/treasury-coverage.svg"} {
		checkSVG(t, chart, site.Files[chart])
	}
}

// checkSVG reads a chart as XML: it parses, has a title and a description
// for screen readers and text labels, and holds no script and no link.
func checkSVG(t *testing.T, name string, data []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	seen := map[string]int{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s does not parse as XML: %v", name, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			seen[se.Name.Local]++
			for _, a := range se.Attr {
				if a.Name.Local == "href" || strings.HasPrefix(a.Name.Local, "on") {
					t.Errorf("%s: <%s %s=%q>", name, se.Name.Local, a.Name.Local, a.Value)
				}
			}
		}
	}
	if seen["svg"] != 1 || seen["title"] == 0 || seen["desc"] != 1 || seen["text"] < 5 {
		t.Errorf("%s: elements %v; want one svg with a title, a desc and text labels", name, seen)
	}
	if seen["script"] > 0 || seen["foreignObject"] > 0 || seen["image"] > 0 {
		t.Errorf("%s holds a script, foreign content or an image", name)
	}
}
