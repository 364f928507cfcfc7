package bot

import (
	"context"
	"strings"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/format"
)

// commandText is the text of a message as a command: its plain body, except
// that a mention ("pill") of a user becomes that user's Matrix ID. Clients
// put only the display name in the plain body ("!kudos Frank Example
// thanks"), and identity is the Matrix ID, never a display name; the ID is
// in the HTML body's link.
func commandText(content *event.MessageEventContent) string {
	if content.Format != event.FormatHTML || !mentionsUser(content.FormattedBody) {
		return content.Body
	}
	return strings.TrimSpace(pillParser.Parse(content.FormattedBody, format.NewContext(context.Background())))
}

// mentionsUser reports whether HTML links to a user, as a pill does.
func mentionsUser(html string) bool {
	return strings.Contains(html, "matrix.to/#/@") || strings.Contains(html, "matrix.to/#/%40") || strings.Contains(html, "matrix:u/")
}

// pillParser turns a message's HTML into plain text with user pills as
// Matrix IDs. Other links keep their text only: a command's arguments are
// words, not addresses.
var pillParser = &format.HTMLParser{
	TabsToSpaces: 4,
	Newline:      "\n",
	PillConverter: func(displayname, mxid, _ string, _ format.Context) string {
		if strings.HasPrefix(mxid, "@") {
			return mxid
		}
		return displayname
	},
	LinkConverter: func(text, _ string, _ format.Context) string { return text },
}
