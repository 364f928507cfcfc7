package toolbox

import (
	"context"
	"fmt"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// The register beyond onboarding: changing an owner's license, and
// deactivating an owner.

const maxDeactivateReason = 500

var cmdSetLicense = &Command{
	Name: "set_license", Tier: TierAdmin, Params: []Param{{Name: "alias", Kind: KindOwner}, {Name: "license", Kind: KindLicense}},
	Summary: "change an owner's license: campaign, watch, work or organizational",
	Help: "Changes an owner's license. Campaign and Watch may follow the ledger; Work may take roles and earn SC; " +
		"Organizational is Work without extra approval power. Their roles stay; without a Work or Organizational license " +
		"they can't use the workers' commands on them.",
	write: setLicense,
}

func setLicense(tx *ledger.Tx, _ ledger.Owner, c *call) (ledger.Outcome, error) {
	o, err := findOwner(tx, c.Args[0])
	if err != nil {
		return ledger.Outcome{}, err
	}
	license, err := licenseArg(c.Args[1])
	if err != nil {
		return ledger.Outcome{}, err
	}
	if o.License == license {
		return ledger.Outcome{}, ledger.Refuse("%s already has a %s license; nothing to change.", o.Alias, license)
	}
	was := o.License
	o.License = license
	o = writeOwner(tx, o)
	reply := fmt.Sprintf("%s's license is now %s (it was %s).", o.Alias, license, was)
	if roles := activeRoles(tx, o.Alias); len(roles) > 0 && !canWork(o) {
		reply += fmt.Sprintf(" They still hold %d role(s), but a %s license can't work on them until it is Work or Organizational again.", len(roles), license)
	}
	if o.Status != ledger.StatusActive {
		reply += fmt.Sprintf(" Note that %s is %s.", o.Alias, o.Status)
	}
	return ledger.Outcome{Action: "owner.license", Target: o.Alias, Reply: reply}, nil
}

var cmdDeactivate = &Command{
	Name: "deactivate", Tier: TierAdmin, Params: []Param{{Name: "alias", Kind: KindOwner}, {Name: "reason", Kind: KindText, Optional: true, Rest: true}},
	Summary: "end an owner's active ownership and the roles they hold",
	Help: "Makes an owner inactive: they can no longer run commands, and every role they hold ends today. Their history stays " +
		"in the ledger. The founder can't be deactivated, nor can you deactivate yourself; an owner with a work session open " +
		"must stop it first (`!stop_work`). The reason, if you give one, is kept in the audit trail.",
	run:   runDeactivate,
	write: deactivate,
}

// runDeactivate refuses the founder before the write: who the founder is
// comes from the configuration, which the write cannot see, and a Matrix
// ID in the Book of Owners never changes.
func runDeactivate(ctx context.Context, tb *Toolbox, c *call) Reply {
	tx := tb.ledger.Current().ReadAt(tb.ledger.Now())
	if o, err := findOwner(tx, c.Args[0]); err == nil && o.MatrixID == tb.founder && tb.founder != "" {
		return refused(fmt.Sprintf("%s is the founder, who can't be deactivated.", o.Alias))
	}
	return tb.write(ctx, c)
}

func deactivate(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	o, err := findOwner(tx, c.Args[0])
	if err != nil {
		return ledger.Outcome{}, err
	}
	if o.Alias == me.Alias {
		return ledger.Outcome{}, ledger.Refuse("You can't deactivate yourself. Another admin can.")
	}
	if o.Status != ledger.StatusActive {
		return ledger.Outcome{}, ledger.Refuse("%s is already %s.", o.Alias, o.Status)
	}
	if _, err := oneLine("The reason", strings.Join(c.Args[1:], " "), maxDeactivateReason); err != nil {
		return ledger.Outcome{}, err
	}
	if s, ok := openSession(tx, o.Alias); ok {
		return ledger.Outcome{}, ledger.Refuse("%s has a work session open on `%s`. Have them stop it with `!stop_work <summary>` first, then deactivate them.", o.Alias, s.Task)
	}
	now := tx.Now()
	var ended []string
	for _, a := range tx.AssignmentsOf(o.Alias) {
		if a.Status != ledger.StatusActive {
			continue
		}
		a.Status, a.Until = ledger.StatusEnded, now
		tx.PutAssignment(a)
		if r, ok := tx.Role(a.Role); ok {
			ended = append(ended, fmt.Sprintf("%s (`%s`)", mdText(r.Title), r.ID))
		} else {
			ended = append(ended, "`"+a.Role+"`")
		}
	}
	o.Status = ledger.StatusInactive
	writeOwner(tx, o)

	var b strings.Builder
	fmt.Fprintf(&b, "%s is no longer an active owner and can't run commands any more.", o.Alias)
	if len(ended) > 0 {
		fmt.Fprintf(&b, " Their roles ended: %s.", joinWords(ended, "and"))
	}
	var open []string
	for _, t := range tx.TasksOf(o.Alias) {
		if claimable(t.State) {
			open = append(open, fmt.Sprintf("`%s`", t.ID))
		}
	}
	if len(open) > 0 {
		fmt.Fprintf(&b, " They are still on %s; the team captains can `!assign` someone else.", joinWords(open, "and"))
	}
	return ledger.Outcome{Action: "owner.deactivate", Target: o.Alias, Reply: b.String()}, nil
}
