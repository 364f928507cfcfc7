package toolbox

import (
	"fmt"
	"iter"
	"regexp"
	"strconv"
	"strings"
)

// Every kind of ID the bot makes or reads is defined here, once: the shape
// a command accepts and the function that makes a new one come from the
// same pattern, so that an ID the bot creates is always one it accepts.
// A maker returns an error (a refusal) rather than an ID its reader would
// reject. Checking shapes first also keeps path tricks out of page names.

// Task IDs: 6_<objective>_<team objective>_<n>, for task n of team
// objective 5_<objective>_<team objective>.
var taskIDPattern = regexp.MustCompile(`^6(_[0-9]{1,4}){3}$`)

func isTaskID(s string) bool { return taskIDPattern.MatchString(s) }

// newTaskID is the ID of task n of a team objective.
func newTaskID(objective string, n int) (string, error) {
	return "6" + strings.TrimPrefix(objective, "5") + "_" + strconv.Itoa(n), nil
}

// Work session IDs: <task>_ws<n>, the n-th session on the task.
func newSessionID(task string, n int) (string, error) {
	return task + "_ws" + strconv.Itoa(n), nil
}

// Application IDs: app_<n>, typed in any case.
var applicationIDPattern = regexp.MustCompile(`^(?i)app_[0-9]{1,9}$`)

func isApplicationID(s string) bool { return applicationIDPattern.MatchString(s) }

func newApplicationID(n int) (string, error) { return "app_" + strconv.Itoa(n), nil }

// Assessment IDs: as_<n>.
func newAssessmentID(n int) (string, error) { return "as_" + strconv.Itoa(n), nil }

// Role assignment IDs: ra_<alias>_<role>, then ra_<alias>_<role>_2, _3…
// when the owner takes the same role again.
func newAssignmentID(alias, role string, n int) (string, error) {
	if n == 1 {
		return "ra_" + alias + "_" + role, nil
	}
	return fmt.Sprintf("ra_%s_%s_%d", alias, role, n), nil
}

// Role IDs (4_1_7_tc_operational_team, 4_2_3_editor): the layer 4, then
// words of letters and digits.
var roleIDPattern = regexp.MustCompile(`^4(_[0-9A-Za-z]{1,40}){1,8}$`)

func isRoleID(s string) bool { return roleIDPattern.MatchString(s) }

// firstFree is the ID made for the first n from from on that taken does
// not claim. Rows are never erased, so numbering from a count lands on a
// free ID at once unless rows were numbered otherwise.
func firstFree(from int, make func(n int) (string, error), taken func(id string) bool) (string, error) {
	for n := from; ; n++ {
		id, err := make(n)
		if err != nil || !taken(id) {
			return id, err
		}
	}
}

// countOf is how many rows a listing has.
func countOf[R any](rows iter.Seq[R]) int {
	n := 0
	for range rows {
		n++
	}
	return n
}
