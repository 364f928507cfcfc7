package toolbox_test

import (
	"strings"
	"testing"

	"smartup0.org/engelbot/toolbox"
)

// A refused !add_owner may hold a real name or an e-mail address in any of
// its arguments: an admin who puts them in the wrong place, or forgets an
// argument, must not see them echoed back, and the message must leave the
// chat whatever the reason it was refused. Each case puts a private detail
// where a refusal would otherwise quote it.
func TestRefusedOnboardingRepeatsNothingAndIsForgotten(t *testing.T) {
	f := newAdminFixture(t)
	surname, email := secretSurname, secretEmail
	for _, tc := range []struct {
		name, who string
		room      toolbox.Room
		args      []string
		want      string
	}{
		{"name where the Matrix ID goes", "ada", adminDM, []string{"Frank " + surname, "frank", "work"}, "The first argument is not a Matrix user ID"},
		{"e-mail where the Matrix ID goes", "ada", adminDM, []string{email, "frank", "work"}, "The first argument is not a Matrix user ID"},
		{"name where the alias goes", "ada", adminDM, []string{"@frank:s.test", surname, "work"}, "Aliases are lower case"},
		{"name with a space where the alias goes", "ada", adminDM, []string{"@frank:s.test", "frank " + strings.ToLower(surname), "work"}, "can't be an alias"},
		{"alias ending in a dot", "ada", adminDM, []string{"@frank:s.test", strings.ToLower(surname) + ".", "work"}, "starts and ends with a letter or a digit"},
		{"name where the license goes", "ada", adminDM, []string{"@frank:s.test", "frank", surname, email}, "The third argument is not a license"},
		{"an argument missing", "ada", adminDM, []string{"@frank:s.test", surname}, "Usage: `!add_owner"},
		{"bad e-mail", "ada", adminDM, []string{"@frank:s.test", "frank", "work", "Frank", surname + "@nowhere"}, "not an e-mail address"},
		{"real name too long", "ada", adminDM, []string{"@frank:s.test", "frank", "work", strings.Repeat(surname, 10)}, "longer than 100"},
		{"in a shared room", "ada", adminTeamRoom, []string{"@frank:s.test", "frank", "work", "Frank " + surname, email}, "direct chat"},
		{"from someone who is no admin", "carol", adminDM, []string{"@frank:s.test", "frank", "work", "Frank " + surname, email}, "for admins only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.send(f.tb, tc.who, tc.room, "add_owner", tc.args...)
			if !r.Refused || !strings.Contains(r.Text, tc.want) {
				t.Fatalf("%q → %+v, want a refusal saying %q", tc.args, r, tc.want)
			}
			if !r.Forget {
				t.Errorf("the refused command is not removed from the chat: %+v", r)
			}
			for _, secret := range []string{surname, email, "@nowhere"} {
				if strings.Contains(strings.ToLower(r.Text), strings.ToLower(secret)) {
					t.Errorf("the refusal repeats %q: %s", secret, r.Text)
				}
			}
		})
	}
	if _, ok, _ := f.ids.Lookup(t.Context(), "@frank:s.test"); ok {
		t.Fatal("a refused onboarding left an identity row")
	}
}

// A mistyped !add_owner may carry the same details; it leaves the chat
// too. Other unknown commands stay.
func TestMistypedOnboardingIsForgotten(t *testing.T) {
	f := newAdminFixture(t)
	for _, name := range []string{"add_ownr", "add_owner @frank:s.test frank work Frank " + secretSurname} {
		r := f.send(f.tb, "ada", adminDM, name, "@frank:s.test", "frank", "work", "Frank", secretSurname)
		if !r.Refused || !r.Forget || !strings.Contains(r.Text, "Did you mean `!add_owner`?") {
			t.Errorf("!%s → %+v, want a refusal that suggests !add_owner and is forgotten", name, r)
		}
		if strings.Contains(r.Text, secretSurname) || strings.Contains(r.Text, "frank") {
			t.Errorf("!%s: the refusal repeats what was typed: %s", name, r.Text)
		}
	}
	if r := f.send(f.tb, "ada", adminDM, "walet"); !r.Refused || r.Forget {
		t.Errorf("!walet → %+v, want a refusal that stays", r)
	}
}
