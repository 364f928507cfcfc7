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
	b.WriteString("Who may use a command, and where, is its tier:\n\n")
	b.WriteString("| tier | who | where |\n| --- | --- | --- |\n")
	for _, t := range []struct {
		tier       Tier
		who, where string
	}{
		{TierQuery, "every owner in the Book of Owners", "any room, or a direct chat"},
		{TierWorker, "owners holding an active role, with a Work or Organizational license", "any room, or a direct chat"},
		{TierCaptain, "the team's captain; the founder", "the team's own room (the founder: anywhere)"},
		{TierAdmin, "the founder and configured admins", "a direct chat with the bot only"},
	} {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", t.tier, t.who, t.where)
	}
	b.WriteString("\n| command | tier | does |\n| --- | --- | --- |\n")
	for _, c := range registry {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", cell(c.Usage()), c.Tier, cell(c.Summary))
	}
	for _, c := range registry {
		fmt.Fprintf(&b, "\n## %s\n\n`%s` — %s\n\n%s\n", c.Name, c.Usage(), c.Tier, c.Help)
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
