package toolbox

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// The treasury's commands: admins record euros coming in and going out;
// every owner may see the treasury and the 3x rule's state.

var cmdDeposit = &Command{
	Name: "deposit", Tier: TierAdmin, Params: []Param{{Name: "amount_eur", Kind: KindEuro}, {Name: "note", Kind: KindText, Rest: true}},
	Summary: "record euros paid into the treasury",
	Help: "Records a deposit into the euro treasury, with a note saying where it came from. " + euroFormat + " " +
		"Awards held back by the 3x rule (SC outstanding may not exceed 3 × the treasury) go through on the next scheduled run once the deposit makes room. " +
		"Example: `!deposit 1500 seed money from the founders`.",
	write: deposit,
}

var cmdWithdraw = &Command{
	Name: "withdraw", Tier: TierAdmin, Params: []Param{{Name: "amount_eur", Kind: KindEuro}, {Name: "note", Kind: KindText, Rest: true}},
	Summary: "record euros taken out of the treasury",
	Help: "Records a withdrawal from the euro treasury, with a note saying what it paid for. " + euroFormat + " " +
		"A withdrawal that would take the treasury below zero, or leave the SC outstanding above 3 × what remains (the 3x rule), " +
		"is refused with the most that may be withdrawn. Example: `!withdraw 120.50 hosting for December`.",
	write: withdraw,
}

var cmdTreasury = &Command{
	Name: "treasury", Tier: TierQuery,
	Summary: "the euro treasury, the SC it covers, and the 3x rule's state",
	Help: "Shows the euros in the treasury, the SC outstanding (every SC awarded is a claim of €1), the SC still pending, " +
		"their ratio, whether the 3x rule holds (SC outstanding may not exceed 3 × the treasury) and how many more SC may be awarded. " +
		"SC whose award would break the rule is held back, still pending, and awarded by itself once a deposit makes room, oldest first.",
	query: queryTreasury,
}

// euroFormat says what amounts the commands take.
const euroFormat = "Amounts are euros with a point before the cents and no thousands separators or currency sign: `1500`, `1500.5` or `1500.50`; " +
	"from €0.01 to €10000000."

// maxMovementCents bounds one deposit or withdrawal: €10 million, far above
// anything this community moves at once, so that a slip of the keyboard
// (a few zeros too many) is refused rather than recorded.
const maxMovementCents = 10_000_000_00

var euroShape = regexp.MustCompile(`^[0-9]{1,8}(\.[0-9]{1,2})?$`)

// euroArg reads an amount as the commands take it, in cents.
func euroArg(arg string) (int64, bool) {
	if !euroShape.MatchString(arg) {
		return 0, false
	}
	whole, frac, _ := strings.Cut(arg, ".")
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	c := w*100 + f
	return c, c > 0 && c <= maxMovementCents
}

func euroRefusal(what string) error {
	return ledger.Refuse("%s is not an amount I take. %s", what, euroFormat)
}

// movement reads the amount and note of !deposit and !withdraw.
func movement(c *call) (cents int64, note string, err error) {
	cents, _ = euroArg(c.Args[0]) // checked with the arguments
	note, err = oneLine("The note", strings.Join(c.Args[1:], " "), maxNote)
	if err == nil && strings.TrimSpace(note) == "" {
		err = ledger.Refuse("Say what the money is, in a note: `%s`.", c.cmd.Usage())
	}
	return cents, note, err
}

func deposit(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	cents, note, err := movement(c)
	if err != nil {
		return ledger.Outcome{}, err
	}
	before := TreasuryOf(tx)
	m := tx.AppendTreasury(ledger.TreasuryTx{Kind: ledger.TreasuryDeposit, Delta: ledger.Euro(cents), SCOutstanding: before.SCOutstanding, Note: note, By: me.Alias})
	after := TreasuryOf(tx)
	reply := fmt.Sprintf("Deposited %s: the treasury holds %s, which covers %d SC; %d SC are awarded, so %d more may be.",
		euro(cents), euro(after.BalanceCents), after.CoverSC, after.SCOutstanding, after.HeadroomSC)
	held, due := heldAwards(tx), dueAwards(tx)
	switch {
	case len(held) > 0:
		reply += fmt.Sprintf(" %d of the %d award(s) waiting for the treasury still need %s more.", len(held), len(due), euro(held[len(held)-1].depositC))
	case len(due) > 0:
		reply += fmt.Sprintf(" The %d award(s) waiting for the treasury go through on the next scheduled run.", len(due))
	}
	return ledger.Outcome{Action: "treasury.deposit", Target: m.ID, Reply: reply}, nil
}

func withdraw(tx *ledger.Tx, me ledger.Owner, c *call) (ledger.Outcome, error) {
	cents, note, err := movement(c)
	if err != nil {
		return ledger.Outcome{}, err
	}
	t := TreasuryOf(tx)
	if most := t.MaxWithdrawalCents(); cents > most {
		why := fmt.Sprintf("the treasury holds %s", euro(t.BalanceCents))
		if t.SCOutstanding > 0 {
			why += fmt.Sprintf(" and %d SC are awarded, which the 3x rule says need at least %s", t.SCOutstanding, euro(centsToCover(t.SCOutstanding)))
		}
		return ledger.Outcome{}, ledger.Refuse("A withdrawal of %s is refused: %s. At most %s may be withdrawn now.", euro(cents), why, euro(most))
	}
	m := tx.AppendTreasury(ledger.TreasuryTx{Kind: ledger.TreasuryWithdrawal, Delta: -ledger.Euro(cents), SCOutstanding: t.SCOutstanding, Note: note, By: me.Alias})
	after := TreasuryOf(tx)
	return ledger.Outcome{
		Action: "treasury.withdraw", Target: m.ID,
		Reply: fmt.Sprintf("Withdrew %s: the treasury holds %s, which covers %d SC; %d SC are awarded, so %d more may be.",
			euro(cents), euro(after.BalanceCents), after.CoverSC, after.SCOutstanding, after.HeadroomSC),
	}, nil
}

func queryTreasury(_ *Toolbox, tx *ledger.Tx, _ *call) Reply {
	t := TreasuryOf(tx)
	var b strings.Builder
	b.WriteString("**Treasury**\n\n")
	fmt.Fprintf(&b, "- Balance: %s\n", euro(t.BalanceCents))
	fmt.Fprintf(&b, "- SC outstanding (awarded, a claim of €1 each): %d\n", t.SCOutstanding)
	fmt.Fprintf(&b, "- SC pending (not awarded yet): %d\n", t.SCPending)
	if t.Ratio == "" {
		b.WriteString("- Ratio: none, the treasury is empty\n")
	} else {
		fmt.Fprintf(&b, "- Ratio: %s SC per euro (the rule allows %d)\n", t.Ratio, t.Multiple)
	}
	if t.Within {
		fmt.Fprintf(&b, "- 3x rule: holds; the treasury covers %d SC\n", t.CoverSC)
	} else {
		fmt.Fprintf(&b, "- 3x rule: **broken**; the treasury covers %d SC, a deposit of %s would restore it\n", t.CoverSC, euro(t.DepositForCents(0)))
	}
	fmt.Fprintf(&b, "- Headroom: %d more SC may be awarded\n", t.HeadroomSC)
	if held := heldAwards(tx); len(held) > 0 {
		sc := 0
		for _, h := range held {
			sc += h.award
		}
		fmt.Fprintf(&b, "- Held back: %d SC of %d task(s) wait for the treasury; a deposit of %s lets them all through\n", sc, len(held), euro(held[len(held)-1].depositC))
	}
	if t.Movements == 0 {
		b.WriteString("\nNo deposit yet: every award waits until an admin records one with `!deposit`.")
	}
	return Reply{Text: b.String()}
}
