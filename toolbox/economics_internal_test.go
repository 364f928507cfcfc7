package toolbox

import (
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
)

func TestPayoutPctEdges(t *testing.T) {
	for _, c := range []struct{ total, want int }{
		{3, 60}, {4, 61}, {16, 79}, {29, 98}, {30, 100},
		{0, 60}, {31, 100}, // out of range is clamped, never extrapolated
	} {
		if got := payoutPct(c.total); got != c.want {
			t.Errorf("payoutPct(%d) = %d, want %d", c.total, got, c.want)
		}
	}
	for total := minTotal + 1; total <= maxTotal; total++ {
		if payoutPct(total) < payoutPct(total-1) {
			t.Errorf("a higher total (%d) pays less than %d", total, total-1)
		}
	}
}

func TestPayoutRoundsDown(t *testing.T) {
	// 25 SC at 61 % is 15.25 SC: a credit is whole.
	if got := payout(25, 61); got != 15 {
		t.Errorf("payout(25, 61) = %d, want 15", got)
	}
	if got := payout(200, 100); got != 200 {
		t.Errorf("payout(200, 100) = %d, want 200", got)
	}
}

// The split never makes or loses a credit, and the defender never gets
// more than a tenth.
func TestSplitKeepsEveryCredit(t *testing.T) {
	for pay := 0; pay <= 1000; pay++ {
		a, d := split(pay)
		if a+d != pay {
			t.Fatalf("split(%d) = %d + %d, which is not %d", pay, a, d, pay)
		}
		if d*10 > pay || (d+1)*10 <= pay {
			t.Fatalf("split(%d): defender gets %d, not a tenth rounded down", pay, d)
		}
	}
	if a, d := split(44); a != 40 || d != 4 {
		t.Errorf("split(44) = %d/%d, want 40/4", a, d)
	}
	if a, d := split(9); a != 9 || d != 0 {
		t.Errorf("split(9) = %d/%d, want 9/0", a, d)
	}
}

func TestSizes(t *testing.T) {
	for in, want := range map[string]int{"s": 25, "M": 50, "l": 100, "XL": 200, "xl": 200} {
		if _, b, ok := sizeArg(in); !ok || b != want {
			t.Errorf("sizeArg(%q) = %d %v, want %d", in, b, ok, want)
		}
	}
	for _, in := range []string{"", "XXL", "medium", "1"} {
		if _, _, ok := sizeArg(in); ok {
			t.Errorf("sizeArg(%q) accepted", in)
		}
	}
}

func TestDecayOf(t *testing.T) {
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	sk := func(days float64, n int) ledger.SKTx {
		return ledger.SKTx{Amount: n, Time: start.Add(-time.Duration(days * 24 * float64(time.Hour)))}
	}
	for _, c := range []struct {
		name           string
		rows           []ledger.SKTx
		want, eligible int
	}{
		{"nothing", nil, 0, 0},
		{"old SK loses a tenth", []ledger.SKTx{sk(40, 100)}, 10, 100},
		{"a tenth rounds up, so small balances reach zero", []ledger.SKTx{sk(40, 1)}, 1, 1},
		{"15 SK loses 2", []ledger.SKTx{sk(40, 15)}, 2, 15},
		{"SK earned exactly 30 days before is in its grace", []ledger.SKTx{sk(30, 100)}, 0, 0},
		{"SK earned a second over 30 days before decays", []ledger.SKTx{sk(30+1.0/86400, 100)}, 10, 100},
		{"only the old part decays", []ledger.SKTx{sk(60, 50), sk(5, 50)}, 5, 50},
		{"earlier decay counts in the balance", []ledger.SKTx{sk(70, 100), sk(35, -10)}, 9, 90},
		{"rows after the month began do not count", []ledger.SKTx{sk(-1, 100)}, 0, 0},
		{"never below zero", []ledger.SKTx{sk(70, 5), sk(40, -5)}, 0, 0},
		{"recent SK that was mostly spent by decay", []ledger.SKTx{sk(3, 10), sk(2, -8)}, 0, 0},
		// November's decay, written late (in December), counts at November's start.
		{"a decay row counts at the month it is for", []ledger.SKTx{sk(70, 100),
			{Category: "decay", Amount: -10, Note: "decay 2026-11: 10 % of 100 SK", Time: start.Add(10 * 24 * time.Hour)}}, 9, 90},
	} {
		got, eligible := decayOf(c.rows, start)
		if got != c.want || eligible != c.eligible {
			t.Errorf("%s: decay %d of %d eligible, want %d of %d", c.name, got, eligible, c.want, c.eligible)
		}
	}
}

func TestSKCategories(t *testing.T) {
	for in, want := range map[string]int{"code_review": 5, "Mentoring": 10, "conflict-resolution": 25, "governance": 20, "onboarding_help": 8} {
		if _, n, ok := skCategoryArg(in); !ok || n != want {
			t.Errorf("skCategoryArg(%q) = %d %v, want %d", in, n, ok, want)
		}
	}
	if _, _, ok := skCategoryArg("kudos"); ok {
		t.Error("kudos is peer SK, not a captain's category")
	}
}
