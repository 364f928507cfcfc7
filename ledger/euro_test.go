package ledger_test

import (
	"testing"

	"smartup0.org/engelbot/ledger"
)

// Amounts round-trip through the ledger's one written form, and any other
// form is refused rather than guessed at.
func TestEuroText(t *testing.T) {
	for _, c := range []struct {
		cents int64
		text  string
	}{{0, "0.00"}, {5, "0.05"}, {150050, "1500.50"}, {-50, "-0.50"}, {-123456, "-1234.56"}} {
		if got := ledger.Euro(c.cents).String(); got != c.text {
			t.Errorf("%d cents written as %q, want %q", c.cents, got, c.text)
		}
		var e ledger.Euro
		if err := e.UnmarshalText([]byte(c.text)); err != nil || e.Cents() != c.cents {
			t.Errorf("%q read as %d (%v), want %d", c.text, e.Cents(), err, c.cents)
		}
	}
	for _, bad := range []string{"", "1500", "1500.5", "1.500,00", "1,500.00", "+1.00", "€1.00", "1.005", " 1.00", "1e3.00", "-.50"} {
		var e ledger.Euro
		if err := e.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("%q was read as %s; it should be refused", bad, e)
		}
	}
}

// The ratio rounds up, so that 3.00 is never shown for a broken rule:
// 100 SC over €33.33 (which covers 99.99) is 3.01, over €33.34 it is 3.00.
func TestTreasuryRatio(t *testing.T) {
	for _, c := range []struct {
		sc    int
		cents int64
		want  string
	}{{0, 100, "0.00"}, {100, 3334, "3.00"}, {100, 3333, "3.01"}, {3, 100, "3.00"}, {1, 300, "0.34"}, {1, 0, ""}} {
		if got := ledger.TreasuryRatio(c.sc, ledger.Euro(c.cents)); got != c.want {
			t.Errorf("%d SC over %d cents: ratio %q, want %q", c.sc, c.cents, got, c.want)
		}
	}
}
