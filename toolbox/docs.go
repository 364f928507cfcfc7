package toolbox

import (
	"fmt"
	"strings"
)

// CommandsMarkdown renders the registry as docs/commands.md: the one
// source of !help, usage errors and the documentation.
func CommandsMarkdown() string {
	var b strings.Builder
	b.WriteString("# Engelbot commands\n\n")
	b.WriteString("<!-- Generated from the command registry (toolbox/registry.go) by `make docs`; do not edit. -->\n\n")
	b.WriteString("Type a command in any room Engelbot is in, or in a direct chat with it. ")
	b.WriteString("Who may use a command is its tier:\n\n")
	b.WriteString("| tier | who |\n| --- | --- |\n")
	for _, t := range []struct {
		tier Tier
		who  string
	}{
		{TierQuery, "every owner in the Book of Owners"},
		{TierWorker, "owners holding an active role, with a Work or Organizational license"},
		{TierCaptain, "the team's captain; the founder"},
		{TierAdmin, "the founder and configured admins"},
	} {
		fmt.Fprintf(&b, "| %s | %s |\n", t.tier, t.who)
	}
	b.WriteString("\nWhere a command may be used is the kind of room it belongs in ([Rooms](../README.md#rooms) in the README); ")
	b.WriteString("sent anywhere else, it is refused with the alias of the room to use instead:\n\n")
	b.WriteString("| where | commands |\n| --- | --- |\n")
	for _, w := range []Where{WhereAnywhere, WhereWork, WhereTeamRoom, WhereDirect, WhereForum} {
		var names []string
		for _, c := range registry {
			if c.where() == w {
				names = append(names, "`!"+c.Name+"`")
			}
		}
		if len(names) > 0 {
			fmt.Fprintf(&b, "| %s | %s |\n", w, strings.Join(names, ", "))
		}
	}
	b.WriteString("\n| command | tier | where | does |\n| --- | --- | --- | --- |\n")
	for _, c := range registry {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", cell(c.Usage()), c.Tier, c.where(), cell(c.Summary))
	}
	for _, c := range registry {
		fmt.Fprintf(&b, "\n## %s\n\n`%s` — %s, in %s\n\n%s\n", c.Name, c.Usage(), c.Tier, c.where(), c.Help)
		if len(c.Params) > 0 {
			fmt.Fprintf(&b, "\n%s", argsDoc(c))
		}
		if len(c.Aliases) > 0 {
			fmt.Fprintf(&b, "\nAlso: `!%s`\n", strings.Join(c.Aliases, "`, `!"))
		}
	}
	return b.String()
}

// cell escapes a table cell's pipes: GitHub's tables split on them even
// inside code spans, unless escaped.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
