package model

import "encoding/json"

// WorkflowPlanRun is the workflow a plan rule's Temporal Schedule starts at every run:
// back up the selected resources into the rule's vault within its windows (or, for a
// copy-only plan, find the vault's new recovery points), then hand each recovery point to
// the destination chains of the rule's copy actions.
const WorkflowPlanRun = "PlanRun"

// PlanRunInput is the PlanRun workflow's argument. Package schedules builds one per rule
// of an applied plan file and stores it in the rule's schedule, so every run of that
// schedule receives the rule as it was applied; applying a changed file updates it.
//
// The run reads its nominal time from the TemporalScheduledStartTime search attribute;
// when awscron.Parse(ScheduleExpression).IsDSTRepeat(nominal, zone) is true the run is
// an extra one Temporal makes in the hour repeated when daylight saving time ends, which
// AWS would not make, and it ends at once.
type PlanRunInput struct {
	// Plan is the BackupPlanName, Rule the RuleName.
	Plan string
	Rule string
	// Revision identifies this input together with the schedule built from it; it
	// changes exactly when applying the plan file changes the schedule.
	Revision string

	SourceRegion               string
	ScheduleExpression         string
	ScheduleExpressionTimezone string `json:",omitempty"` // IANA name; "" is UTC
	// BackupVaultName is the rule's TargetBackupVaultName in SourceRegion: where backups
	// land, or for a copy-only plan the vault that is watched.
	BackupVaultName string
	// StartWindowMinutes bounds how late after its nominal time a run may still start a
	// backup (AWS's default is 480); CompletionWindowMinutes how long a job may take
	// (AWS's default is 10080). Zero here means AWS's default.
	StartWindowMinutes      int64             `json:",omitempty"`
	CompletionWindowMinutes int64             `json:",omitempty"`
	Lifecycle               Lifecycle         `json:",omitempty"`
	RecoveryPointTags       map[string]string `json:",omitempty"`
	CopyActions             []PlanCopyAction
	// CopyOnly: take no backups; copy the recovery points that appeared in
	// BackupVaultName since the previous run.
	CopyOnly bool `json:",omitempty"`
	// IamRoleArn is the role for backup and copy jobs (the selection's, or the plan's
	// RegionCopy.IamRoleArn for a copy-only plan without a selection).
	IamRoleArn string
	// Selection says which resources the rule covers; nil only for a copy-only plan
	// without one (every recovery point of the vault is copied).
	Selection *PlanSelection `json:",omitempty"`
	// Rules are the cross-Region rules the plan was validated with, as in
	// CopyRequest.Rules; the run hands recovery points over by them. Absent means the
	// seed rules.
	Rules json.RawMessage `json:",omitempty"`
}

// PlanCopyAction is one copy action of a rule with regioncopy's settings for its
// destination vault.
type PlanCopyAction struct {
	DestinationBackupVaultArn string
	Lifecycle                 Lifecycle `json:",omitempty"`
	// RpoMinutes: every selected resource must have a copy here no older than this; 0 = none.
	RpoMinutes int64 `json:",omitempty"`
	// Coalesce lets the destination chain copy only the newest recovery point of a backlog.
	Coalesce bool `json:",omitempty"`
	// ResourceTypes limits what is copied here; empty means every selected type.
	ResourceTypes []string `json:",omitempty"`
}

// PlanSelection is AWS Backup's BackupSelection: resources by ARN (with wildcards) and by
// tag conditions.
type PlanSelection struct {
	SelectionName string
	Resources     []string             `json:",omitempty"`
	NotResources  []string             `json:",omitempty"`
	ListOfTags    []PlanTagCondition   `json:",omitempty"` // any one matches
	Conditions    PlanSelectionFilters `json:",omitempty"` // all must match
}

// PlanTagCondition is AWS Backup's Condition (ConditionType is STRINGEQUALS).
type PlanTagCondition struct {
	ConditionType  string
	ConditionKey   string
	ConditionValue string
}

// PlanSelectionFilters is AWS Backup's Conditions.
type PlanSelectionFilters struct {
	StringEquals    []PlanTagCondition `json:",omitempty"`
	StringNotEquals []PlanTagCondition `json:",omitempty"`
	StringLike      []PlanTagCondition `json:",omitempty"`
	StringNotLike   []PlanTagCondition `json:",omitempty"`
}
