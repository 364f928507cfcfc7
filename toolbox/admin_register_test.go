package toolbox_test

import (
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
)

func TestSetLicense(t *testing.T) {
	f := newAdminFixture(t)
	r := f.dm("ada", "!set_license erin Work")
	if r.Refused || !strings.Contains(r.Text, "erin's license is now work (it was watch)") {
		t.Fatalf("set_license: %+v", r)
	}
	o, _ := f.read().Owner("erin")
	if o.License != ledger.LicenseWork {
		t.Fatalf("erin's license is %q", o.License)
	}
	// Her page says so too: a row and its page never disagree.
	file, err := f.store.ReadFile(t.Context(), o.WikiPath)
	if err != nil || !strings.Contains(string(file.Content), "License: work") {
		t.Fatalf("erin's page %q: %v\n%s", o.WikiPath, err, file.Content)
	}
	if ev, _ := f.l.Current().Applied(f.lastEvent()); ev.Action != "owner.license" || ev.Target != "erin" {
		t.Errorf("audit row %+v", ev)
	}
	// Down to Campaign: dave keeps his roles, and is told he can't work on them.
	if r := f.dm("fay", "!set_license dave campaign"); r.Refused || !strings.Contains(r.Text, "can't work on them") {
		t.Fatalf("set_license down: %+v", r)
	}
	if ps := f.l.Current().Verify(); len(ps) > 0 {
		t.Fatalf("problems: %v", ps)
	}
	f.refusals(f.tb, []adminRefusal{
		{who: "ada", line: "!set_license erin work", want: "already has a work license"},
		{who: "ada", line: "!set_license nobody work", want: "no owner called"},
		{who: "ada", line: "!set_license erin gold", want: "not a license"},
		{who: "ada", line: "!set_license erin", want: "Usage: `!set_license <alias> <license>`"},
	})
}

func TestDeactivate(t *testing.T) {
	f := newAdminFixture(t)
	r := f.dm("ada", "!deactivate dave moved to another city")
	if r.Refused {
		t.Fatalf("deactivate: %+v", r)
	}
	for _, want := range []string{"dave is no longer an active owner", "Operations lead", "Editor", "`6_1_7_2`"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("the answer does not say %q: %q", want, r.Text)
		}
	}
	tx := f.read()
	if o, _ := tx.Owner("dave"); o.Status != ledger.StatusInactive {
		t.Fatalf("dave is %q", o.Status)
	}
	for _, a := range tx.AssignmentsOf("dave") {
		if a.Status != ledger.StatusEnded || !a.Until.Equal(f.clock) {
			t.Errorf("dave's assignment %+v did not end now", a)
		}
	}
	for _, a := range tx.AssignmentsOf("carol") {
		if a.Status != ledger.StatusActive {
			t.Errorf("carol's assignment %+v ended too", a)
		}
	}
	if ev, _ := f.l.Current().Applied(f.lastEvent()); ev.Action != "owner.deactivate" || !strings.Contains(ev.Command, "moved to another city") {
		t.Errorf("audit row %+v", ev)
	}
	// He can no longer run commands.
	if r := f.dm("dave", "!wallet"); !r.Refused || !strings.Contains(r.Text, "not active") {
		t.Errorf("an inactive owner ran !wallet: %+v", r)
	}
	if ps := f.l.Current().Verify(); len(ps) > 0 {
		t.Fatalf("problems: %v", ps)
	}
	f.refusals(f.tb, []adminRefusal{
		{who: "ada", line: "!deactivate fay", want: "founder"},
		{who: "ada", line: "!deactivate ada", want: "can't deactivate yourself"},
		{who: "fay", line: "!deactivate gus", want: "gus is already inactive"},
		{who: "ada", line: "!deactivate dave", want: "dave is already inactive"},
		{who: "ada", line: "!deactivate carol", want: "work session open on `6_1_7_1`"},
		{who: "ada", line: "!deactivate nobody", want: "no owner called"},
		{who: "ada", line: "!deactivate", want: "Usage: `!deactivate <alias> [reason]`"},
	})
}

func TestCreateRole(t *testing.T) {
	f := newAdminFixture(t)
	for _, tc := range []struct{ line, id, team, typ, title string }{
		{"!create_role media captain Media captain", "4_1_5_tc_media_team", adminMedia, ledger.RoleCaptain, "Media captain"},
		{"!create_role operational senior Night-shift lead | Keeps the lights on, =always", "4_2_7_night_shift_lead", adminOps, ledger.RoleSenior, "Night-shift lead"},
		{"!create_role 7 Junior Tea & biscuits (2026)", "4_3_7_tea_biscuits_2026", adminOps, ledger.RoleJunior, "Tea & biscuits (2026)"},
		{"!create_role 3_7_operational_team junior One two three four five six seven", "4_3_7_one_two_three_four_five", adminOps, ledger.RoleJunior, "One two three four five six seven"},
	} {
		r := f.dm("ada", tc.line)
		if r.Refused || !strings.Contains(r.Text, "`"+tc.id+"`") {
			t.Fatalf("%s → %+v, want role %s", tc.line, r, tc.id)
		}
		role, ok := f.read().Role(tc.id)
		if !ok || role.Team != tc.team || role.Type != tc.typ || role.Title != tc.title ||
			role.Status != ledger.StatusActive || role.Recruitment != "open" {
			t.Fatalf("%s: role %+v", tc.line, role)
		}
		file, err := f.store.ReadFile(t.Context(), role.WikiPath)
		if err != nil {
			t.Fatalf("%s: its page: %v", tc.line, err)
		}
		page, err := ledger.ParsePage(role.WikiPath, file.Content)
		if err != nil || page.Front.Role != tc.id || page.Front.Team != tc.team || !page.Front.Public {
			t.Fatalf("%s: page %+v %v", tc.line, page.Front, err)
		}
		if tc.typ == ledger.RoleSenior && !strings.Contains(page.Body, "Keeps the lights on, =always") {
			t.Errorf("the description is not on the page:\n%s", page.Body)
		}
	}
	// The IDs are ones owners can apply with, and the roles recruit.
	if r := f.dm("carol", "!apply 4_2_7_night_shift_lead"); r.Refused {
		t.Fatalf("applying for a created role: %+v", r)
	}
	if r := f.dm("erin", "!open_roles media"); !strings.Contains(r.Text, "4_1_5_tc_media_team") {
		t.Errorf("!open_roles does not list the new captain role: %q", r.Text)
	}
	if ps := f.l.Current().Verify(); len(ps) > 0 {
		t.Fatalf("problems: %v", ps)
	}
	f.refusals(f.tb, []adminRefusal{
		{who: "ada", line: "!create_role operational captain Second captain", want: "already has its captain role, Operations captain"},
		{who: "ada", line: "!create_role media captain Another", want: "already has its captain role, Media captain"},
		{who: "ada", line: "!create_role operational senior Night shift LEAD", want: "already a role `4_2_7_night_shift_lead`"},
		{who: "ada", line: "!create_role nowhere senior Gardener", want: "no team called"},
		{who: "ada", line: "!create_role operational boss Gardener", want: "not a kind of role"},
		{who: "ada", line: "!create_role operational senior | only a description", want: "needs a title"},
		{who: "ada", line: "!create_role operational senior ÄÖÜ ∑", want: "Latin letters"},
		{who: "ada", line: "!create_role operational senior " + strings.Repeat("x", 101), want: "the limit is 100"},
		{who: "ada", line: "!create_role operational senior", want: "Usage: `!create_role"},
	})
}
