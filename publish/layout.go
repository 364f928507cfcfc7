package publish

import (
	"fmt"
	"path"
	"strings"
)

// The section's layout. Each path is relative to the section's folder.
const (
	indexPath      = "index.md"
	objectivesPath = "objectives.md"
	activityPath   = "activity.md"
	tasksIndexPath = "tasks/index.md"
	ownersIndex    = "owners/index.md"
	scChartPath    = "charts/sc-awarded-by-team.svg"
	coverageChart  = "charts/treasury-coverage.svg"
)

func teamPagePath(team string) string { return "teams/" + slug(team) + ".md" }

func ownersPagePath(n int) string { return fmt.Sprintf("owners/%03d.md", n+1) }

func taskPagePath(team, objective string, n int) string {
	obj := "no-objective"
	if objective != "" {
		obj = slug(objective)
	}
	return fmt.Sprintf("tasks/%s/%s-%03d.md", slug(team), obj, n+1)
}

// taskAnchor and ownerAnchor are the HTML anchors of a task's and an
// owner's entry on their page.
func taskAnchor(id string) string     { return "t-" + slug(id) }
func ownerAnchor(alias string) string { return "o-" + slug(alias) }

// rel is the link from the page at from to the file at to, both relative
// to the section's folder.
func rel(from, to string) string {
	fromDir := path.Dir(from)
	if fromDir == "." {
		return to
	}
	up := strings.Count(fromDir, "/") + 1
	// Share what the two have in common.
	fd, td := strings.Split(fromDir, "/"), strings.Split(path.Dir(to), "/")
	common := 0
	for common < len(fd) && common < len(td) && fd[common] == td[common] && path.Dir(to) != "." {
		common++
	}
	up -= common
	rest := strings.Join(strings.Split(to, "/")[common:], "/")
	return strings.Repeat("../", up) + rest
}

// ownerLink links an alias to the owner's entry, or shows it as text when
// the Book of Owners does not hold it.
func (b *book) ownerLink(from, alias string) string {
	if alias == "" {
		return "—"
	}
	p, ok := b.ownerPage[alias]
	if !ok {
		return text(alias)
	}
	return fmt.Sprintf("[%s](%s#%s)", text(alias), rel(from, p), ownerAnchor(alias))
}

// taskLink links a task ID to its entry.
func (b *book) taskLink(from, id string) string {
	p, ok := b.taskPage[id]
	if !ok {
		return text(id)
	}
	return fmt.Sprintf("[%s](%s#%s)", text(id), rel(from, p), taskAnchor(id))
}

// teamLink links a team to its page.
func (b *book) teamLink(from, team string) string {
	if _, ok := b.teamOf[team]; !ok {
		return textOr(team, "no team")
	}
	return fmt.Sprintf("[%s](%s)", text(b.teamTitle(team)), rel(from, teamPagePath(team)))
}

// teamTitle is a team's name, or its ID when it has none.
func (b *book) teamTitle(team string) string {
	if t, ok := b.teamOf[team]; ok && strings.TrimSpace(t.Name) != "" {
		return t.Name
	}
	return team
}
