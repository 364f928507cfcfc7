package ledger

import "time"

// AssessmentsIndex is the index of assessments: one row per time a captain
// scored a task's finished work, and what the community then did with it.
const AssessmentsIndex = "indexes/assessments"

// Assessment is a captain's scoring of a task (effort, learning,
// collaboration, 1–10 each), the SC it pays, and the lazy-consensus
// window that follows. Its pending SC rows name it in their note.
type Assessment struct {
	ID            string    `csv:"assessment_id"` // as_<n>
	Task          string    `csv:"task_id"`
	Effort        int       `csv:"effort"`
	Learning      int       `csv:"learning"`
	Collaboration int       `csv:"collaboration"`
	PayoutPct     int       `csv:"payout_pct"` // of the task's budget
	PayoutSC      int       `csv:"payout_sc"`
	AttackerSC    int       `csv:"attacker_sc"`
	DefenderSC    int       `csv:"defender_sc"`
	State         string    `csv:"state"`
	AssessedBy    string    `csv:"assessed_by"`
	Assessed      time.Time `csv:"assessed_at"`
	Note          string    `csv:"note"`
	ApprovedBy    string    `csv:"approved_by"`
	Approved      time.Time `csv:"approved_at"`
	WindowEnds    time.Time `csv:"window_ends_at"`
	ObjectedBy    string    `csv:"objected_by"`
	Objected      time.Time `csv:"objected_at"`
	Objection     string    `csv:"objection"`
	Settled       time.Time `csv:"settled_at"` // awarded, or superseded by a new assessment
}

// Assessment states.
const (
	AssessmentAssessed   = "assessed"   // scored; pending SC written; waiting for the captain's approval
	AssessmentApproved   = "approved"   // the lazy-consensus window is running
	AssessmentDisputed   = "disputed"   // an owner objected within the window; the forum votes on it, its SC still pending
	AssessmentContested  = "contested"  // objected to, and the vote did not award it (or, before votes, objected to): not awarded
	AssessmentAwarded    = "awarded"    // the window passed without objection; SC awarded
	AssessmentSuperseded = "superseded" // replaced by a new assessment of the same task
)

func (a Assessment) key() string { return a.ID }
