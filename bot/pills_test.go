package bot

import (
	"testing"

	"maunium.net/go/mautrix/event"
)

func TestCommandTextTurnsPillsIntoMatrixIDs(t *testing.T) {
	for _, c := range []struct {
		name string
		msg  event.MessageEventContent
		want string
	}{
		{"plain text stays as typed",
			event.MessageEventContent{Body: "!kudos frank thanks"},
			"!kudos frank thanks"},
		{"a pill's display name becomes the Matrix ID",
			event.MessageEventContent{Body: "!kudos Frank Example thanks for the guide", Format: event.FormatHTML,
				FormattedBody: `!kudos <a href="https://matrix.to/#/@frank:smartup0.org">Frank Example</a> thanks for the guide`},
			"!kudos @frank:smartup0.org thanks for the guide"},
		{"an escaped Matrix ID in the link",
			event.MessageEventContent{Body: "!whois Frank", Format: event.FormatHTML,
				FormattedBody: `!whois <a href="https://matrix.to/#/%40frank%3Asmartup0.org">Frank</a>`},
			"!whois @frank:smartup0.org"},
		{"HTML without a user mention keeps the plain body",
			event.MessageEventContent{Body: "!stop_work fixed **it**", Format: event.FormatHTML,
				FormattedBody: `!stop_work fixed <strong>it</strong>`},
			"!stop_work fixed **it**"},
		{"a room link keeps its text",
			event.MessageEventContent{Body: "!assign 6_1_7_1 Dave", Format: event.FormatHTML,
				FormattedBody: `!assign 6_1_7_1 <a href="https://matrix.to/#/@dave:smartup0.org">Dave</a> see <a href="https://matrix.to/#/#forum:smartup0.org">forum</a>`},
			"!assign 6_1_7_1 @dave:smartup0.org see forum"},
	} {
		msg := c.msg
		if got := commandText(&msg); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
