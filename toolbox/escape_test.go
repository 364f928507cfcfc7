package toolbox_test

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/format"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/toolbox"
)

// markup is text owners could type to make the bot's answers carry
// markup of their choosing: a mention pill, an image, a javascript: link,
// HTML, code spans of every fence length, emphasis and spoilers, @room.
var markup = []string{
	"`[Alice](https://matrix.to/#/@alice:s.test)![](mxc://evil/cat)[login](javascript:alert(1))`",
	"<b>html</b> <img src=x onerror=alert(1)> <https://evil.example>",
	"a ``double` and ```` quadruple ` backticks`",
	"@room look at [this](https://evil.example) @Room",
	"*em* **strong** _it_ ~~gone~~ ||spoiler|| &amp; &#60;b&#62; \\[x\\]",
	"- not a list",
	"1. not a list either",
}

// The bot renders every answer with mautrix's Markdown renderer, raw HTML
// escaped (bot/answer.go). Its own words use paragraphs, bold, code spans,
// lists and line breaks, none with an attribute; anything else in the
// HTML came from what someone typed.
var (
	htmlTag     = regexp.MustCompile(`<(/?)([a-zA-Z0-9]+)([^>]*)>`)
	allowedTags = map[string]bool{"p": true, "strong": true, "code": true, "ul": true, "li": true, "br": true}
)

// checkRendered renders a reply as the bot sends it and fails when the
// HTML holds an element or attribute the bot's own words never make, or a
// mention; shown, when not empty, must read in it exactly as typed.
func checkRendered(t *testing.T, what, markdown, shown string) {
	t.Helper()
	content := format.RenderMarkdown(markdown, true, false)
	for _, m := range htmlTag.FindAllStringSubmatch(content.FormattedBody, -1) {
		if !allowedTags[strings.ToLower(m[2])] || strings.TrimSpace(m[3]) != "" {
			t.Errorf("%s: the HTML holds %s, which the bot never writes:\n%s", what, m[0], content.FormattedBody)
		}
	}
	if strings.Contains(content.FormattedBody, "javascript:") && strings.Contains(content.FormattedBody, "href") {
		t.Errorf("%s: a javascript: link:\n%s", what, content.FormattedBody)
	}
	if content.Mentions != nil && (len(content.Mentions.UserIDs) > 0 || content.Mentions.Room) {
		t.Errorf("%s: the rendered answer mentions %+v", what, content.Mentions)
	}
	if strings.Contains(strings.ToLower(content.Body), "@room") {
		t.Errorf("%s: the plain body says @room, which notifies the whole room: %q", what, content.Body)
	}
	if shown == "" {
		return
	}
	h := content.FormattedBody
	if content.Format == "" { // nothing but text: no HTML is sent
		h = html.EscapeString(content.Body)
	}
	text := html.UnescapeString(htmlTag.ReplaceAllString(h, ""))
	text = strings.ReplaceAll(text, "\u2060", "")
	if !strings.Contains(text, shown) {
		t.Errorf("%s: %q does not read as typed in the rendered answer:\n%s\nMarkdown:\n%s", what, shown, content.FormattedBody, markdown)
	}
}

// Where an answer shows the typed text whole.
const (
	cut     = iota // cut short, or not at all
	inReply        // in the answer
	inNews         // in the announcements
	inBoth         // in both
)

func checkReply(t *testing.T, what string, r toolbox.Reply, shown string, where int) {
	t.Helper()
	in := func(w int) string {
		if where == w || where == inBoth {
			return shown
		}
		return ""
	}
	checkRendered(t, what, r.Text, in(inReply))
	if where == inNews || where == inBoth {
		if len(r.Announce) == 0 {
			t.Errorf("%s: no announcement", what)
		}
	}
	for _, a := range r.Announce {
		checkRendered(t, what+" (announcement)", a.Text, in(inNews))
	}
}

const (
	markupTeam = "3_6_quality_team"
	markupRole = "4_2_6_tester"
)

var markupRoom = toolbox.Room{Kind: toolbox.RoomTeam, Team: markupTeam}

// markupFixture is the admin scene with a team, a role, objectives, tasks,
// a work session and an objection whose every text is h, as if typed by
// owners through the commands.
func markupFixture(t *testing.T, h string) *adminFixture {
	t.Helper()
	f := newAdminFixture(t)
	f.mutate("markup", func(tx *ledger.Tx) {
		now := tx.Now()
		tx.PutTeam(ledger.Team{ID: markupTeam, Name: h, Status: ledger.StatusActive})
		tx.PutRole(ledger.Role{ID: markupRole, Team: markupTeam, Type: ledger.RoleSenior, Title: h, Status: ledger.StatusActive, Recruitment: "open"})
		tx.PutOwner(ledger.Owner{Alias: "hal", MatrixID: "@hal:s.test", License: ledger.LicenseWork, Status: ledger.StatusActive, Joined: now})
		for _, who := range []string{"carol", "hal"} {
			tx.PutAssignment(ledger.Assignment{ID: "ra_" + who + "_" + markupRole, Role: markupRole, Alias: who, Status: ledger.StatusActive, Since: now})
		}
		tx.PutObjective(ledger.Objective{ID: "5_1", Title: h, Status: ledger.ObjectiveOpen})
		tx.PutObjective(ledger.Objective{ID: "5_1_6", Parent: "5_1", Team: markupTeam, Title: h, Status: ledger.ObjectiveOpen})
		tx.PutObjective(ledger.Objective{ID: "5_1_7", Parent: "5_1", Team: adminOps, Title: "Run the place", Status: ledger.ObjectiveOpen})
		for _, task := range []ledger.Task{
			{ID: "6_1_6_1", State: ledger.TaskClaimed, Attacker: "hal"},
			{ID: "6_1_6_2", State: ledger.TaskContested, Attacker: "dave"},
			{ID: "6_1_6_3", State: ledger.TaskOpen},
			{ID: "6_1_6_4", State: ledger.TaskAssessed, Attacker: "dave"},
		} {
			task.Team, task.Objective, task.Title, task.Size, task.BudgetSC, task.CreatedBy, task.Created = markupTeam, "5_1_6", h, "M", 50, "fay", now
			tx.PutTask(task)
		}
		tx.PutSession(ledger.Session{ID: "6_1_6_2_ws1", Task: "6_1_6_2", Alias: "dave", Position: ledger.Attacker, State: ledger.SessionClosed,
			Started: now.Add(-time.Hour), Stopped: now, Minutes: 60, Summary: h})
		tx.PutAssessment(ledger.Assessment{ID: "as_1", Task: "6_1_6_2", Effort: 5, Learning: 5, Collaboration: 5, PayoutSC: 40, AttackerSC: 40,
			State: ledger.AssessmentContested, AssessedBy: "fay", ObjectedBy: "erin", Objected: now, Objection: h})
		tx.PutAssessment(ledger.Assessment{ID: "as_2", Task: "6_1_6_4", Effort: 5, Learning: 5, Collaboration: 5, PayoutSC: 40, AttackerSC: 40,
			State: ledger.AssessmentAssessed, AssessedBy: "fay", Assessed: now})
	})
	return f
}

// Every answer and announcement that shows text someone typed — a title,
// a team's name, a summary, an objection, an argument, an unknown command
// — shows it as text: no link, image, mention, HTML or broken code span
// comes out of it, and what was typed reads as typed.
func TestTypedTextIsShownAsText(t *testing.T) {
	for _, h := range markup {
		t.Run(h, func(t *testing.T) {
			f := markupFixture(t, h)
			dm := adminDM
			for _, tc := range []struct {
				who   string
				room  toolbox.Room
				cmd   string
				args  []string
				where int // where the answer shows h whole
			}{
				// What the ledger holds, shown back.
				{"hal", dm, "tasks", []string{"quality"}, inReply},
				{"hal", dm, "task", []string{"6_1_6_1"}, inReply},
				{"hal", dm, "task", []string{"6_1_6_2"}, inReply},
				{"hal", dm, "my_tasks", nil, inReply},
				{"hal", dm, "whois", []string{"hal"}, inReply},
				{"hal", dm, "wallet", nil, inReply},
				{"hal", dm, "open_roles", nil, inReply},
				{"hal", dm, "team", []string{"quality"}, inReply},
				{"hal", dm, "objectives", nil, inReply},
				{"hal", dm, "help", nil, inReply},
				{"hal", markupRoom, "start_work", []string{"6_1_6_1"}, inReply},
				{"carol", markupRoom, "claim", []string{"6_1_6_3"}, inReply},
				{"dave", dm, "apply", []string{markupRole, h}, inBoth},
				{"fay", markupRoom, "approve", []string{"6_1_6_4"}, inNews},
				{"erin", markupRoom, "object", []string{"6_1_6_4", h}, inNews},
				{"ada", dm, "assign_role", []string{markupRole, "dave"}, inReply},
				{"ada", dm, "update_role", []string{markupRole, "hours", "8"}, inReply},
				{"fay", markupRoom, "close_objective", []string{"5_1_6", "achieved"}, inReply},
				// What is typed now, shown in the answer.
				{"bob", adminTeamRoom, "create_task", []string{"M", h}, inBoth},
				{"fay", dm, "create_objective", []string{h}, inReply},
				{"bob", adminTeamRoom, "update_objective", []string{"5_1_7", h}, inReply},
				{"ada", dm, "create_role", []string{"operational", "senior", "Tester " + h}, inReply},
				// Arguments echoed in refusals, cut short.
				{"carol", dm, "x" + h, nil, cut},
				{"carol", dm, "help", []string{h}, cut},
				{"carol", dm, "task", []string{h}, cut},
				{"carol", dm, "tasks", []string{h}, cut},
				{"carol", dm, "whois", []string{h}, cut},
				{"carol", dm, "wallet", []string{h}, cut},
				{"carol", dm, "team", []string{h}, cut},
				{"carol", dm, "open_roles", []string{h}, cut},
				{"carol", dm, "objectives", []string{h}, cut},
				{"carol", markupRoom, "claim", []string{"6_1_6_3", h}, cut},
				{"carol", dm, "kudos", []string{h, "thanks"}, cut},
				{"fay", markupRoom, "assess", []string{"6_1_6_1", h, "5", "5"}, cut},
				{"ada", dm, "set_license", []string{"carol", h}, cut},
				{"ada", dm, "update_role", []string{"4_2_7_lead", "hours", h}, cut},
				{"ada", dm, "update_role", []string{"4_2_7_lead", h, "8"}, cut},
				{"fay", dm, "close_objective", []string{"5_1", h}, cut},
				{"ada", dm, "create_role", []string{h, "senior", "Tester"}, cut},
				{"ada", dm, "deposit", []string{h, "gift"}, cut},
				{"ada", dm, "deposit", []string{"10", h}, cut},
				{"ada", dm, "withdraw", []string{"1", h}, cut},
				{"hal", dm, "treasury", nil, cut},
			} {
				r := f.send(f.tb, tc.who, tc.room, tc.cmd, tc.args...)
				what := tc.who + " !" + tc.cmd + " " + strings.Join(tc.args, " ")
				if tc.where != cut && r.Refused {
					t.Errorf("%s was refused: %s", what, r.Text)
					continue
				}
				shown := h
				if tc.cmd == "create_task" || tc.cmd == "create_role" {
					shown, _, _ = strings.Cut(h, "|") // the description follows a |
				}
				// As one line of the ledger keeps it.
				checkReply(t, what, r, strings.Join(strings.Fields(shown), " "), tc.where)
			}
		})
	}
}

// A held-back award's announcement shows the task's title as text.
func TestHoldAnnouncementShowsTitleAsText(t *testing.T) {
	for _, h := range markup {
		t.Run(h, func(t *testing.T) {
			f := markupFixture(t, h)
			f.mutate("pending", func(tx *ledger.Tx) {
				tx.AppendSC(ledger.SCTx{Alias: "dave", Task: "6_1_6_4", Kind: ledger.SCPending, Amount: 40, Share: ledger.Attacker, Note: "as_2"})
			})
			if r := f.send(f.tb, "fay", markupRoom, "approve", "6_1_6_4"); r.Refused {
				t.Fatalf("approve: %s", r.Text)
			}
			f.clock = f.clock.Add(49 * time.Hour)
			res := f.tb.RunJobs(t.Context())
			if len(res) != 1 || res[0].Job != "hold" || len(res[0].Announce) != 2 {
				t.Fatalf("jobs: %+v", res)
			}
			for _, a := range res[0].Announce {
				checkRendered(t, "the hold's announcement", a.Text, strings.Join(strings.Fields(h), " "))
			}
		})
	}
}
