package ledger

import (
	"fmt"
	"iter"
	"time"
)

// TreasuryDir holds the euro treasury's movements: append-only, sharded
// like the SC and SK transactions.
const TreasuryDir = "transactions/treasury"

// TreasuryTx is a row of the treasury journal: one movement of euros, with
// the running balance after it and the SC outstanding at that moment, so
// that each row tells the 3x rule's state on its own. The columns follow
// the legacy treasury CSV where they fit; tx_id and event_id make it
// exactly-once and tie it to its audit row.
type TreasuryTx struct {
	ID            string    `csv:"tx_id"`
	Time          time.Time `csv:"timestamp"`
	Kind          string    `csv:"event_type"` // deposit, withdrawal
	Delta         Euro      `csv:"amount_eur_delta"`
	Balance       Euro      `csv:"total_eur_balance"`
	SCOutstanding int       `csv:"sc_outstanding"`
	Liability     Euro      `csv:"sc_liability_eur"` // 1 SC is a claim of €1
	Ratio         string    `csv:"ratio"`            // SC outstanding ÷ balance, two decimals; empty when the balance is 0
	Note          string    `csv:"notes"`
	By            string    `csv:"by"` // the admin's alias
	EventID       string    `csv:"event_id"`
}

// Treasury event types.
const (
	TreasuryDeposit    = "deposit"
	TreasuryWithdrawal = "withdrawal"
)

func (t TreasuryTx) journalKey() string { return t.ID }

// TreasuryRatio is SC outstanding ÷ balance as the ledger writes it: a
// decimal with two places, rounded up, so that a ratio shown as 3.00 or
// less is one the 3x rule allows and one above it shows above 3.00; empty
// when there is no balance to divide by.
func TreasuryRatio(scOutstanding int, balance Euro) string {
	if balance <= 0 {
		return ""
	}
	hundredths := (int64(scOutstanding)*100*100 + int64(balance) - 1) / int64(balance)
	return fmt.Sprintf("%d.%02d", hundredths/100, hundredths%100)
}

// TreasuryTxs lists the treasury's movements, those of this commit last.
func (tx *Tx) TreasuryTxs() iter.Seq[TreasuryTx] {
	return concat(tx.snap.treasury.all(), tx.treasury.all())
}

// TreasuryBalance is the euros in the treasury: the balance after the last
// movement, those of this commit included; 0 before the first.
func (tx *Tx) TreasuryBalance() Euro {
	if n := len(tx.treasury.cur); n > 0 {
		return tx.treasury.cur[n-1].Balance
	}
	if n := len(tx.treasury.done); n > 0 {
		return tx.treasury.done[n-1].Balance
	}
	last, _ := tx.snap.treasury.last()
	return last.Balance
}

// TreasuryMovements is how many movements the treasury has had, those of
// this commit included.
func (tx *Tx) TreasuryMovements() int { return tx.snap.treasury.count() + tx.treasury.pending() }

// AppendTreasury records a movement of euros. Its ID, time, event ID and
// running balance are filled in; the caller gives the kind, the signed
// delta, the SC outstanding and the note. A movement that would leave the
// balance below zero fails the mutation: the rules refuse it before.
func (tx *Tx) AppendTreasury(t TreasuryTx) TreasuryTx {
	t.ID = fmt.Sprintf("tr_%d", tx.snap.treasury.count()+tx.treasury.pending()+1)
	t.Time, t.EventID = tx.now, tx.eventID
	t.Balance = tx.TreasuryBalance() + t.Delta
	t.Liability = Euro(int64(t.SCOutstanding) * 100)
	t.Ratio = TreasuryRatio(t.SCOutstanding, t.Balance)
	if t.Balance < 0 {
		tx.fail(fmt.Errorf("%s: %s would leave the treasury at %s EUR, below zero", TreasuryDir, t.ID, t.Balance))
	}
	tx.treasury.add(t)
	return t
}

// verifyTreasury checks the running balance: each row's total is the
// previous total plus its delta, never below zero; deposits add, and
// withdrawals take; the liability and ratio follow from the row's own
// columns.
func (s *Snapshot) verifyTreasury() []Problem {
	var ps []Problem
	var prev Euro
	for _, sh := range s.treasury.shards {
		for i, t := range sh.list() {
			where := fmt.Sprintf("%s row %d (%s)", sh.path, i+1, t.ID)
			bad := func(format string, args ...any) {
				ps = append(ps, Problem{Where: where, What: fmt.Sprintf(format, args...)})
			}
			switch {
			case t.Kind == TreasuryDeposit && t.Delta <= 0:
				bad("a deposit of %s EUR: deposits are positive", t.Delta)
			case t.Kind == TreasuryWithdrawal && t.Delta >= 0:
				bad("a withdrawal of %s EUR: withdrawals are negative", t.Delta)
			case t.Kind != TreasuryDeposit && t.Kind != TreasuryWithdrawal:
				bad("unknown event_type %q", t.Kind)
			}
			if want := prev + t.Delta; t.Balance != want {
				bad("total_eur_balance %s, but the previous total %s plus %s is %s", t.Balance, prev, t.Delta, want)
			}
			if t.Balance < 0 {
				bad("total_eur_balance %s is below zero", t.Balance)
			}
			if t.SCOutstanding < 0 {
				bad("sc_outstanding %d is below zero", t.SCOutstanding)
			}
			if want := Euro(int64(t.SCOutstanding) * 100); t.Liability != want {
				bad("sc_liability_eur %s, but %d SC outstanding are %s EUR", t.Liability, t.SCOutstanding, want)
			}
			if want := TreasuryRatio(t.SCOutstanding, t.Balance); t.Ratio != want {
				bad("ratio %q, but %d SC over %s EUR is %q", t.Ratio, t.SCOutstanding, t.Balance, want)
			}
			prev = t.Balance
		}
	}
	return ps
}
