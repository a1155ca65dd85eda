package report

import (
	"time"

	"github.com/regioncopy/regioncopy/model"
)

// Requirement is one resource that must be copied from its source Region into one
// destination vault: a resource a plan's selection covers, for one copy action of the
// plan, or an on-demand chain outside any plan.
type Requirement struct {
	ResourceArn         string
	ResourceType        string
	SourceRegion        string
	DestinationVaultArn string
	Plan                string
	RpoMinutes          int64
	// DeleteAfterDays is the lifecycle the plan asks of copies here; 0: none.
	DeleteAfterDays int64
	// Chain is the chain that copies it, when one exists.
	Chain *Chain
}

// Chain is what Temporal's visibility store says of one copy chain (its search
// attributes), enough for the cheap check of its records against the vault.
type Chain struct {
	WorkflowId          string
	ResourceArn         string
	ResourceType        string
	SourceRegion        string
	DestinationVaultArn string
	Plan                string
	// LastCopyAt is when its newest copy landed; CopyCount how many copies it has
	// completed over its life; NextExpiry the DeleteAt of its live copy due first.
	LastCopyAt time.Time
	CopyCount  int64
	NextExpiry time.Time
}

// VaultRead is one destination vault as AWS listed it, or why it could not be read.
type VaultRead struct {
	Vault  model.BackupVault
	Points []model.RecoveryPoint
	// Unreadable, when set, says why the vault could not be read; its rows are UNKNOWN.
	Unreadable string
}

// JobsRead is one source Region's copy jobs of the period, or why they could not be read.
type JobsRead struct {
	Jobs       []model.CopyJob
	Unreadable string
}

// RecordsRead is one chain's copy records, or why they could not be read.
type RecordsRead struct {
	Records    []model.CopyRecord
	Unreadable string
}

// Snapshot is everything the sources read; Join turns it into rows without any call.
type Snapshot struct {
	Now   time.Time
	Since time.Time
	// Requirements may repeat a resource and destination (two rules, a plan and its
	// chain); Join merges them into one row.
	Requirements []Requirement
	// Vaults by destination vault ARN, Jobs by source Region, Records by chain id (a
	// chain absent from Records was not read: its vault agreed with its search
	// attributes).
	Vaults  map[string]VaultRead
	Jobs    map[string]JobsRead
	Records map[string]RecordsRead
}
