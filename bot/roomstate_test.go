package bot

import (
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// A membership the state store could not keep is an error, so the sync
// batch is asked for again: a third person's invite that was lost would
// leave a room counted as a private direct chat.
func TestAMembershipThatCannotBeKeptIsAnError(t *testing.T) {
	_, tb := connectedBot(t)
	if tb.roomState == nil {
		if err := tb.openRoomState(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	key := "@mallory:smartup.test"
	invite := &event.Event{
		Type: event.StateMember, RoomID: id.RoomID("!dm:smartup.test"), StateKey: &key, Sender: "@carol:smartup.test",
		Content: event.Content{Parsed: &event.MemberEventContent{Membership: event.MembershipInvite}},
	}
	if err := tb.noteState(t.Context(), invite); err != nil {
		t.Fatalf("an invite the store can keep: %v", err)
	}
	if err := tb.db.Database().RawDB.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tb.noteState(t.Context(), invite); err == nil {
		t.Error("an invite the store could not keep was taken as kept")
	}
}
