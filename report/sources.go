package report

import (
	"context"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

// AWS is what a report reads from AWS; AWSReader implements it with package activities.
type AWS interface {
	// SelectedResources resolves a backup selection in region as AWS Backup does.
	SelectedResources(ctx context.Context, region string, sel model.PlanSelection) ([]model.SelectedResource, error)
	// VaultContents describes a vault and lists every recovery point in it.
	VaultContents(ctx context.Context, vaultArn string) (model.BackupVault, []model.RecoveryPoint, error)
	// CopyJobsSince lists a source Region's copy jobs created after since, and those
	// still waiting or running.
	CopyJobsSince(ctx context.Context, region string, since time.Time) ([]model.CopyJob, error)
}

// Temporal is what a report reads from Temporal; TemporalReader implements it.
type Temporal interface {
	// PlanRules lists every applied rule of every plan.
	PlanRules(ctx context.Context) ([]model.PlanRunInput, error)
	// Chains lists every copy chain with its search attributes.
	Chains(ctx context.Context) ([]Chain, error)
	// ChainRecords reads a chain's copy records (every page of its latest runs).
	ChainRecords(ctx context.Context, chainID string) ([]model.CopyRecord, error)
}

// InputError is a report asked of something that does not exist or cannot be: an
// unknown plan, a filter naming nothing, a destination vault that does not exist. The
// CLI exits 2 with its message and prints nothing else.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }
