package bot

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"smartup0.org/engelbot/toolbox"
)

// An announcement for a forum or a team room the bot does not know is
// lost, so it is logged as a warning; a community without a workplace is
// normal, so dropping the workplace's copy stays a debug line.
func TestAnAnnouncementWithNoRoomIsAWarning(t *testing.T) {
	for _, c := range []struct {
		name  string
		a     toolbox.Announcement
		level string
	}{
		{"forum", toolbox.Announcement{Forum: true, Text: "Proposal prop_1 passed."}, "warn"},
		{"team", toolbox.Announcement{Team: "3_7_operational_team", Text: "Proposal prop_2 failed."}, "warn"},
		{"workplace", toolbox.Announcement{Team: "3_7_operational_team", Workplace: true, Text: "New task."}, "debug"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var logged bytes.Buffer
			b := &Bot{rooms: newRoomBook(), log: zerolog.New(&logged)}
			b.announce(t.Context(), c.a, "")
			if want := `"level":"` + c.level + `"`; !strings.Contains(logged.String(), want) || !strings.Contains(logged.String(), "announcement dropped") {
				t.Fatalf("the dropped announcement is logged as %q, want a line with %s", logged.String(), want)
			}
		})
	}
}
