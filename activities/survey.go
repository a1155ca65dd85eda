package activities

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"go.temporal.io/sdk/activity"

	"github.com/regioncopy/regioncopy/model"
)

// SurveyCopies pages through the recovery points of one resource in a destination vault
// and answers the chain a summary of bounded size (model.CopySurvey): how many live copies
// it has there, the newest, the copies due for deletion, the next DeleteAt and, when
// asked, the copy of one source creation date. A vault holding thousands of a resource's
// copies costs the chain one activity and a few hundred bytes, never the list.
func (b *Backup) SurveyCopies(ctx context.Context, in model.SurveyCopiesInput) (model.SurveyCopiesOutput, error) {
	if err := requireFields(model.ActSurveyCopies, field{"Region", in.Region}, field{"BackupVaultName", in.BackupVaultName},
		field{"ResourceArn", in.ResourceArn}, field{"SourceRegion", in.SourceRegion}); err != nil {
		return model.SurveyCopiesOutput{}, err
	}
	req := &backup.ListRecoveryPointsByBackupVaultInput{
		BackupVaultName: aws.String(in.BackupVaultName),
		ByResourceArn:   aws.String(in.ResourceArn),
	}
	if b.pageSize > 0 {
		req.MaxResults = aws.Int32(b.pageSize)
	}
	survey := model.NewCopySurvey(in)
	pages := backup.NewListRecoveryPointsByBackupVaultPaginator(b.client(in.Region), req)
	for page := 1; pages.HasMorePages(); page++ {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return model.SurveyCopiesOutput{}, classify(ctx, awsCall{"ListRecoveryPointsByBackupVault", in.Region}, err)
		}
		for _, p := range out.RecoveryPoints {
			survey.Add(recoveryPointFromList(in.Region, p))
		}
		activity.RecordHeartbeat(ctx, page)
	}
	return survey.Result(), nil
}
