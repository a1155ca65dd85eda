package model

import "time"

// Names and types of a plan run's execution: the PlanRun workflow (see plan_run.go), its
// per-resource child and the activities that find what a run covers.

// WorkflowPlanResource is PlanRun's child for one resource (or, in a copy-only plan, one
// recovery point): back it up in the rule's vault, then hand the recovery point to the
// destination chains of the rule's copy actions. Its id is
// planrun/<plan>/<rule>/<nominal time RFC3339>/<resource or recovery point ARN>.
const WorkflowPlanResource = "PlanResource"

// Activity names of plan runs. They are registered by activities.RegisterPlan, beside
// (not among) the Act* names of activities.go, whose registration test covers
// activities.Register alone.
const (
	// PlanActResolveSelection: ResolvePlanSelectionInput -> ResolvePlanSelectionOutput.
	PlanActResolveSelection = "ResolvePlanSelection"
	// PlanActListRecoveryPoints: ListPlanRecoveryPointsInput -> ListPlanRecoveryPointsOutput.
	PlanActListRecoveryPoints = "ListPlanRecoveryPoints"
)

// Error type of a PlanResource child that ended without its work done; the error's
// details hold the PlanResourceResult saying where and why.
const ErrPlanResourceFailed = "PlanResourceFailed"

// Plan run states (the CopyState search attribute of PlanRun and PlanResource workflows,
// so `CopyState = "FAILED" AND Plan = "nightly"` lists a plan's failed resources).
const (
	PlanRunRunning         = "RUNNING"           // PlanRun: children are being started or awaited
	PlanRunCompleted       = "COMPLETED"         // every resource backed up (or point found) and every copy handed over landed
	PlanRunPartial         = "PARTIAL"           // PlanRun: some resources failed or were missed, or a copy did not land; see the result
	PlanRunSkipped         = "SKIPPED"           // PlanRun: a DST-repeat run AWS would not make
	PlanResourceBackingUp  = "BACKING_UP"        // PlanResource: backup job started or awaited
	PlanResourceWaiting    = "WAITING_FOR_POINT" // PlanResource (copy-only): the point is still being created
	PlanResourceHandingOff = "ENQUEUEING"        // PlanResource: orders going to the chains
	PlanResourceMissed     = "MISSED"            // PlanResource: the start window passed before the backup started
	PlanResourceFailed     = "FAILED"            // PlanResource: the backup or every hand-over failed
)

// SelectedResource is one resource a selection covers.
type SelectedResource struct {
	ResourceArn  string
	ResourceType string
}

// ResolvePlanSelectionInput asks which resources of Region a selection covers, one page
// at a time in ARN order: the page holds at most Limit resources whose ARN sorts after
// AfterArn, so a run that continues as new resumes where it stopped.
type ResolvePlanSelectionInput struct {
	Region    string
	Selection PlanSelection
	AfterArn  string `json:",omitempty"`
	Limit     int    `json:",omitempty"` // 0 = every remaining resource
}

// ResolvePlanSelectionOutput is one page of a selection.
type ResolvePlanSelectionOutput struct {
	Resources []SelectedResource
	// Rejected lists explicit ARNs of the selection that cannot be backed up (malformed,
	// unsupported type), each with the reason; only on the first page.
	Rejected []PlanResourceFailure `json:",omitempty"`
	// More says that resources remain after the last one of this page.
	More bool `json:",omitempty"`
	// TimeScale is how much faster AWS's clock runs than Temporal's as the worker is
	// configured (the emulator's --time-scale; 1 on AWS). The run divides AWS durations
	// (windows) by it and passes it to the chains.
	TimeScale float64 `json:",omitempty"`
}

// ListPlanRecoveryPointsInput asks for the recovery points of a vault created in
// (CreatedAfter, CreatedBefore], optionally only of resources the selection covers, one
// page at a time in recovery point ARN order (see ResolvePlanSelectionInput).
type ListPlanRecoveryPointsInput struct {
	Region          string
	BackupVaultName string
	CreatedAfter    time.Time
	CreatedBefore   time.Time      `json:",omitzero"` // zero = up to now
	Selection       *PlanSelection `json:",omitempty"`
	AfterArn        string         `json:",omitempty"`
	Limit           int            `json:",omitempty"`
}

// ListPlanRecoveryPointsOutput is one page of new recovery points.
type ListPlanRecoveryPointsOutput struct {
	RecoveryPoints []RecoveryPoint
	More           bool    `json:",omitempty"`
	TimeScale      float64 `json:",omitempty"` // as in ResolvePlanSelectionOutput
}

// PlanResourceInput is the PlanResource child's argument.
type PlanResourceInput struct {
	Run         PlanRunInput
	NominalTime time.Time
	Resource    SelectedResource
	// RecoveryPoint, when set (copy-only plans), is copied as is and no backup is taken.
	RecoveryPoint *RecoveryPoint `json:",omitempty"`
	// StartBy is the Temporal time after which no backup may start (the nominal time
	// plus the start window, scaled); a child that begins later reports MISSED.
	StartBy   time.Time
	TimeScale float64 `json:",omitempty"`
	TaskQueue string  `json:",omitempty"`
}

// PlanCopyOutcome is what became of one copy action for one recovery point.
type PlanCopyOutcome struct {
	DestinationBackupVaultArn string
	ChainWorkflowId           string `json:",omitempty"`
	Enqueued                  bool   `json:",omitempty"`
	// Skipped says why no order was sent (the action's ResourceTypes, a cross-Region
	// rule); Error why sending it failed.
	Skipped string `json:",omitempty"`
	Error   string `json:",omitempty"`
	// Landing says what became of an enqueued copy (a PlanCopy* value of
	// plan_run_proof.go); "" for runs recorded before copies were awaited. Record is the
	// chain's record of the copy (the proof: job id, destination recovery point, kind,
	// size, completion time); Reason says why a copy did not land.
	Landing string      `json:",omitempty"`
	Record  *CopyRecord `json:",omitempty"`
	Reason  string      `json:",omitempty"`
}

// PlanResourceResult is the PlanResource child's result (also the details of its
// ErrPlanResourceFailed error).
type PlanResourceResult struct {
	ResourceArn  string
	ResourceType string `json:",omitempty"`
	State        string // a PlanResource* state or PlanRunCompleted
	// BackupCompleted says the run's backup job completed (false for copy-only points).
	BackupCompleted  bool   `json:",omitempty"`
	BackupJobId      string `json:",omitempty"`
	RecoveryPointArn string `json:",omitempty"`
	Copies           []PlanCopyOutcome
	// Stage and Error say where and why the child failed (see PlanResourceFailure).
	Stage string `json:",omitempty"`
	Error string `json:",omitempty"`
}

// PlanResourceFailure is one resource a run could not finish, with the reason.
type PlanResourceFailure struct {
	ResourceArn string
	Stage       string // one of the PlanStage* values
	Reason      string
}

// Stages at which a resource can fail.
const (
	PlanStageSelection = "selection" // the selection named it but it cannot be backed up
	PlanStageStart     = "start"     // the child or its backup job could not be started
	PlanStageMissed    = "missed"    // the start window passed before the backup started
	PlanStageBackup    = "backup"    // the backup job (or the awaited recovery point) did not complete
	PlanStageCopy      = "copy"      // handing the recovery point to a chain failed
)

// PlanRunTally counts what a run did; it is carried across continue-as-new.
type PlanRunTally struct {
	Resources        int // resources (copy-only: recovery points) the run took up
	BackupsCompleted int
	BackupsMissed    int
	CopiesEnqueued   int
	CopiesSkipped    int
	Failed           int
}

// PlanRunProgress is PlanRun's second argument, set only when a run continues as new:
// the nominal time, the cursor (the last ARN handed to a child) and the tallies so far.
type PlanRunProgress struct {
	NominalTime time.Time
	Cursor      string `json:",omitempty"`
	Tally       PlanRunTally
	// Failures holds the first MaxPlanRunFailures failures; Tally.Failed counts all.
	Failures []PlanResourceFailure `json:",omitempty"`
	// Continuations counts the runs before this one.
	Continuations int `json:",omitempty"`
	// Landings counts what became of the copies handed over so far; Copies lists the
	// first MaxPlanRunCopies of them.
	Landings PlanRunLandingTally `json:",omitempty"`
	Copies   []PlanRunCopy       `json:",omitempty"`
	// AwaitingHandOver counts the children taken up that have not yet reported their
	// hand-over (or their end): the backups in flight. AwaitingLandings counts those
	// that handed over and have not yet reported their copies' landings.
	AwaitingHandOver int `json:",omitempty"`
	AwaitingLandings int `json:",omitempty"`
	// SelectionDone says every resource (or point) has been taken up; the run only
	// waits for reports.
	SelectionDone bool `json:",omitempty"`
	// ReportsDueBy is when the last report a child still owes is due at the latest; a
	// run still missing reports then gives up on them and counts them as failed.
	ReportsDueBy time.Time `json:",omitzero"`
	// TimeScale is the run's time scale (see ResolvePlanSelectionOutput), kept for the
	// runs that only wait for reports and list nothing.
	TimeScale float64 `json:",omitempty"`
}

// MaxPlanRunFailures bounds the failures a run lists, so a run over thousands of broken
// resources keeps a bounded result; the count is always exact.
const MaxPlanRunFailures = 100

// PlanRunResult is PlanRun's result: the summary of one nominal run.
type PlanRunResult struct {
	Plan        string
	Rule        string
	NominalTime time.Time
	State       string // COMPLETED, PARTIAL or SKIPPED
	// SkipReason says why a SKIPPED run did nothing.
	SkipReason string `json:",omitempty"`
	Tally      PlanRunTally
	Failures   []PlanResourceFailure `json:",omitempty"`
	// Landings counts the copies that landed, failed, were superseded or did not land
	// within the rule's completion window; Copies proves each (the first
	// MaxPlanRunCopies), per resource and destination.
	Landings PlanRunLandingTally `json:",omitempty"`
	Copies   []PlanRunCopy       `json:",omitempty"`
}
