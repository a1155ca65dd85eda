// Package model holds the plain data types that cross the boundaries between the
// regioncopy CLI, its workflows and its activities. It imports nothing from AWS or
// Temporal so that every layer can share it and workflow code stays deterministic.
package model

import "time"

// Lifecycle mirrors AWS Backup's Lifecycle: zero means "not set".
type Lifecycle struct {
	MoveToColdStorageAfterDays int64 `json:",omitempty"`
	DeleteAfterDays            int64 `json:",omitempty"`
}

// IsZero reports whether no lifecycle value is set.
func (l Lifecycle) IsZero() bool { return l.MoveToColdStorageAfterDays == 0 && l.DeleteAfterDays == 0 }

// CalculatedLifecycle mirrors AWS Backup's CalculatedLifecycle.
type CalculatedLifecycle struct {
	MoveToColdStorageAt time.Time `json:",omitzero"`
	DeleteAt            time.Time `json:",omitzero"`
}

// RecoveryPoint is what regioncopy needs to know about one AWS Backup recovery point.
type RecoveryPoint struct {
	Region               string
	BackupVaultName      string
	BackupVaultArn       string
	RecoveryPointArn     string
	ResourceArn          string
	ResourceType         string
	Status               string // COMPLETED, PARTIAL, DELETING, EXPIRED, AVAILABLE, STOPPED, CREATING
	StorageClass         string // WARM, COLD, DELETED
	BackupSizeInBytes    int64
	EncryptionKeyArn     string
	CreationDate         time.Time
	CompletionDate       time.Time `json:",omitzero"`
	Lifecycle            Lifecycle
	CalculatedLifecycle  CalculatedLifecycle
	SourceBackupVaultArn string `json:",omitempty"`
}

// BackupVault is what regioncopy needs to know about one backup vault.
type BackupVault struct {
	Region           string
	BackupVaultName  string
	BackupVaultArn   string
	EncryptionKeyArn string
}

// CopyJob mirrors the fields of AWS Backup's CopyJob that regioncopy records.
type CopyJob struct {
	Region                      string
	CopyJobId                   string
	State                       string // CREATED, RUNNING, COMPLETED, FAILED, PARTIAL
	StatusMessage               string `json:",omitempty"`
	SourceRecoveryPointArn      string
	DestinationBackupVaultArn   string
	DestinationRecoveryPointArn string `json:",omitempty"`
	DestinationEncryptionKeyArn string `json:",omitempty"`
	ResourceArn                 string
	ResourceType                string
	BackupSizeInBytes           int64
	CreationDate                time.Time
	CompletionDate              time.Time `json:",omitzero"`
	// Landed is the destination recovery point as described right after the job
	// COMPLETED, when the poll was asked to (PollCopyJobInput.DestinationRegion); nil when
	// not asked or when that describe failed, and the caller then describes it itself.
	Landed *RecoveryPoint `json:",omitempty"`
}

// BackupJob mirrors the fields of AWS Backup's BackupJob that regioncopy records.
type BackupJob struct {
	Region            string
	BackupJobId       string
	State             string
	StatusMessage     string `json:",omitempty"`
	BackupVaultName   string
	RecoveryPointArn  string
	ResourceArn       string
	ResourceType      string
	BackupSizeInBytes int64
	CreationDate      time.Time
	CompletionDate    time.Time `json:",omitzero"`
}

// Copy job and recovery point states used in decisions.
const (
	JobCreated   = "CREATED"
	JobRunning   = "RUNNING"
	JobCompleted = "COMPLETED"
	JobFailed    = "FAILED"
	JobPartial   = "PARTIAL"
	JobAborted   = "ABORTED"
	JobExpired   = "EXPIRED"
)
