package ledger

import "time"

// The folders and files of the ledger. docs/ledger.md documents each
// column. An index is a folder of numbered CSV shards (see shards.go); its
// rows are in the order they were written, each row in one shard for good.
const (
	OwnersIndex         = "indexes/book-of-owners"
	TeamsIndex          = "indexes/teams"
	ApplicationsIndex   = "indexes/applications"
	ObjectivesIndex     = "indexes/objectives"
	RolesIndex          = "indexes/roles"
	AssignmentsIndex    = "indexes/role-assignments"
	TasksIndex          = "indexes/tasks"
	SessionsIndex       = "indexes/work-sessions"
	EventsDir           = "master-events"
	SCDir               = "transactions/sc"
	SKDir               = "transactions/sk"
	TaskPagesDir        = "pages/tasks"
	SessionPagesDir     = "pages/sessions"
	ApplicationPagesDir = "pages/applications"
)

// Owner is a row of the Book of Owners: public, by alias.
type Owner struct {
	Alias    string    `csv:"alias"`
	MatrixID string    `csv:"matrix_id"`
	License  string    `csv:"license"` // campaign, watch, work, organizational
	Status   string    `csv:"status"`  // active, inactive
	Joined   time.Time `csv:"joined_at"`
	WikiPath string    `csv:"wiki_path"`
}

// Licenses, from least to most.
const (
	LicenseCampaign       = "campaign"
	LicenseWatch          = "watch"
	LicenseWork           = "work"
	LicenseOrganizational = "organizational"
)

// Statuses of owners, roles and assignments.
const (
	StatusActive   = "active"
	StatusInactive = "inactive"
	StatusEnded    = "ended"
)

// Team is one of the seven teams (3_1_leadership_team … 3_7_operational_team).
type Team struct {
	ID       string `csv:"team_id"`
	Name     string `csv:"name"`
	Status   string `csv:"status"` // active, inactive
	WikiPath string `csv:"wiki_path"`
}

// Role is a position in a team (4_1_… captains, 4_2_… senior, 4_3_… junior).
type Role struct {
	ID          string `csv:"role_id"`
	Team        string `csv:"team_id"`
	Type        string `csv:"type"` // team_captain, senior, junior
	Title       string `csv:"title"`
	Status      string `csv:"status"`      // active, inactive
	Recruitment string `csv:"recruitment"` // open, future, closed
	Hours       int    `csv:"commitment_hours"`
	SCPotential int    `csv:"sc_potential"`
	WikiPath    string `csv:"wiki_path"`
}

// Role types.
const (
	RoleCaptain = "team_captain"
	RoleSenior  = "senior"
	RoleJunior  = "junior"
)

// Assignment says that an owner holds a role.
type Assignment struct {
	ID     string    `csv:"assignment_id"`
	Role   string    `csv:"role_id"`
	Alias  string    `csv:"alias"`
	Status string    `csv:"status"` // active, ended
	Since  time.Time `csv:"since"`
	Until  time.Time `csv:"until"`
}

// Application is an owner's request to take a role.
type Application struct {
	ID         string    `csv:"application_id"` // app_<n>
	Role       string    `csv:"role_id"`
	Alias      string    `csv:"alias"`
	State      string    `csv:"state"` // pending, accepted, rejected, withdrawn
	Motivation string    `csv:"motivation"`
	Submitted  time.Time `csv:"submitted_at"`
	Decided    time.Time `csv:"decided_at"`
	DecidedBy  string    `csv:"decided_by"`
	Reason     string    `csv:"reason"`
	WikiPath   string    `csv:"wiki_path"`
}

// Application states.
const (
	ApplicationPending   = "pending"
	ApplicationAccepted  = "accepted"
	ApplicationRejected  = "rejected"
	ApplicationWithdrawn = "withdrawn"
)

// Objective is a goal tasks serve: 5_X for the organisation, 5_X_Y for a team.
type Objective struct {
	ID       string `csv:"objective_id"`
	Parent   string `csv:"parent_id"` // for a team objective: the organisation's
	Team     string `csv:"team_id"`   // empty for an organisation objective
	Title    string `csv:"title"`
	Status   string `csv:"status"` // open, achieved, dropped
	WikiPath string `csv:"wiki_path"`
}

// Objective statuses.
const (
	ObjectiveOpen     = "open"
	ObjectiveAchieved = "achieved"
	ObjectiveDropped  = "dropped"
)

// Task is a piece of work (6_X_Y_Z) with an attacker and a defender.
type Task struct {
	ID        string    `csv:"task_id"`
	Team      string    `csv:"team_id"`
	Objective string    `csv:"objective_id"`
	Title     string    `csv:"title"`
	Size      string    `csv:"size"` // S, M, L, XL
	BudgetSC  int       `csv:"budget_sc"`
	State     string    `csv:"state"`
	Attacker  string    `csv:"attacker"`
	Defender  string    `csv:"defender"`
	CreatedBy string    `csv:"created_by"`
	Created   time.Time `csv:"created_at"`
	Updated   time.Time `csv:"updated_at"`
	WikiPath  string    `csv:"wiki_path"`
}

// PositionOf says whether alias is the task's attacker or defender ("" if
// neither).
func (t Task) PositionOf(alias string) string {
	switch {
	case alias == "":
		return ""
	case alias == t.Attacker:
		return Attacker
	case alias == t.Defender:
		return Defender
	}
	return ""
}

// Task states, in the order a task normally moves through them.
const (
	TaskOpen       = "open"        // created, nobody on it
	TaskClaimed    = "claimed"     // someone is assigned, no work yet
	TaskInProgress = "in_progress" // a work session is open or has been
	TaskReview     = "review"      // work stopped, waiting for assessment
	TaskAssessed   = "assessed"
	TaskApproved   = "approved" // lazy-consensus window running
	TaskContested  = "contested"
	TaskAwarded    = "awarded"
	TaskCancelled  = "cancelled"
)

// Session is a work session on a task.
type Session struct {
	ID         string    `csv:"session_id"`
	Task       string    `csv:"task_id"`
	Alias      string    `csv:"alias"`
	Position   string    `csv:"position"` // attacker, defender
	State      string    `csv:"state"`    // open, closed
	Started    time.Time `csv:"started_at"`
	Stopped    time.Time `csv:"stopped_at"`
	Minutes    int       `csv:"minutes"`
	Summary    string    `csv:"summary"`
	StartEvent string    `csv:"start_event"`
	StopEvent  string    `csv:"stop_event"`
	WikiPath   string    `csv:"wiki_path"`
}

// Session states and positions.
const (
	SessionOpen   = "open"
	SessionClosed = "closed"
	Attacker      = "attacker"
	Defender      = "defender"
)

// Event is a row of master-events, the audit trail: one per applied command.
// Rows form a hash chain: Hash covers the row and PrevHash, so a past row
// edited by hand breaks every hash after it.
type Event struct {
	Seq      int64     `csv:"seq"`
	Time     time.Time `csv:"timestamp"`
	EventID  string    `csv:"event_id"` // Matrix event ID (or job:/cli: for other sources)
	Actor    string    `csv:"actor"`
	Command  string    `csv:"command"`
	Action   string    `csv:"action"`
	Target   string    `csv:"target"`
	Files    string    `csv:"files"` // the files the commit changed, ';'-separated
	Result   string    `csv:"result"`
	PrevHash string    `csv:"prev_hash"`
	Hash     string    `csv:"hash"`
}

// SCTx is a row of the SC (Smartup Credits) transactions: append-only. A
// pending row is written when work is assessed; it is settled later by an
// awarded or a contested row that names it in Ref.
type SCTx struct {
	ID      string    `csv:"tx_id"`
	Time    time.Time `csv:"timestamp"`
	Alias   string    `csv:"alias"`
	Task    string    `csv:"task_id"`
	Kind    string    `csv:"kind"` // pending, awarded, contested, cancelled
	Amount  int       `csv:"amount"`
	Share   string    `csv:"share"` // attacker, defender
	Ref     string    `csv:"ref"`   // the pending row this one settles
	EventID string    `csv:"event_id"`
	Note    string    `csv:"note"`
}

// SC transaction kinds.
const (
	SCPending   = "pending"
	SCAwarded   = "awarded"
	SCContested = "contested"
	SCCancelled = "cancelled"
)

// SKTx is a row of the SK (Social Karma) transactions: append-only. Awards
// are positive, decay negative.
type SKTx struct {
	ID       string    `csv:"tx_id"`
	Time     time.Time `csv:"timestamp"`
	Alias    string    `csv:"alias"`
	Category string    `csv:"category"` // code_review, …, or decay
	Amount   int       `csv:"amount"`
	By       string    `csv:"awarded_by"`
	EventID  string    `csv:"event_id"`
	Note     string    `csv:"note"`
}
