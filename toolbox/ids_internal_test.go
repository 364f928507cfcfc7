package toolbox

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"smartup0.org/engelbot/ledger"
)

// numbers are the n a maker is asked for: small ones, every power of ten
// and its neighbours up to 10^12, and random ones of every length.
func numbers() []int {
	ns := []int{1, 2, 3}
	for p := 10; p <= 1e12; p *= 10 {
		ns = append(ns, p-1, p, p+1)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for digits := 1; digits <= 12; digits++ {
		for range 20 {
			ns = append(ns, 1+r.IntN(pow10(digits)))
		}
	}
	return ns
}

// A maker gives an ID its reader accepts for every number up to its
// limit, and past it refuses in words for the owner — never an ID the
// commands would reject, never an internal error.
func TestMadeIDsAreAccepted(t *testing.T) {
	// check reports, per maker and input, how many numbers went wrong, and
	// the first of them. A maker of a bad input (limit 0) refuses them all.
	check := func(what string, accepts func(string) bool, make func(n int) (string, error), limit int) {
		t.Helper()
		bad, first := 0, ""
		for _, n := range numbers() {
			id, err := make(n)
			_, refused := ledger.IsRefusal(err)
			if ok := (n <= limit && err == nil && accepts(id)) || (n > limit && refused); !ok {
				if bad++; bad == 1 {
					first = fmt.Sprintf("n=%d gives %q, %v", n, id, err)
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d numbers went wrong (up to %d an ID its reader accepts, then a refusal); first: %s", what, bad, len(numbers()), limit, first)
		}
	}
	for objective, limit := range map[string]int{"5_1_7": maxIDNumber, "5_12_3": maxIDNumber, "5_9999_9999": maxIDNumber,
		"5_1_7_2": 0, "5_12345678_1": 0, "5_x_1": 0, "5": 0} {
		check("newTaskID("+objective+")", isTaskID, func(n int) (string, error) { return newTaskID(objective, n) }, limit)
	}
	check("newApplicationID", isApplicationID, newApplicationID, maxSerial)
	check("newAssessmentID", isAssessmentID, newAssessmentID, maxSerial)
	for _, task := range []string{"6_1_7_1", "6_999999_999999_999999"} {
		check("newSessionID("+task+")", isSessionID, func(n int) (string, error) { return newSessionID(task, n) }, maxIDNumber)
	}
	for _, owner := range []string{"carol", "frank.j", "a-b_c", strings.Repeat("x", 32)} {
		for _, role := range []string{"4_2_7_lead", "4_1_7_tc_operational_team", "4" + strings.Repeat("_"+strings.Repeat("z", roleIDWordSize), roleIDWords)} {
			check("newAssignmentID("+owner+", "+role+")", isAssignmentID, func(n int) (string, error) { return newAssignmentID(owner, role, n) }, maxSerial)
		}
	}
	// Roles: every team number and title create_role can meet.
	for _, typ := range []string{ledger.RoleCaptain, ledger.RoleSenior, ledger.RoleJunior} {
		for _, team := range []string{"3_7_operational_team", "3_1_a_b_c_d_e_f_g_h", "3_12_x__y", "3_123456789_" + strings.Repeat("q", 50)} {
			number, name, _ := splitTeamID(team)
			for _, title := range []string{"Night shift lead", strings.Repeat("word ", 20), strings.Repeat("x", 100), "Ωmega"} {
				if id, err := newRoleID(typ, number, name, roleSlug(title)); err == nil && !isRoleID(id) {
					t.Errorf("newRoleID(%s, %s, %q) = %q, which isRoleID rejects", typ, team, title, id)
				}
			}
		}
	}
}

// The boundary itself: task …_9999 is followed by …_10000, and so on up
// to the largest number a task ID holds; the next one is refused, not
// made. The same holds for the other running numbers.
func TestIDNumbersUpToTheLimit(t *testing.T) {
	for _, n := range []int{9999, 10000, maxIDNumber} {
		id, err := newTaskID("5_1_7", n)
		if err != nil || !isTaskID(id) {
			t.Errorf("task %d of 5_1_7: %q, %v; want an ID every command accepts", n, id, err)
		}
		if want := "6_1_7_" + strconv.Itoa(n); id != want {
			t.Errorf("task %d of 5_1_7 is %q, want %q", n, id, want)
		}
	}
	for what, make := range map[string]func(n int) (string, error){
		"task":        func(n int) (string, error) { return newTaskID("5_1_7", n) },
		"session":     func(n int) (string, error) { return newSessionID("6_1_7_1", n) },
		"application": newApplicationID,
		"assessment":  newAssessmentID,
		"assignment":  func(n int) (string, error) { return newAssignmentID("carol", "4_2_7_lead", n) },
	} {
		limit := maxSerial
		if what == "task" || what == "session" {
			limit = maxIDNumber
		}
		if _, err := make(limit); err != nil {
			t.Errorf("%s number %d, the last one: %v", what, limit, err)
		}
		id, err := make(limit + 1)
		if _, refused := ledger.IsRefusal(err); !refused {
			t.Errorf("%s number %d, past the last one: %q, %v; want a refusal", what, limit+1, id, err)
		}
	}
	// A team objective that is not 5_<n>_<m> gives no task IDs.
	for _, objective := range []string{"5_1", "5_1_7_2", "5_1234567_1", "5_x_1", "6_1_7"} {
		if id, err := newTaskID(objective, 1); err == nil {
			t.Errorf("newTaskID(%q, 1) = %q, want a refusal", objective, id)
		}
	}
}
