package model

import "time"

// A plan run's proof of its copies: a PlanResource child waits for its chains' results
// (model.SignalCopyResult) and says, per destination, whether the copy landed; PlanRun
// counts and lists them, and is COMPLETED only when every copy it handed over landed.

// What became of one copy handed to a chain (PlanCopyOutcome.Landing, PlanRunCopy.Landing).
const (
	PlanCopyLanded = "LANDED" // the chain reports a completed copy in the destination vault
	PlanCopyFailed = "FAILED" // the chain's copy jobs failed (Reason: AWS's message) or the chain gave up
	// PlanCopySuperseded: the destination is coalescing and the chain copied a newer
	// recovery point of the resource instead of this one.
	PlanCopySuperseded = "SUPERSEDED"
	// PlanCopyLate: no result within the rule's completion window. The chain keeps
	// the order and may still land the copy; its records (QueryCopies) will say.
	PlanCopyLate = "NOT_LANDED_IN_TIME"
)

// PlanStageLanding is the stage of a resource whose recovery point was handed over but
// at least one of whose copies did not land (failed, superseded or late).
const PlanStageLanding = "landing"

// PlanResourceCopyWait is the PlanResource state while it waits for its chains' results.
const PlanResourceCopyWait = "AWAITING_COPIES"

// PlanRunLandingTally counts the copies a run handed over by what became of them; it is
// carried across continue-as-new.
type PlanRunLandingTally struct {
	Landed     int
	Failed     int
	Superseded int
	Late       int
}

// PlanRunCopy is one copy of a plan run, per resource and destination: the proof that it
// landed, or why it did not.
type PlanRunCopy struct {
	ResourceArn               string
	SourceRecoveryPointArn    string
	DestinationBackupVaultArn string
	ChainWorkflowId           string `json:",omitempty"`
	Landing                   string // a PlanCopy* value
	// From the chain's record (empty when none arrived in time).
	CopyJobId                   string    `json:",omitempty"`
	DestinationRecoveryPointArn string    `json:",omitempty"`
	Kind                        CopyKind  `json:",omitempty"`
	BackupSizeInBytes           int64     `json:",omitempty"`
	CompletedAt                 time.Time `json:",omitzero"`
	// Reason says why the copy did not land: AWS's message, the chain's error, or the
	// completion window that passed.
	Reason string `json:",omitempty"`
}

// MaxPlanRunCopies bounds the copies a run lists (and carries across continue-as-new),
// so its result stays well inside Temporal's payload limits; Landings always counts
// every copy, and a resource with a copy that did not land is also a failure of the
// run (its Failures list the first MaxPlanRunFailures). A listed copy takes about 650
// bytes of JSON with its ARNs: 200 of them and the failures keep the result and the
// carried progress under Temporal's 256 KB payload warning (1,000 made 640 KB).
const MaxPlanRunCopies = 200
