// Package plan reads regioncopy plan files and checks them before anything is applied.
//
// A plan file is one JSON object that wraps AWS Backup's own shapes, unchanged, so a
// user can paste what they already give the AWS CLI:
//
//	{
//	  "BackupPlan":      { ... },  // exactly `aws backup create-backup-plan --backup-plan`
//	  "BackupSelection": { ... },  // exactly `aws backup create-backup-selection --backup-selection`
//	  "RegionCopy":      { ... }   // regioncopy's own, optional: Region, RPO, coalescing, copy-only
//	}
//
// Decoding is strict, as botocore's is: member names are case-sensitive, and an unknown
// member, a duplicate member or a value of the wrong type is an error naming its JSON
// path. AWS members regioncopy cannot honour (for example IndexActions) are accepted by
// the decoder and then reported as unsupported rather than silently dropped.
//
// Validation reports every problem at once, each with its JSON path and line:column:
// names, ARNs, the selection, the schedule expression and time zone, the windows, the
// lifecycles, AWS's limits, and the cross-Region rules of package policy.
package plan

// File is a whole plan file.
type File struct {
	BackupPlan      BackupPlan       `json:"BackupPlan"`
	BackupSelection *BackupSelection `json:"BackupSelection,omitempty"`
	RegionCopy      *RegionCopy      `json:"RegionCopy,omitempty"`
}

// BackupPlan is AWS Backup's BackupPlanInput.
type BackupPlan struct {
	BackupPlanName string `json:"BackupPlanName,omitempty"`
	Rules          []Rule `json:"Rules,omitempty"`
	// AdvancedBackupSettings and ScanSettings are AWS members regioncopy does not apply;
	// they are decoded only to be reported as unsupported.
	AdvancedBackupSettings []AdvancedBackupSetting `json:"AdvancedBackupSettings,omitempty"`
	ScanSettings           []ScanSetting           `json:"ScanSettings,omitempty"`
}

// Rule is AWS Backup's BackupRuleInput.
type Rule struct {
	RuleName                   string            `json:"RuleName,omitempty"`
	TargetBackupVaultName      string            `json:"TargetBackupVaultName,omitempty"`
	ScheduleExpression         string            `json:"ScheduleExpression,omitempty"`
	ScheduleExpressionTimezone string            `json:"ScheduleExpressionTimezone,omitempty"`
	StartWindowMinutes         int64             `json:"StartWindowMinutes,omitempty"`
	CompletionWindowMinutes    int64             `json:"CompletionWindowMinutes,omitempty"`
	Lifecycle                  *Lifecycle        `json:"Lifecycle,omitempty"`
	RecoveryPointTags          map[string]string `json:"RecoveryPointTags,omitempty"`
	CopyActions                []CopyAction      `json:"CopyActions,omitempty"`
	EnableContinuousBackup     bool              `json:"EnableContinuousBackup,omitempty"`
	// Decoded only to be reported as unsupported.
	TargetLogicallyAirGappedBackupVaultArn string        `json:"TargetLogicallyAirGappedBackupVaultArn,omitempty"`
	IndexActions                           []IndexAction `json:"IndexActions,omitempty"`
	ScanActions                            []ScanAction  `json:"ScanActions,omitempty"`
}

// DefaultScheduleExpression is what AWS Backup runs when a rule has no ScheduleExpression
// (botocore's BackupRuleInput documentation).
const DefaultScheduleExpression = "cron(0 5 ? * * *)"

// Schedule returns the rule's schedule expression, or AWS's default when it has none.
func (r Rule) Schedule() string {
	if r.ScheduleExpression == "" {
		return DefaultScheduleExpression
	}
	return r.ScheduleExpression
}

// Lifecycle is AWS Backup's Lifecycle.
type Lifecycle struct {
	MoveToColdStorageAfterDays          int64  `json:"MoveToColdStorageAfterDays,omitempty"`
	DeleteAfterDays                     int64  `json:"DeleteAfterDays,omitempty"`
	OptInToArchiveForSupportedResources bool   `json:"OptInToArchiveForSupportedResources,omitempty"`
	DeleteAfterEvent                    string `json:"DeleteAfterEvent,omitempty"`
}

// CopyAction is AWS Backup's CopyAction.
type CopyAction struct {
	DestinationBackupVaultArn string     `json:"DestinationBackupVaultArn,omitempty"`
	Lifecycle                 *Lifecycle `json:"Lifecycle,omitempty"`
}

// AdvancedBackupSetting is AWS Backup's AdvancedBackupSetting.
type AdvancedBackupSetting struct {
	ResourceType  string            `json:"ResourceType,omitempty"`
	BackupOptions map[string]string `json:"BackupOptions,omitempty"`
}

// ScanSetting is AWS Backup's ScanSetting.
type ScanSetting struct {
	MalwareScanner string   `json:"MalwareScanner,omitempty"`
	ResourceTypes  []string `json:"ResourceTypes,omitempty"`
	ScannerRoleArn string   `json:"ScannerRoleArn,omitempty"`
}

// IndexAction is AWS Backup's IndexAction.
type IndexAction struct {
	ResourceTypes []string `json:"ResourceTypes,omitempty"`
}

// ScanAction is AWS Backup's ScanAction.
type ScanAction struct {
	MalwareScanner string `json:"MalwareScanner,omitempty"`
	ScanMode       string `json:"ScanMode,omitempty"`
}

// BackupSelection is AWS Backup's BackupSelection.
type BackupSelection struct {
	SelectionName string      `json:"SelectionName,omitempty"`
	IamRoleArn    string      `json:"IamRoleArn,omitempty"`
	Resources     []string    `json:"Resources,omitempty"`
	NotResources  []string    `json:"NotResources,omitempty"`
	ListOfTags    []Condition `json:"ListOfTags,omitempty"`
	Conditions    *Conditions `json:"Conditions,omitempty"`
}

// Condition is AWS Backup's Condition (ListOfTags: any one matches).
type Condition struct {
	ConditionType  string `json:"ConditionType,omitempty"`
	ConditionKey   string `json:"ConditionKey,omitempty"`
	ConditionValue string `json:"ConditionValue,omitempty"`
}

// Conditions is AWS Backup's Conditions (all must match).
type Conditions struct {
	StringEquals    []ConditionParameter `json:"StringEquals,omitempty"`
	StringNotEquals []ConditionParameter `json:"StringNotEquals,omitempty"`
	StringLike      []ConditionParameter `json:"StringLike,omitempty"`
	StringNotLike   []ConditionParameter `json:"StringNotLike,omitempty"`
}

// ConditionParameter is AWS Backup's ConditionParameter.
type ConditionParameter struct {
	ConditionKey   string `json:"ConditionKey,omitempty"`
	ConditionValue string `json:"ConditionValue,omitempty"`
}

// RegionCopy holds regioncopy's own settings; every member is optional.
type RegionCopy struct {
	// SourceRegion is where the plan backs up (or watches); default: the Region the CLI
	// runs against.
	SourceRegion string `json:"SourceRegion,omitempty"`
	// Coalesce lets every destination chain with a backlog copy only the newest recovery
	// point; a destination may override it.
	Coalesce bool `json:"Coalesce,omitempty"`
	// CopyOnly makes the plan take no backups: each rule watches its
	// TargetBackupVaultName, where a native AWS Backup plan puts recovery points, on the
	// rule's schedule, and copies each new one by the rule's copy actions. The selection
	// is then optional (it narrows which resources are copied).
	CopyOnly bool `json:"CopyOnly,omitempty"`
	// IamRoleArn is the role for copy jobs when there is no BackupSelection (copy-only).
	IamRoleArn string `json:"IamRoleArn,omitempty"`
	// Destinations adds settings to the copy actions with the same destination vault.
	Destinations []DestinationOptions `json:"Destinations,omitempty"`
}

// DestinationOptions are regioncopy's settings for one destination vault.
type DestinationOptions struct {
	DestinationBackupVaultArn string `json:"DestinationBackupVaultArn,omitempty"`
	// RpoMinutes is the recovery point objective: every selected resource must have a
	// copy in this vault no older than this; 0 means none.
	RpoMinutes int64 `json:"RpoMinutes,omitempty"`
	// Coalesce overrides RegionCopy.Coalesce for this destination.
	Coalesce *bool `json:"Coalesce,omitempty"`
	// ResourceTypes limits what is copied to this vault (empty: every selected type).
	// Types whose copy rules apply to the whole plan (EFS) cannot be left out.
	ResourceTypes []string `json:"ResourceTypes,omitempty"`
}
