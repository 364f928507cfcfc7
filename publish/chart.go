package publish

import (
	"encoding/xml"
	"fmt"
	"slices"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// The charts are SVG drawn here: no script, no font or style from another
// site, a <title> and <desc> for screen readers, and every figure also
// written as text on the chart. They are shown as images, so even a
// hostile name in them could not run.

// palette colours the teams, in the order the teams are sorted; it is
// chosen to stay distinguishable for the common colour-vision deficiencies.
var palette = []string{"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#999999"}

// chartMonths is how many months the SC chart shows, the newest.
const chartMonths = 24

const (
	chartW, chartH               = 900, 400
	left, right, top, plotBottom = 60, 200, 40, 340
)

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// awards is SC awarded per month and team, for the chart and the figures
// beside it.
type awards struct {
	months   []string // YYYY-MM, oldest first, no gaps, the newest chartMonths
	teams    []string // team IDs, sorted ("" for tasks of no known team)
	perMonth map[string]map[string]int
}

func (a awards) total(month string) int {
	sum := 0
	for _, v := range a.perMonth[month] {
		sum += v
	}
	return sum
}

func gatherAwards(b *book) awards {
	teamOfTask := make(map[string]string, len(b.tasks))
	for _, t := range b.tasks {
		teamOfTask[t.ID] = t.Team
	}
	a := awards{perMonth: map[string]map[string]int{}}
	teamsSeen := map[string]bool{}
	for t := range b.tx.SCTxs() {
		if t.Kind != ledger.SCAwarded {
			continue
		}
		m := t.Time.UTC().Format("2006-01")
		team := teamOfTask[t.Task]
		if a.perMonth[m] == nil {
			a.perMonth[m] = map[string]int{}
		}
		a.perMonth[m][team] += t.Amount
		teamsSeen[team] = true
	}
	for m := range a.perMonth {
		a.months = append(a.months, m)
	}
	slices.Sort(a.months)
	a.months = fillMonths(a.months)
	a.months = a.months[max(0, len(a.months)-chartMonths):]
	for t := range teamsSeen {
		a.teams = append(a.teams, t)
	}
	slices.SortFunc(a.teams, compareIDs)
	return a
}

// scByTeamChart draws SC awarded per month as bars stacked by team.
func scByTeamChart(b *book, a awards) []byte {
	months, teams, perMonth := a.months, a.teams, a.perMonth
	var w strings.Builder
	desc := "No SC has been awarded yet."
	if len(months) > 0 {
		desc = fmt.Sprintf("Stacked bars, one per month from %s to %s, each split by team.", months[0], months[len(months)-1])
	}
	svgOpen(&w, "SC awarded per month, by team", desc)
	peak := 0
	for _, m := range months {
		peak = max(peak, a.total(m))
	}
	scale := axis(&w, peak, "SC")
	if len(months) == 0 {
		fmt.Fprintf(&w, `<text x="%d" y="%d" text-anchor="middle">No SC awarded yet</text>`+"\n", (left+chartW-right)/2, (top+plotBottom)/2)
	}
	slot := float64(chartW-left-right) / float64(max(len(months), 1))
	barW := max(slot*0.7, 1)
	for i, m := range months {
		x := float64(left) + slot*float64(i) + (slot-barW)/2
		y := float64(plotBottom)
		sum := 0
		for k, team := range teams {
			v := perMonth[m][team]
			if v == 0 {
				continue
			}
			h := float64(v) * scale
			y -= h
			sum += v
			fmt.Fprintf(&w, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s, %s: %d SC</title></rect>`+"\n",
				x, y, barW, h, palette[k%len(palette)], m, xmlText(b.teamTitle(team)), v)
		}
		if sum > 0 && len(months) <= 13 {
			fmt.Fprintf(&w, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="11">%d</text>`+"\n", x+barW/2, y-4, sum)
		}
		if len(months) <= 13 || i%3 == 0 || i == len(months)-1 {
			fmt.Fprintf(&w, `<text x="%.1f" y="%d" text-anchor="middle" font-size="10">%s</text>`+"\n", x+barW/2, plotBottom+16, m)
		}
	}
	for k, team := range teams {
		name := b.teamTitle(team)
		if team == "" {
			name = "no team"
		}
		y := top + 18*k
		fmt.Fprintf(&w, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/>`+"\n", chartW-right+16, y, palette[k%len(palette)])
		fmt.Fprintf(&w, `<text x="%d" y="%d" font-size="12">%s</text>`+"\n", chartW-right+34, y+11, xmlText(clip(name, 24)))
	}
	w.WriteString("</svg>\n")
	return []byte(w.String())
}

// fillMonths adds the months between the first and the last that have no
// awards, so that the bars keep time.
func fillMonths(months []string) []string {
	if len(months) < 2 {
		return months
	}
	var out []string
	var y, m int
	fmt.Sscanf(months[0], "%d-%d", &y, &m)
	for {
		s := fmt.Sprintf("%04d-%02d", y, m)
		out = append(out, s)
		if s >= months[len(months)-1] || len(out) > 1200 {
			return out
		}
		if m++; m > 12 {
			y, m = y+1, 1
		}
	}
}

// coverageChart draws SC outstanding against the rule's limit (Multiple ×
// the euros in the treasury) after each treasury movement.
func treasuryChart(t Treasury) []byte {
	multiple := int64(t.Multiple)
	if multiple <= 0 {
		multiple = 3
	}
	hist := slices.Clone(t.History)
	slices.SortStableFunc(hist, func(a, b TreasuryPoint) int { return a.Time.Compare(b.Time) })
	var w strings.Builder
	desc := "No treasury movements yet."
	if n := len(hist); n > 0 {
		last := hist[n-1]
		desc = fmt.Sprintf("Two lines over time from %s to %s: SC outstanding (last %d) and the limit, %d times the treasury in euros (last %d).",
			hist[0].Time.UTC().Format("2006-01-02"), last.Time.UTC().Format("2006-01-02"), last.SCOutstanding, multiple, multiple*last.BalanceCents/100)
	}
	svgOpen(&w, "Treasury coverage: SC outstanding against the 3x limit", desc)
	peak := 0
	for _, p := range hist {
		peak = max(peak, p.SCOutstanding, int(multiple*p.BalanceCents/100))
	}
	scale := axis(&w, peak, "SC")
	if len(hist) == 0 {
		fmt.Fprintf(&w, `<text x="%d" y="%d" text-anchor="middle">No treasury movements yet</text>`+"\n", (left+chartW-right)/2, (top+plotBottom)/2)
		w.WriteString("</svg>\n")
		return []byte(w.String())
	}
	t0, t1 := hist[0].Time, hist[len(hist)-1].Time
	span := t1.Sub(t0).Seconds()
	xOf := func(i int) float64 {
		if span <= 0 {
			return float64(left) + float64(chartW-left-right)*float64(i+1)/float64(len(hist)+1)
		}
		return float64(left) + float64(chartW-left-right)*hist[i].Time.Sub(t0).Seconds()/span
	}
	line := func(colour, label string, dash string, v func(TreasuryPoint) int64, row int) {
		var pts []string
		for i, p := range hist {
			// A step line: a value holds until the next movement.
			y := float64(plotBottom) - float64(v(p))*scale
			if i > 0 {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", xOf(i), float64(plotBottom)-float64(v(hist[i-1]))*scale))
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", xOf(i), y))
		}
		fmt.Fprintf(&w, `<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>`+"\n", colour, dash, strings.Join(pts, " "))
		// A dot at each movement, so that a treasury with one movement
		// (a line of one point) still shows where it stands.
		for i, p := range hist {
			fmt.Fprintf(&w, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", xOf(i), float64(plotBottom)-float64(v(p))*scale, colour)
		}
		y := top + 18*row
		fmt.Fprintf(&w, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>`+"\n", chartW-right+14, y+6, chartW-right+30, y+6, colour, dash)
		last := hist[len(hist)-1]
		fmt.Fprintf(&w, `<text x="%d" y="%d" font-size="12">%s: %d</text>`+"\n", chartW-right+34, y+11, label, v(last))
	}
	line(palette[0], "SC outstanding", "", func(p TreasuryPoint) int64 { return int64(p.SCOutstanding) }, 0)
	line(palette[5], fmt.Sprintf("limit (%d × €)", multiple), ` stroke-dasharray="6 4"`, func(p TreasuryPoint) int64 { return multiple * p.BalanceCents / 100 }, 1)
	fmt.Fprintf(&w, `<text x="%d" y="%d" font-size="11">%s</text>`+"\n", left, plotBottom+16, t0.UTC().Format("2006-01-02"))
	if span > 0 {
		fmt.Fprintf(&w, `<text x="%d" y="%d" font-size="11" text-anchor="end">%s</text>`+"\n", chartW-right, plotBottom+16, t1.UTC().Format("2006-01-02"))
	}
	w.WriteString("</svg>\n")
	return []byte(w.String())
}

func svgOpen(w *strings.Builder, title, desc string) {
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="title desc" font-family="sans-serif">`+"\n",
		chartW, chartH, chartW, chartH)
	fmt.Fprintf(w, "<title id=\"title\">%s</title>\n<desc id=\"desc\">%s</desc>\n", xmlText(title), xmlText(desc))
	fmt.Fprintf(w, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", chartW, chartH)
	fmt.Fprintf(w, `<text x="%d" y="24" font-size="15" font-weight="bold">%s</text>`+"\n", left, xmlText(title))
}

// axis draws the y axis up to a round number at or above peak, and
// returns the scale (pixels per unit).
func axis(w *strings.Builder, peak int, unit string) float64 {
	top := niceCeil(peak)
	h := float64(plotBottom - 60)
	fmt.Fprintf(w, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>`+"\n", left, plotBottom, chartW-right, plotBottom)
	for i := 0; i <= 4; i++ {
		v := top * i / 4
		y := float64(plotBottom) - h*float64(i)/4
		fmt.Fprintf(w, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n", left, y, chartW-right, y)
		fmt.Fprintf(w, `<text x="%d" y="%.1f" text-anchor="end" font-size="11">%d</text>`+"\n", left-6, y+4, v)
	}
	fmt.Fprintf(w, `<text x="%d" y="%d" font-size="11">%s</text>`+"\n", left-40, 56-12, unit)
	return h / float64(top)
}

// niceCeil is the top of an axis of four steps at or above n, each step
// 1, 2, 2.5 or 5 times a power of ten (at least 1).
func niceCeil(n int) int {
	need := (n + 3) / 4
	for p := 1; ; p *= 10 {
		for _, m := range []int{10, 20, 25, 50} {
			if step := m * p / 10; step >= 1 && step*10 == m*p && step >= need {
				return 4 * step
			}
		}
	}
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
