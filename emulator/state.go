package emulator

import (
	"time"
)

// state is everything the emulator knows; it is saved whole to the state file. All of it is
// guarded by Emulator.mu.
type state struct {
	// Clock is the emulator clock when the state was saved.
	Clock time.Time
	// SettledAt is the emulator time up to which jobs and expiries have been applied.
	SettledAt time.Time
	// Seq numbers every created object, so ids and list order are deterministic.
	Seq int64

	Vaults     map[string]*vault         // by vault ARN
	Points     map[string]*recoveryPoint // by recovery point ARN
	Jobs       map[string]*job           // by job id (backup and copy)
	Resources  map[string]*resource      // by resource ARN
	Plans      map[string]*plan          // by plan id
	Selections map[string]*selection     // by selection id
	Tokens     map[string]*tokenEntry    // by Region, operation and idempotency token

	Counters counterState
	Faults   Faults
	// FaultUses counts injections per fault kind since Faults were last set (for Limits).
	FaultUses map[string]int64
	// RNG is the fault-injection random source's state, so a reloaded emulator continues
	// the same sequence.
	RNG []byte
}

func newState() *state {
	return &state{
		Vaults:     map[string]*vault{},
		Points:     map[string]*recoveryPoint{},
		Jobs:       map[string]*job{},
		Resources:  map[string]*resource{},
		Plans:      map[string]*plan{},
		Selections: map[string]*selection{},
		Tokens:     map[string]*tokenEntry{},
		Counters:   newCounterState(),
		FaultUses:  map[string]int64{},
	}
}

type vault struct {
	Name             string
	Arn              string
	Region           string
	EncryptionKeyArn string
	CreatorRequestId string
	Tags             map[string]string
	CreationDate     time.Time
	Seq              int64
}

// Recovery point statuses.
const (
	pointCreating  = "CREATING"
	pointCompleted = "COMPLETED"
)

type recoveryPoint struct {
	Arn            string
	Region         string
	VaultName      string
	VaultArn       string
	SourceVaultArn string // set on copies
	ResourceArn    string
	ResourceType   string
	IamRoleArn     string
	Status         string
	// CreationDate is when the data was captured; copies keep the source's.
	CreationDate     time.Time
	CompletionDate   time.Time
	SizeBytes        int64
	EncryptionKeyArn string
	Lifecycle        *Lifecycle
	Tags             map[string]string
	Seq              int64
}

// Job kinds and states.
const (
	kindBackup = "backup"
	kindCopy   = "copy"

	jobCreated   = "CREATED"
	jobRunning   = "RUNNING"
	jobCompleted = "COMPLETED"
	jobFailed    = "FAILED"
	jobExpired   = "EXPIRED"
)

type job struct {
	Kind           string
	ID             string
	Region         string // where the job runs: the source Region
	ResourceArn    string
	ResourceType   string
	IamRoleArn     string
	State          string
	StatusMessage  string
	CreationDate   time.Time
	StartDate      time.Time // when it went RUNNING
	EndDate        time.Time // when it will end (set at start)
	CompletionDate time.Time
	// HoldUntil keeps the job in CREATED until then (fault injection).
	HoldUntil time.Time
	// FailReason, when set, makes the job end FAILED with this message (fault injection).
	FailReason string
	Seq        int64

	// Backup jobs.
	VaultName        string `json:",omitempty"`
	VaultArn         string `json:",omitempty"`
	RecoveryPointArn string `json:",omitempty"`
	StartBy          time.Time
	Tags             map[string]string `json:",omitempty"`

	// Copy jobs.
	SourceVaultArn string `json:",omitempty"`
	SourcePointArn string `json:",omitempty"`
	DestVaultArn   string `json:",omitempty"`
	DestRegion     string `json:",omitempty"`
	DestPointArn   string `json:",omitempty"`
	DestKeyArn     string `json:",omitempty"`

	// Both: the lifecycle of the point the job creates, its size, and the bytes it moves
	// (known once RUNNING).
	Lifecycle        *Lifecycle `json:",omitempty"`
	SizeBytes        int64
	BytesTransferred int64
	Incremental      bool
}

func (j *job) active() bool { return j.State == jobCreated || j.State == jobRunning }

type resource struct {
	Arn            string
	Type           string
	Region         string
	SizeBytes      int64
	DailyWriteRate float64
	// LastBackup is the capture time of the newest completed backup (zero: none yet).
	LastBackup time.Time
	// Tags are the resource's tags, as the Resource Groups Tagging API serves them.
	Tags map[string]string `json:",omitempty"`
	// Tagged is set once the resource has had a tag: GetResources lists such resources
	// (with an empty tag set once every tag is removed) and no others, as on AWS.
	Tagged bool `json:",omitempty"`
}

type plan struct {
	ID               string
	Arn              string
	Region           string
	VersionId        string
	CreatorRequestId string
	CreationDate     time.Time
	DeletionDate     time.Time
	Plan             backupPlanWire
	Tags             map[string]string
	Seq              int64
}

type selection struct {
	ID               string
	PlanID           string
	Region           string
	CreatorRequestId string
	CreationDate     time.Time
	Selection        backupSelectionWire
	Seq              int64
}

// tokenEntry remembers the first request made with an idempotency token.
type tokenEntry struct {
	Fingerprint string
	JobID       string
}
