package activities

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/model"
)

// The reads behind `regioncopy report`: plain calls made by the CLI, not activities, so
// a report costs one listing per vault and a few per source Region however many
// resources it covers. Errors are classified like every other AWS error here (a
// temporal.ApplicationError whose type is one of model.Err*).

// VaultContents describes a vault (its encryption key) and lists every recovery point
// it holds, following NextToken to the last page.
func (b *Backup) VaultContents(ctx context.Context, vaultArn string) (model.BackupVault, []model.RecoveryPoint, error) {
	vault, err := b.DescribeBackupVault(ctx, model.DescribeBackupVaultInput{BackupVaultArn: vaultArn})
	if err != nil {
		return model.BackupVault{}, nil, err
	}
	req := &backup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(vault.BackupVaultName)}
	if b.pageSize > 0 {
		req.MaxResults = aws.Int32(b.pageSize)
	}
	pages := backup.NewListRecoveryPointsByBackupVaultPaginator(b.client(vault.Region), req)
	var points []model.RecoveryPoint
	for pages.HasMorePages() {
		pg, err := pages.NextPage(ctx)
		if err != nil {
			return vault, nil, classify(ctx, awsCall{"ListRecoveryPointsByBackupVault", vault.Region}, err)
		}
		for _, rp := range pg.RecoveryPoints {
			points = append(points, recoveryPointFromList(vault.Region, rp))
		}
	}
	return vault, points, nil
}

// CopyJobsSince lists the copy jobs of a source Region created after since, in any
// state, and the jobs still waiting or running whenever they were created (a copy job
// can run for days), each once. The three listings run side by side.
func (b *Backup) CopyJobsSince(ctx context.Context, region string, since time.Time) ([]model.CopyJob, error) {
	inputs := []*backup.ListCopyJobsInput{
		{ByCreatedAfter: aws.Time(since)},
		{ByState: types.CopyJobStateCreated},
		{ByState: types.CopyJobStateRunning},
	}
	lists := make([][]model.CopyJob, len(inputs))
	errs := make([]error, len(inputs))
	var wg sync.WaitGroup
	for i, in := range inputs {
		if b.pageSize > 0 {
			in.MaxResults = aws.Int32(b.pageSize)
		}
		wg.Go(func() { lists[i], errs[i] = b.listCopyJobs(ctx, region, in) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []model.CopyJob
	for _, list := range lists {
		for _, j := range list {
			if !seen[j.CopyJobId] {
				seen[j.CopyJobId] = true
				out = append(out, j)
			}
		}
	}
	return out, nil
}

// listCopyJobs follows one ListCopyJobs listing to its last page.
func (b *Backup) listCopyJobs(ctx context.Context, region string, in *backup.ListCopyJobsInput) ([]model.CopyJob, error) {
	var out []model.CopyJob
	pages := backup.NewListCopyJobsPaginator(b.client(region), in)
	for pages.HasMorePages() {
		pg, err := pages.NextPage(ctx)
		if err != nil {
			return nil, classify(ctx, awsCall{"ListCopyJobs", region}, err)
		}
		for i := range pg.CopyJobs {
			out = append(out, copyJobFromSDK(region, &pg.CopyJobs[i]))
		}
	}
	return out, nil
}
