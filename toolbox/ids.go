package toolbox

import (
	"fmt"
	"iter"
	"regexp"
	"strconv"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// Every kind of ID the bot makes or reads is defined here, once: a pattern
// built from the kind's limits, a reader (isX) that accepts what matches
// it, and a maker (newX) that checks what it made with that reader and
// refuses, in words an owner can act on, rather than make an ID the bot
// would then reject. Checking shapes first also keeps path tricks out of
// page names.

// The limits of the numbers in IDs.
const (
	// idNumberDigits bounds each number of an objective, task or work
	// session ID: up to 999,999 tasks per team objective.
	idNumberDigits = 6
	// serialDigits bounds the running numbers of applications,
	// assessments and repeated role assignments.
	serialDigits = 9
)

var (
	idNumber = fmt.Sprintf(`[0-9]{1,%d}`, idNumberDigits)
	serial   = fmt.Sprintf(`[0-9]{1,%d}`, serialDigits)
	// maxIDNumber and maxSerial are the largest numbers the patterns hold.
	maxIDNumber = pow10(idNumberDigits) - 1
	maxSerial   = pow10(serialDigits) - 1
)

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}

// Objective IDs: 5_<n> for the organisation's objective n, and
// 5_<n>_<team number> for a team's part in it. Task IDs are made from team
// objectives.
var (
	orgObjectivePattern  = regexp.MustCompile(`^5_` + idNumber + `$`)
	teamObjectivePattern = regexp.MustCompile(`^5(_` + idNumber + `){2}$`)
)

func isObjectiveID(s string) bool {
	return orgObjectivePattern.MatchString(s) || teamObjectivePattern.MatchString(s)
}

// newOrgObjectiveID is the ID of the organisation's objective n.
func newOrgObjectiveID(n int) (string, error) {
	if n > maxIDNumber {
		return "", ledger.Refuse("The organisation has had %d objectives, as many as their IDs can number, so nothing was written.", maxIDNumber)
	}
	id := "5_" + strconv.Itoa(n)
	return id, checkMade(id, orgObjectivePattern.MatchString(id))
}

// newTeamObjectiveID is the ID of a team's objective under the
// organisation's objective parent: the team's number is its last part, so
// a task ID says which team it belongs to.
func newTeamObjectiveID(parent, teamNumber string) (string, error) {
	id := parent + "_" + teamNumber
	if !teamObjectivePattern.MatchString(id) {
		return "", ledger.Refuse("A team objective of this team under `%s` would be `%s`, which is not an objective ID (each number at most %d digits). Nothing was written.", parent, id, idNumberDigits)
	}
	return id, nil
}

// Task IDs: 6_<objective>_<team objective>_<n>, for task n of team
// objective 5_<objective>_<team objective>.
var taskIDPattern = regexp.MustCompile(`^6(_` + idNumber + `){3}$`)

func isTaskID(s string) bool { return taskIDPattern.MatchString(s) }

// newTaskID is the ID of task n of a team objective.
func newTaskID(objective string, n int) (string, error) {
	if !teamObjectivePattern.MatchString(objective) {
		return "", ledger.Refuse("The team's newest open objective, `%s`, is not numbered as a team objective (`5_<n>_<m>`, each number at most %d digits), "+
			"so its tasks can't be numbered and nothing was written. An admin can correct the objective in the ledger.", objective, idNumberDigits)
	}
	if n > maxIDNumber {
		return "", ledger.Refuse("Objective `%s` already has task number %d, the highest a task ID holds, so nothing was written. "+
			"An admin can open a new objective for the team; new tasks then go there.", objective, maxIDNumber)
	}
	id := "6" + strings.TrimPrefix(objective, "5") + "_" + strconv.Itoa(n)
	return id, checkMade(id, isTaskID(id))
}

// Work session IDs: <task>_ws<n>, the n-th session on the task.
var sessionIDPattern = regexp.MustCompile(strings.TrimSuffix(taskIDPattern.String(), "$") + `_ws` + idNumber + `$`)

func isSessionID(s string) bool { return sessionIDPattern.MatchString(s) }

func newSessionID(task string, n int) (string, error) {
	if n > maxIDNumber {
		return "", ledger.Refuse("Task `%s` has had %d work sessions, as many as their IDs can number, so nothing was written. "+
			"The team captain can create a follow-up task to carry on the work.", task, maxIDNumber)
	}
	id := task + "_ws" + strconv.Itoa(n)
	return id, checkMade(id, isSessionID(id))
}

// Application IDs: app_<n>, typed in any case.
var applicationIDPattern = regexp.MustCompile(`^(?i)app_` + serial + `$`)

func isApplicationID(s string) bool { return applicationIDPattern.MatchString(s) }

func newApplicationID(n int) (string, error) {
	if n > maxSerial {
		return "", ledger.Refuse("The ledger holds %d applications, as many as their IDs can number, so nothing was written. Please tell whoever runs Engelbot.", maxSerial)
	}
	id := "app_" + strconv.Itoa(n)
	return id, checkMade(id, isApplicationID(id))
}

// Assessment IDs: as_<n>.
var assessmentIDPattern = regexp.MustCompile(`^as_` + serial + `$`)

func isAssessmentID(s string) bool { return assessmentIDPattern.MatchString(s) }

func newAssessmentID(n int) (string, error) {
	if n > maxSerial {
		return "", ledger.Refuse("The ledger holds %d assessments, as many as their IDs can number, so nothing was written. Please tell whoever runs Engelbot.", maxSerial)
	}
	id := "as_" + strconv.Itoa(n)
	return id, checkMade(id, isAssessmentID(id))
}

// Role IDs (4_1_7_tc_operational_team, 4_2_3_editor): the layer 4, then
// up to eight words of letters and digits.
const (
	roleIDWords    = 8
	roleIDWordSize = 40
)

var roleIDPattern = regexp.MustCompile(fmt.Sprintf(`^4(_[0-9A-Za-z]{1,%d}){1,%d}$`, roleIDWordSize, roleIDWords))

func isRoleID(s string) bool { return roleIDPattern.MatchString(s) }

// newRoleID is the ID of a new role of team number teamNumber, by
// SmartupOS's convention: 4_1_<team n>_tc_<team name> for the captain's
// role, 4_2_<team n>_<slug> for a senior one, 4_3_<team n>_<slug> for a
// junior one (slug: the title as roleSlug writes it).
func newRoleID(typ, teamNumber, teamName, slug string) (string, error) {
	var id string
	switch typ {
	case ledger.RoleCaptain:
		id = "4_1_" + teamNumber + "_tc_" + strings.ToLower(teamName)
		if !isRoleID(id) {
			return "", ledger.Refuse("The captain role's ID would be `%s`, which is not a role ID SmartupOS can use: the team's ID has too many or empty parts. "+
				"Nothing was written; an admin can correct the team's ID.", id)
		}
	case ledger.RoleSenior, ledger.RoleJunior:
		prefix := "4_2_"
		if typ == ledger.RoleJunior {
			prefix = "4_3_"
		}
		id = prefix + teamNumber + "_" + slug
		if !isRoleID(id) {
			return "", ledger.Refuse("The role ID this would make, `%s`, is not one SmartupOS can use. Nothing was written; please choose a shorter title.", id)
		}
	default:
		return "", fmt.Errorf("no role IDs for roles of type %q", typ)
	}
	return id, nil
}

// Role assignment IDs: ra_<alias>_<role>, then ra_<alias>_<role>_2, _3…
// when the owner takes the same role again. The alias part is any alias
// the Book of Owners may hold, new or from before the alias rules.
var assignmentIDPattern = regexp.MustCompile(`^ra_[a-z0-9][a-z0-9_.-]{0,31}_` +
	strings.TrimSuffix(strings.TrimPrefix(roleIDPattern.String(), "^"), "$") + `(_` + serial + `)?$`)

func isAssignmentID(s string) bool { return assignmentIDPattern.MatchString(s) }

func newAssignmentID(alias, role string, n int) (string, error) {
	id := "ra_" + alias + "_" + role
	if n > 1 {
		id += "_" + strconv.Itoa(n)
	}
	if n > maxSerial {
		return "", ledger.Refuse("%s has held %s %d times, as many as role assignment IDs can number, so nothing was written. Please tell whoever runs Engelbot.", alias, role, maxSerial)
	}
	return id, checkMade(id, isAssignmentID(id))
}

// checkMade is the net under a maker's own limits: an ID its reader
// rejects is an error, never a row.
func checkMade(id string, accepted bool) error {
	if accepted {
		return nil
	}
	return fmt.Errorf("made the ID %q, which its own pattern rejects", id)
}

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
