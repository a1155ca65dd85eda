package model

// Names shared by the workflows and the CLI beyond those in workflows.go.

// Error types of the CopyRecoveryPoint workflow's own failures (temporal.ApplicationError
// Type), so the CLI can tell "you asked for something invalid" from "the copy failed".
const (
	// ErrRequestRejected: the request broke a rule or named something that does not exist;
	// nothing was started. The error's details hold a []policy.Violation listing every
	// problem (field, rule, message).
	ErrRequestRejected = "RequestRejected"
	// ErrCopyFailed: at least one destination's copy ended without a completed copy. The
	// error's details hold the CopyRequestResult with every destination's outcome.
	ErrCopyFailed = "CopyFailed"
)

// Chain states (ChainStatus.State and the chain's CopyState search attribute).
const (
	ChainIdle    = "IDLE"    // nothing to copy; lifecycle timers may be pending
	ChainCopying = "COPYING" // a copy job is being started or followed
	ChainFailed  = "FAILED"  // the last copy failed; the next successful copy clears it
)

// Request states (RequestStatus.State and the request's CopyState search attribute).
const (
	RequestValidating = "VALIDATING" // checking the recovery point, the vaults and the rules
	RequestRejected   = "REJECTED"   // a check failed; nothing was started
	RequestCopying    = "COPYING"    // orders handed to the chains, waiting for their results
	RequestCompleted  = "COMPLETED"  // every destination holds a completed copy
	RequestFailed     = "FAILED"     // at least one destination failed
	RequestCanceled   = "CANCELED"   // canceled before every destination had its chain's result
)

// DestinationProgress is one destination of a request as seen by QueryStatus.
type DestinationProgress struct {
	Destination     Destination
	ChainWorkflowId string             `json:",omitempty"`
	Result          *DestinationResult `json:",omitempty"`
}

// RequestStatus is the answer to QueryStatus on a CopyRecoveryPoint workflow.
type RequestStatus struct {
	State         string
	RecoveryPoint *RecoveryPoint `json:",omitempty"`
	Destinations  []DestinationProgress
	// Problems lists every rule the request broke when State is REJECTED.
	Problems []string `json:",omitempty"`
}

// CopiesPage asks the copies query for one page of a chain run's records: Limit records
// (at most the chain's page size; 0 means that size), skipping the Skip newest. The
// answer is oldest first. A query without a page argument gets the newest page.
type CopiesPage struct {
	Skip  int `json:",omitempty"`
	Limit int `json:",omitempty"`
}

// MaxCopiesPage is the most records one answer of the copies query holds, so the answer
// stays small however many records a chain run keeps.
const MaxCopiesPage = 20
