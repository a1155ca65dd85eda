package model

import (
	"encoding/json"
	"strings"
	"time"
)

// Workflow, signal, query and update names. They are part of the contract with running
// workflows and with the CLI: never rename one without a versioned migration.
const (
	WorkflowCopyRecoveryPoint = "CopyRecoveryPoint" // on-demand copy of one recovery point to N destinations
	WorkflowCopyChain         = "CopyChain"         // one per (resource, source Region, destination vault); id ChainWorkflowID

	SignalCopy       = "copy"        // CopyOrder sent to a chain (signal-with-start)
	SignalCopyResult = "copy-result" // DestinationResult sent by a chain back to the requester

	QueryStatus = "status" // chain: ChainStatus; request: RequestStatus
	QueryCopies = "copies" // chain: []CopyRecord

	UpdateSetLifecycle = "set-lifecycle" // chain: SetLifecycleRequest -> CopyRecord
)

// DefaultTaskQueue is the task queue the worker polls unless configured otherwise.
const DefaultTaskQueue = "regioncopy"

// Destination is one place a recovery point is copied to.
type Destination struct {
	BackupVaultArn string
	Lifecycle      Lifecycle `json:",omitempty"`
}

// CopyRequest is the input of the CopyRecoveryPoint workflow (`regioncopy copy`).
type CopyRequest struct {
	SourceRegion          string
	RecoveryPointArn      string
	SourceBackupVaultName string
	Destinations          []Destination
	IamRoleArn            string
	// Coalesce lets a chain with a backlog copy only the newest recovery point.
	Coalesce bool `json:",omitempty"`
	// Plan names the plan that asked for this copy, if any (search attribute Plan).
	Plan string `json:",omitempty"`
	// CompletionWindow ends a copy job that has not finished in time; zero means the default.
	CompletionWindow time.Duration `json:",omitempty"`
	// TimeScale > 1 means AWS's clock runs that many times faster than Temporal's (the
	// emulator's --time-scale): durations taken from AWS timestamps are divided by it.
	TimeScale float64 `json:",omitempty"`
	// Rules are the cross-Region rules the request is checked with, as a JSON rules
	// document (policy.Rules.Encode; package model cannot name policy's type, which
	// imports model). Absent means the seed rules (policy.Default).
	Rules json.RawMessage `json:",omitempty"`
}

// CopyKind says whether a copy transferred the whole resource or only the change.
type CopyKind string

const (
	CopyFull        CopyKind = "FULL"
	CopyIncremental CopyKind = "INCREMENTAL"
)

// CopyRecord is the proof of one copy: what was copied, where, how, when, and what
// became of it. Chains keep these and return them from QueryCopies.
type CopyRecord struct {
	SourceRecoveryPointArn      string
	SourceCreationDate          time.Time
	ResourceArn                 string
	ResourceType                string
	SourceRegion                string
	DestinationRegion           string
	DestinationBackupVaultArn   string
	DestinationRecoveryPointArn string `json:",omitempty"`
	EncryptionKeyArn            string `json:",omitempty"`
	CopyJobId                   string `json:",omitempty"`
	Kind                        CopyKind
	State                       string // COMPLETED, FAILED, SUPERSEDED, EXPIRED (deleted at expiry)
	StatusMessage               string `json:",omitempty"`
	BackupSizeInBytes           int64
	Attempts                    int
	RequestedAt                 time.Time
	StartedAt                   time.Time `json:",omitzero"`
	CompletedAt                 time.Time `json:",omitzero"`
	Lifecycle                   Lifecycle `json:",omitempty"`
	MoveToColdStorageAt         time.Time `json:",omitzero"`
	DeleteAt                    time.Time `json:",omitzero"`
	// ExtendedUntil is set when the newest-copy guard pushed DeleteAt back because no
	// newer copy had landed yet.
	ExtendedUntil time.Time `json:",omitzero"`
	DeletedAt     time.Time `json:",omitzero"`
}

// Copy record states beyond the AWS job states.
const (
	RecordSuperseded = "SUPERSEDED" // coalesced away: a newer recovery point was copied instead
	RecordDeleted    = "DELETED"    // removed at expiry and verified absent
)

// CopyOrder asks a chain to copy one recovery point (the SignalCopy payload).
type CopyOrder struct {
	SourceRecoveryPointArn string
	SourceBackupVaultName  string
	SourceCreationDate     time.Time
	IamRoleArn             string
	Lifecycle              Lifecycle `json:",omitempty"`
	Coalesce               bool      `json:",omitempty"`
	Plan                   string    `json:",omitempty"`
	// RpoMinutes is the plan's recovery point objective for this destination (0: none):
	// the chain then keeps its RpoState (OK, AT_RISK, BREACH) live.
	RpoMinutes       int64         `json:",omitempty"`
	CompletionWindow time.Duration `json:",omitempty"`
	// RequesterWorkflowId, when set, receives a SignalCopyResult once this order ends.
	RequesterWorkflowId string `json:",omitempty"`
	// Rules are the rules the order was checked with (CopyRequest.Rules, PlanRunInput.Rules),
	// as in CopyRequest.Rules; the chain checks with them a lifecycle change the order asks
	// of a copy it already holds. Absent means the seed rules.
	Rules json.RawMessage `json:",omitempty"`
	// ExpectedAt, on an order without SourceRecoveryPointArn, makes it an RPO expectation
	// (see IsExpectation): the nominal time, on Temporal's clock, of a plan run that
	// selected the resource but made no recovery point to copy.
	ExpectedAt time.Time `json:",omitzero"`
}

// DestinationResult is what a chain reports for one order.
type DestinationResult struct {
	Destination     Destination
	ChainWorkflowId string
	Record          *CopyRecord `json:",omitempty"`
	Error           string      `json:",omitempty"`
	// Canceled: the request was canceled before the chain answered (Error says whether
	// the chain holds the order, which it may still copy).
	Canceled bool `json:",omitempty"`
}

// CopyRequestResult is the result of the CopyRecoveryPoint workflow.
type CopyRequestResult struct {
	RecoveryPoint RecoveryPoint
	Results       []DestinationResult
}

// ChainKey identifies a copy chain: one per resource, source Region and destination
// vault (account, Region, name), so copies of one resource from one Region into one
// vault are serialized and only the first is full. SourceRegion is where the copied
// recovery points are and StartCopyJob runs: the Region of the recovery point, which
// for a copy of a copy is not the resource's. Its workflow id is ChainWorkflowID.
type ChainKey struct {
	ResourceArn               string
	ResourceType              string
	SourceRegion              string
	DestinationRegion         string
	DestinationBackupVaultArn string
}

// DestinationAccount is the account of the destination vault.
func (k ChainKey) DestinationAccount() string { return AccountFromArn(k.DestinationBackupVaultArn) }

// VaultNameFromArn returns the name part of arn:aws:backup:<region>:<acct>:backup-vault:<name>.
func VaultNameFromArn(arn string) string {
	if i := strings.LastIndex(arn, ":backup-vault:"); i >= 0 {
		return arn[i+len(":backup-vault:"):]
	}
	return arn
}

// RegionFromArn returns the Region field of an ARN, or "" when it has none.
func RegionFromArn(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[3]
}

// AccountFromArn returns the account field of an ARN, or "" when it has none.
func AccountFromArn(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// SetLifecycleRequest changes the lifecycle of one copy held by a chain.
type SetLifecycleRequest struct {
	DestinationRecoveryPointArn string
	Lifecycle                   Lifecycle
	// Rules are the rules the lifecycle is checked with, as in CopyRequest.Rules; absent
	// means the seed rules.
	Rules json.RawMessage `json:",omitempty"`
}

// ChainStatus is the answer to QueryStatus on a chain.
type ChainStatus struct {
	Key     ChainKey
	State   string      // IDLE, COPYING, WAITING (job queued by AWS), FAILED
	Current *CopyRecord `json:",omitempty"`
	// Pending lists the first waiting orders; PendingCount says how many wait.
	Pending      []CopyOrder
	PendingCount int       `json:",omitempty"`
	LastCopyAt   time.Time `json:",omitzero"`
	NextExpiry   time.Time `json:",omitzero"`
	LiveCopies   int
	CopiesTotal  int
	FullCopies   int
	BytesTotal   int64
	// RpoMinutes is the chain's RPO (0: none), RpoState its state now (model.RpoOK, ...)
	// and RpoDeadline when the newest copy stops meeting it.
	RpoMinutes  int64     `json:",omitempty"`
	RpoState    string    `json:",omitempty"`
	RpoDeadline time.Time `json:",omitzero"`
	// RpoExpectedAt is set while the chain holds no landed copy and a plan run had nothing
	// to copy for it: the earliest such run's nominal time (Temporal's clock), which its
	// RPO counts from (see CopyOrder.IsExpectation).
	RpoExpectedAt time.Time `json:",omitzero"`
}
