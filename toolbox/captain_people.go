package toolbox

import (
	"fmt"
	"strings"
	"time"

	"smartup0.org/engelbot/ledger"
)

// This file holds the captains' decisions about people: SK awards and role
// applications.

var cmdAwardSK = &Command{
	Name: "award_sk", Aliases: []string{"awardsk"}, Tier: TierCaptain, Params: []Param{{Name: "alias", Kind: KindOwner}, {Name: "category", Kind: KindSKCategory}, {Name: "note", Kind: KindText, Optional: true, Rest: true}},
	Summary: "award SK to an owner, by category",
	Help: "Awards Social Karma for a contribution, the amount set by its category: " + skCategoryList() + ". " +
		"Not to yourself; nobody receives more SK in a UTC day than their license allows (Campaign 25, Watch 50, Work and Organizational 100).",
	write: awardSK,
}

// skCategoryList is the categories with their amounts, for help.
func skCategoryList() string {
	var parts []string
	for _, n := range skCategoryNames() {
		parts = append(parts, fmt.Sprintf("`%s` %d", n, skCategories[n]))
	}
	return strings.Join(parts, ", ")
}

func awardSK(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	to, err := findOwner(tx, c.Args[0])
	if err != nil {
		return ledger.Outcome{}, err
	}
	category, amount, _ := skCategoryArg(c.Args[1]) // checked with the arguments
	note, err := oneLine("The note", strings.Join(c.Args[2:], " "), maxNote)
	if err != nil {
		return ledger.Outcome{}, err
	}
	switch {
	case to.Alias == me.Alias:
		return ledger.Outcome{}, ledger.Refuse("SK is given by others; you can't award it to yourself.")
	case to.Status != ledger.StatusActive:
		return ledger.Outcome{}, ledger.Refuse("%s is not an active owner, so they can't receive SK.", to.Alias)
	}
	if err := checkDailySK(tx, to, amount); err != nil {
		return ledger.Outcome{}, err
	}
	tx.AppendSK(ledger.SKTx{Alias: to.Alias, Category: category, Amount: amount, By: me.Alias, Note: note})
	return ledger.Outcome{
		Action: "sk.award", Target: to.Alias,
		Reply: fmt.Sprintf("%s receives %d SK for %s.", to.Alias, amount, strings.ReplaceAll(category, "_", " ")),
	}, nil
}

// checkDailySK refuses SK that would take an owner past their license's
// daily cap, counting every SK they received this UTC day.
func checkDailySK(tx *ledger.Tx, to ledger.Owner, amount int) error {
	start := utcDay(tx.Now())
	end := start.Add(24 * time.Hour)
	received := 0
	for t := range tx.SKFrom(start) {
		// Decay rows are negative; they are not SK received.
		if t.Alias == to.Alias && t.Amount > 0 && !t.Time.Before(start) && t.Time.Before(end) {
			received += t.Amount
		}
	}
	if limit := dailySKCap(to.License); received+amount > limit {
		return ledger.Refuse("%s has received %d SK today, and %d more would pass the daily limit of %d for a %s license. It can wait until after midnight UTC.",
			to.Alias, received, amount, limit, to.License)
	}
	return nil
}

var cmdAccept = &Command{
	Name: "accept", Tier: TierCaptain, Params: []Param{{Name: "application_id", Kind: KindApplication}},
	Summary: "accept an application: the applicant takes the role",
	Help:    "Accepts a pending application for a role of this team: the applicant holds the role from now on and can claim the team's tasks.",
	write:   acceptApplication,
}

func acceptApplication(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	app, role, err := pendingApplication(tx, c)
	if err != nil {
		return ledger.Outcome{}, err
	}
	if app.Alias == me.Alias {
		return ledger.Outcome{}, ledger.Refuse("That is your own application; another captain or the founder decides it.")
	}
	who, ok := tx.Owner(app.Alias)
	switch {
	case !ok || who.Status != ledger.StatusActive:
		return ledger.Outcome{}, ledger.Refuse("%s is no longer an active owner; `!reject %s` closes the application.", app.Alias, app.ID)
	case !canWork(who):
		return ledger.Outcome{}, ledger.Refuse("%s's license is now %s, which can't take roles. An admin can change it with `!set_license`, or `!reject %s`.", who.Alias, who.License, app.ID)
	case role.Status != ledger.StatusActive:
		return ledger.Outcome{}, ledger.Refuse("%s (`%s`) is no longer active; `!reject %s` closes the application.", mdText(role.Title), role.ID, app.ID)
	}
	if role.Type == ledger.RoleCaptain {
		if sk := tx.Balance(who.Alias).SK; sk < captainMinSK {
			return ledger.Outcome{}, ledger.Refuse("A team captain needs %d SK, and %s has %d now.", captainMinSK, who.Alias, sk)
		}
		for a := range tx.Assignments() {
			if a.Role == role.ID && a.Status == ledger.StatusActive {
				return ledger.Outcome{}, ledger.Refuse("%s already captains the team; a team has one captain. An admin can end that role first.", a.Alias)
			}
		}
	}
	for _, a := range tx.AssignmentsOf(who.Alias) {
		if a.Role == role.ID && a.Status == ledger.StatusActive {
			return ledger.Outcome{}, ledger.Refuse("%s already holds %s; `!reject %s` closes the application.", who.Alias, mdText(role.Title), app.ID)
		}
	}
	if err := leadershipRefusal(tx, c.founderID, role, who.Alias, who.Alias); err != nil {
		return ledger.Outcome{}, err
	}
	now := tx.Now()
	id, err := firstFree(1, func(n int) (string, error) { return newAssignmentID(who.Alias, role.ID, n) },
		func(id string) bool { _, taken := tx.Assignment(id); return taken })
	if err != nil {
		return ledger.Outcome{}, err
	}
	tx.PutAssignment(ledger.Assignment{ID: id, Role: role.ID, Alias: who.Alias, Status: ledger.StatusActive, Since: now})
	app.State, app.Decided, app.DecidedBy = ledger.ApplicationAccepted, now, me.Alias
	tx.WritePage(app.WikiPath, applicationPage(role, app))
	tx.PutApplication(app)
	return ledger.Outcome{
		Action: "application.accept", Target: app.ID,
		Reply: fmt.Sprintf("Accepted %s: %s is now %s in the %s. Welcome! `!tasks %s` shows the team's tasks.",
			app.ID, who.Alias, mdText(role.Title), teamWords(tx, role.Team), teamShort(role.Team)),
	}, nil
}

var cmdReject = &Command{
	Name: "reject", Tier: TierCaptain, Params: []Param{{Name: "application_id", Kind: KindApplication}, {Name: "reason", Kind: KindText, Optional: true, Rest: true}},
	Summary: "turn down an application, saying why",
	Help:    "Rejects a pending application for a role of this team. The reason you give is kept with the application for the applicant to read.",
	write:   rejectApplication,
}

func rejectApplication(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	app, role, err := pendingApplication(tx, c)
	if err != nil {
		return ledger.Outcome{}, err
	}
	reason, err := oneLine("The reason", strings.Join(c.Args[1:], " "), maxNote)
	if err != nil {
		return ledger.Outcome{}, err
	}
	app.State, app.Decided, app.DecidedBy, app.Reason = ledger.ApplicationRejected, tx.Now(), me.Alias, reason
	tx.WritePage(app.WikiPath, applicationPage(role, app))
	tx.PutApplication(app)
	return ledger.Outcome{
		Action: "application.reject", Target: app.ID,
		Reply: fmt.Sprintf("Rejected %s (%s for %s).", app.ID, app.Alias, mdText(role.Title)),
	}, nil
}

// pendingApplication is the application the command names, pending and in
// the captain's team.
func pendingApplication(tx *ledger.Tx, c *call) (ledger.Application, ledger.Role, error) {
	id := strings.ToLower(c.Args[0])
	app, ok := tx.Application(id)
	if !ok {
		return app, ledger.Role{}, ledger.Refuse("There is no application %s. The team's room hears of each one with its ID, like `app_3`.", quoteArg(c.Args[0]))
	}
	role, ok := tx.Role(app.Role)
	if !ok {
		return app, role, fmt.Errorf("application %s names role %s, which is not in the ledger", app.ID, app.Role)
	}
	if err := captainScope(tx, c, role.Team, "Application "+app.ID); err != nil {
		return app, role, err
	}
	if app.State != ledger.ApplicationPending {
		return app, role, ledger.Refuse("Application %s was already %s by %s on %s.", app.ID, app.State, app.DecidedBy, app.Decided.Format("2006-01-02"))
	}
	return app, role, nil
}
