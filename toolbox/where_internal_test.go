package toolbox

import (
	"context"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// forumOnly is the homeserver's rooms as far as a pointer to the forum
// needs them: the forum's alias, or none.
type forumOnly string

func (forumOnly) EnsureRoom(context.Context, RoomSpec) RoomResult { return RoomResult{} }

func (f forumOnly) AliasOf(room Room) string {
	if room.Kind == RoomForum {
		return string(f)
	}
	return ""
}

// No command belongs in the forum yet (governance will); its pointer
// names the forum the bot knows, or says none is set up.
func TestForumPointer(t *testing.T) {
	c := &call{Request: &Request{Room: Room{Kind: RoomWorkplace}}, cmd: &Command{Name: "propose", Where: WhereForum}}
	for _, tc := range []struct {
		forum forumOnly
		want  string
	}{
		{"#agora:s.test", "`!propose` belongs in the general forum, where the whole community sees it: #agora:s.test."},
		{"", "`!propose` belongs in the general forum, where the whole community sees it (none is set up yet: an admin runs `!setup_rooms`)."},
	} {
		tb := &Toolbox{rooms: tc.forum}
		reason, _ := ledger.IsRefusal(tb.checkWhere(nil, ledger.Owner{Alias: "carol"}, c))
		if reason != tc.want {
			t.Errorf("with the forum %q: %q, want %q", tc.forum, reason, tc.want)
		}
	}
}
