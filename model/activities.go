package model

import "time"

// Inputs of the activities in package activities. Every activity takes exactly one of
// these and returns one value plus an error, so adding a field never breaks a running
// workflow's history.

// DescribeRecoveryPointInput names one recovery point in one Region's vault.
type DescribeRecoveryPointInput struct {
	Region           string
	BackupVaultName  string
	RecoveryPointArn string
}

// DescribeBackupVaultInput names one vault, by ARN (preferred) or by Region and name.
type DescribeBackupVaultInput struct {
	Region          string `json:",omitempty"`
	BackupVaultName string `json:",omitempty"`
	BackupVaultArn  string `json:",omitempty"`
}

// StartCopyJobInput starts one copy job in SourceRegion. IdempotencyToken is computed by
// the workflow from its identity, never left empty: AWS returns the same job for a
// repeated token, so a retried or replayed start never makes a second job.
type StartCopyJobInput struct {
	SourceRegion              string
	RecoveryPointArn          string
	SourceBackupVaultName     string
	DestinationBackupVaultArn string
	IamRoleArn                string
	Lifecycle                 Lifecycle
	IdempotencyToken          string
}

// StartCopyJobOutput is AWS's answer to StartCopyJob.
type StartCopyJobOutput struct {
	CopyJobId string
}

// PollCopyJobInput asks for the state of one copy job. The poll activity returns only
// when the job has ended (COMPLETED, FAILED, PARTIAL, ...); while it runs the activity
// fails with a retryable error whose NextRetryDelay grows with the job's age. The job
// exists (StartCopyJob answered with its id), so every failure to look at it is retried
// too: ResourceNotFound while AWS does not list the new job yet, expired credentials,
// clock skew, unclassified answers.
type PollCopyJobInput struct {
	Region    string
	CopyJobId string
	// NotFoundGrace is how long (since the poll began) DescribeCopyJob may answer
	// ResourceNotFound before the poll ends with ErrJobNotVisible, so the workflow can say
	// so and follow on; zero retries ResourceNotFound for as long as the poll runs.
	NotFoundGrace time.Duration `json:",omitempty"`
	// Kind is whether the chain expects the job to copy in full or incrementally (AWS's
	// answers do not say); only the worker's metrics read it.
	Kind CopyKind `json:",omitempty"`
	// DestinationRegion and DestinationBackupVaultName, when set, make the poll describe
	// the copy a COMPLETED job made and return it as CopyJob.Landed: the chain needs AWS's
	// calculated lifecycle of every copy, and one activity is cheaper than two.
	DestinationRegion          string `json:",omitempty"`
	DestinationBackupVaultName string `json:",omitempty"`
}

// UpdateLifecycleInput changes one recovery point's lifecycle.
type UpdateLifecycleInput struct {
	Region           string
	BackupVaultName  string
	RecoveryPointArn string
	Lifecycle        Lifecycle
}

// DeleteRecoveryPointInput deletes one recovery point and verifies it is gone.
type DeleteRecoveryPointInput struct {
	Region           string
	BackupVaultName  string
	RecoveryPointArn string
}

// DeleteRecoveryPointOutput says whether the point was deleted now or was already gone.
type DeleteRecoveryPointOutput struct {
	AlreadyGone bool
}

// StartBackupJobInput starts one backup job (used by plan runs).
type StartBackupJobInput struct {
	Region                string
	BackupVaultName       string
	ResourceArn           string
	IamRoleArn            string
	Lifecycle             Lifecycle
	StartWindowMinutes    int64
	CompleteWindowMinutes int64
	IdempotencyToken      string
	// RecoveryPointTags are the rule's tags for the recovery point the job creates.
	RecoveryPointTags map[string]string `json:",omitempty"`
}

// StartBackupJobOutput is AWS's answer to StartBackupJob.
type StartBackupJobOutput struct {
	BackupJobId      string
	RecoveryPointArn string
}

// PollBackupJobInput asks for the state of one backup job; like PollCopyJob it returns
// only once the job has ended.
type PollBackupJobInput struct {
	Region      string
	BackupJobId string
}

// Error types carried by activity errors (temporal.ApplicationError Type). Retryable
// ones are retried by the activity retry policy; the others end the activity at once
// and carry AWS's message.
const (
	ErrThrottled        = "Throttled"        // ThrottlingException, LimitExceededException, 429: retry
	ErrServiceFault     = "ServiceFault"     // 5xx, ServiceUnavailable, DependencyFailure, network: retry
	ErrJobNotFinished   = "JobNotFinished"   // poll activities: the job is still CREATED/RUNNING: retry
	ErrJobNotVisible    = "JobNotVisible"    // PollCopyJob: a started job still unknown to DescribeCopyJob after NotFoundGrace: do not retry
	ErrAccessDenied     = "AccessDenied"     // do not retry
	ErrInvalidParameter = "InvalidParameter" // InvalidParameterValue, MissingParameterValue, InvalidRequest: do not retry
	ErrNotFound         = "NotFound"         // ResourceNotFound (vault, recovery point, job): do not retry
	ErrInvalidState     = "InvalidState"     // InvalidResourceStateException: do not retry
	ErrConflict         = "Conflict"         // ConflictException, AlreadyExists: do not retry
	ErrUnclassified     = "Unclassified"     // anything else from AWS: do not retry, keep the message
)

// NonRetryableErrorTypes lists the error types an activity retry policy must not retry.
var NonRetryableErrorTypes = []string{ErrAccessDenied, ErrInvalidParameter, ErrNotFound, ErrInvalidState, ErrConflict, ErrUnclassified, ErrJobNotVisible}

// Activity names. Workflows call activities by these names so that package workflows
// never imports package activities (and with it the AWS SDK); the worker registers the
// methods of activities.Backup, activities.Chains and activities.Alerts under exactly
// these names, and a test in package activities checks that every name here is
// registered.
const (
	ActDescribeRecoveryPoint        = "DescribeRecoveryPoint"        // DescribeRecoveryPointInput -> RecoveryPoint
	ActDescribeBackupVault          = "DescribeBackupVault"          // DescribeBackupVaultInput -> BackupVault
	ActStartCopyJob                 = "StartCopyJob"                 // StartCopyJobInput -> StartCopyJobOutput
	ActPollCopyJob                  = "PollCopyJob"                  // PollCopyJobInput -> CopyJob (only once ended)
	ActDescribeCopyJob              = "DescribeCopyJob"              // PollCopyJobInput -> CopyJob (any state)
	ActUpdateRecoveryPointLifecycle = "UpdateRecoveryPointLifecycle" // UpdateLifecycleInput -> RecoveryPoint
	ActDeleteRecoveryPoint          = "DeleteRecoveryPoint"          // DeleteRecoveryPointInput -> DeleteRecoveryPointOutput
	ActStartBackupJob               = "StartBackupJob"               // StartBackupJobInput -> StartBackupJobOutput
	ActPollBackupJob                = "PollBackupJob"                // PollBackupJobInput -> BackupJob (only once ended)
	ActEnqueueCopy                  = "EnqueueCopy"                  // EnqueueCopyInput -> EnqueueCopyOutput (Temporal signal-with-start)
	ActAnswerRequester              = "AnswerRequester"              // AnswerRequesterInput -> nothing (Temporal signal)
	ActSurveyCopies                 = "SurveyCopies"                 // SurveyCopiesInput -> SurveyCopiesOutput
	ActSendRpoAlert                 = "SendRpoAlert"                 // RpoAlert -> nothing (log line, webhook POST)
)

// EnqueueCopyInput hands one order to the chain of Key, starting the chain if needed
// (signal-with-start), so a workflow can feed an entity workflow it does not own.
type EnqueueCopyInput struct {
	Key       ChainKey
	Order     CopyOrder
	TaskQueue string
	TimeScale float64 `json:",omitempty"`
}

// AnswerRequesterInput is a chain's answer to one requester of an order: Result sent as
// SignalCopyResult to the workflow RequesterWorkflowId.
type AnswerRequesterInput struct {
	RequesterWorkflowId string
	Result              DestinationResult
}

// EnqueueCopyOutput names the chain that took the order.
type EnqueueCopyOutput struct {
	ChainWorkflowId string
	RunId           string
}

// SurveyCopiesInput asks for a summary of one chain's copies in its destination vault:
// the recovery points of ResourceArn in BackupVaultName copied from SourceRegion. The
// activity pages through the vault itself and answers a bounded summary, however many
// copies the vault holds, so a chain never carries or receives the list.
type SurveyCopiesInput struct {
	Region          string
	BackupVaultName string
	ResourceArn     string
	SourceRegion    string
	// DueBy (an AWS instant), when set, asks for the copies whose DeleteAt is at or before
	// it, except those named in Keep, at most MaxDue of them (oldest DeleteAt first).
	DueBy  time.Time `json:",omitzero"`
	Keep   []string  `json:",omitempty"`
	MaxDue int       `json:",omitempty"`
	// MatchCreationDate, when set, asks for the copy whose CreationDate equals it (a copy
	// keeps its source recovery point's creation date).
	MatchCreationDate time.Time `json:",omitzero"`
	// Upcoming asks for the next that many copies due after DueBy (Keep and the newest
	// aside), earliest first.
	Upcoming int `json:",omitempty"`
	// Expect names copies the caller believes live; those the vault no longer holds are
	// answered in Missing.
	Expect []string `json:",omitempty"`
}

// CopyDue names one copy and when AWS deletes it.
type CopyDue struct {
	RecoveryPointArn  string
	CreationDate      time.Time
	DeleteAt          time.Time
	BackupSizeInBytes int64 `json:",omitempty"`
}

// SurveyCopiesOutput summarizes a chain's live copies in its destination vault.
type SurveyCopiesOutput struct {
	// Live counts the chain's live copies (Keep included); Bytes sums their sizes.
	Live  int
	Bytes int64 `json:",omitempty"`
	// Newest is the live copy with the newest CreationDate, nil when there is none.
	Newest *RecoveryPoint `json:",omitempty"`
	// Due lists copies due for deletion (see SurveyCopiesInput.DueBy); More says that more
	// were due than MaxDue.
	Due  []RecoveryPoint `json:",omitempty"`
	More bool            `json:",omitempty"`
	// NextDeleteAt is the earliest DeleteAt after DueBy among the copies not kept.
	NextDeleteAt time.Time `json:",omitzero"`
	// Match is the copy asked for by MatchCreationDate, nil when there is none.
	Match *RecoveryPoint `json:",omitempty"`
	// Upcoming are the copies due next (see SurveyCopiesInput.Upcoming).
	Upcoming []CopyDue `json:",omitempty"`
	// Missing are the Expect copies the vault no longer holds as live copies.
	Missing []string `json:",omitempty"`
}
