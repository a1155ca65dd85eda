package report

import (
	"context"
	"time"

	"github.com/regioncopy/regioncopy/activities"
	"github.com/regioncopy/regioncopy/model"
)

// AWSReader reads AWS through package activities, the only code that calls AWS, so
// its errors are classified as every other AWS error is.
type AWSReader struct {
	Backup *activities.Backup
	Plans  *activities.Plans
}

func (a AWSReader) SelectedResources(ctx context.Context, region string, sel model.PlanSelection) ([]model.SelectedResource, error) {
	out, err := a.Plans.ResolvePlanSelection(ctx, model.ResolvePlanSelectionInput{Region: region, Selection: sel})
	return out.Resources, err
}

func (a AWSReader) VaultContents(ctx context.Context, vaultArn string) (model.BackupVault, []model.RecoveryPoint, error) {
	return a.Backup.VaultContents(ctx, vaultArn)
}

func (a AWSReader) CopyJobsSince(ctx context.Context, region string, since time.Time) ([]model.CopyJob, error) {
	return a.Backup.CopyJobsSince(ctx, region, since)
}
