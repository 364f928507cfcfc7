package ledger

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Euro is an amount of euros in exact cents. Money is never a float in the
// ledger: a float cannot hold 0.10 exactly, and sums of them drift. In a
// CSV file it is written with a point and two decimals ("1500.00",
// "-0.50"), the form a spreadsheet reads as a number.
type Euro int64

// Cents is the amount in cents.
func (e Euro) Cents() int64 { return int64(e) }

// String is the amount as the ledger writes it: "1500.00", "-0.50".
func (e Euro) String() string {
	sign, n := "", int64(e)
	if n < 0 {
		sign, n = "-", -n
	}
	return fmt.Sprintf("%s%d.%02d", sign, n/100, n%100)
}

// MarshalText writes the amount for a CSV file.
func (e Euro) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText reads exactly the form MarshalText writes: an optional
// minus, digits, a point and two decimals. Anything else is refused rather
// than guessed at (is "1.500" fifteen hundred or one and a half?).
func (e *Euro) UnmarshalText(b []byte) error {
	v, err := parseEuroCSV(string(b))
	if err != nil {
		return err
	}
	*e = v
	return nil
}

var errEuroShape = errors.New("not an amount in euros like 1500.00")

func parseEuroCSV(s string) (Euro, error) {
	neg := strings.HasPrefix(s, "-")
	whole, frac, ok := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if !ok || len(frac) != 2 || !digits(whole) || !digits(frac) || len(whole) > 15 {
		return 0, fmt.Errorf("%q is %w", s, errEuroShape)
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	n := w*100 + f
	if neg {
		n = -n
	}
	return Euro(n), nil
}

// digits reports whether s is one or more ASCII digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
