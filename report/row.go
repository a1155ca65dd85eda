package report

import (
	"time"

	"github.com/regioncopy/regioncopy/model"
)

// StateUnknown is a row whose destination vault could not be read (access denied,
// throttling past the SDK's retries, a service fault): never taken for OK.
const StateUnknown = "UNKNOWN"

// Row is one protected resource and one required destination.
type Row struct {
	ResourceArn        string
	ResourceType       string
	SourceRegion       string
	DestinationRegion  string
	DestinationAccount string
	DestinationVault   string
	// Plan names the plans that require this copy (comma-separated); empty for an
	// on-demand chain outside any plan.
	Plan       string `json:",omitempty"`
	RpoMinutes int64
	// State is model.RpoOK, RpoAtRisk, RpoBreach, RpoNone or StateUnknown; StateReason
	// says why when it is BREACH or UNKNOWN.
	State       string
	StateReason string    `json:",omitempty"`
	Deadline    time.Time `json:",omitzero"`
	NewestCopy  *Copy     `json:",omitempty"`
	// Age is how long ago the newest copy's source was created, as a Go duration, and
	// AgeMinutes the same in whole minutes.
	Age        string `json:",omitempty"`
	AgeMinutes int64  `json:",omitempty"`
	// InFlight: a copy job of this resource into this vault is waiting or running.
	InFlight          bool
	InFlightCopyJobId string   `json:",omitempty"`
	LastFailure       *Failure `json:",omitempty"`
	Findings          []Finding
	ChainWorkflowId   string `json:",omitempty"`
}

// Copy is a copy AWS holds in the destination vault.
type Copy struct {
	DestinationRecoveryPointArn string
	// SourceCreatedAt is the source recovery point's creation time (a copy keeps it).
	SourceCreatedAt time.Time
	LandedAt        time.Time `json:",omitzero"`
	CopyJobId       string    `json:",omitempty"`
	// Kind is FULL or INCREMENTAL: regioncopy's record when it was read, else inferred
	// from AWS (INCREMENTAL when the vault held an older copy of the resource when the
	// job started).
	Kind             model.CopyKind
	BackupSizeBytes  int64
	EncryptionKeyArn string
	DeleteAt         time.Time `json:",omitzero"`
}

// Failure is the newest copy job of the period that ended without a copy.
type Failure struct {
	At        time.Time
	CopyJobId string
	Reason    string
}

// Finding is one evidence check that failed on a row.
type Finding struct {
	Code string
	Text string
}

// Finding codes.
const (
	// FindingRecordedCopyMissing: regioncopy recorded a copy (not as deleted or expired)
	// that the vault no longer holds.
	FindingRecordedCopyMissing = "RECORDED_COPY_MISSING"
	// FindingUnrecordedCopy: the vault holds a copy of the resource that regioncopy
	// never recorded.
	FindingUnrecordedCopy = "UNRECORDED_COPY"
	// FindingWrongKey: a copy is encrypted with another key than the vault's.
	FindingWrongKey = "WRONG_KEY"
	// FindingShortLifecycle: a copy is kept for fewer days than its plan asks.
	FindingShortLifecycle = "SHORT_LIFECYCLE"
	// FindingRecordsUnreadable: regioncopy's records were needed and could not be read.
	FindingRecordsUnreadable = "RECORDS_UNREADABLE"
	// FindingJobsUnreadable: the source Region's copy jobs could not be listed, so
	// InFlight and LastFailure are unknown.
	FindingJobsUnreadable = "JOBS_UNREADABLE"
)

// Report is everything one run of `regioncopy report` prints.
type Report struct {
	GeneratedAt time.Time
	// Command is the command line that made the report.
	Command string
	// Since starts the report period (copy jobs, failures, cost).
	Since time.Time
	// AtRiskMargin is model.RpoAtRiskMargin: a row is AT_RISK once less than this share
	// of its RPO is left before its deadline.
	AtRiskMargin float64
	// Summary counts the rows by state.
	Summary map[string]int
	// Rows come failing first: BREACH, UNKNOWN, AT_RISK, rows with findings, OK, NO_RPO.
	Rows   []Row
	Costs  []PairCost
	Prices PriceSource
	// RecordsRead counts the chains whose copy records were read for the cross-check.
	RecordsRead int
}
