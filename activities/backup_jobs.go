package activities

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/model"
)

// StartBackupJob starts one backup job. Like StartCopyJob it requires an idempotency
// token so that a retried start returns the first job instead of making a second.
func (b *Backup) StartBackupJob(ctx context.Context, in model.StartBackupJobInput) (model.StartBackupJobOutput, error) {
	if err := requireFields(model.ActStartBackupJob,
		field{"Region", in.Region}, field{"BackupVaultName", in.BackupVaultName}, field{"ResourceArn", in.ResourceArn},
		field{"IamRoleArn", in.IamRoleArn}, field{"IdempotencyToken", in.IdempotencyToken}); err != nil {
		return model.StartBackupJobOutput{}, err
	}
	if in.StartWindowMinutes < 0 || in.CompleteWindowMinutes < 0 {
		return model.StartBackupJobOutput{}, invalidInput(model.ActStartBackupJob, "StartWindowMinutes/CompleteWindowMinutes", "must not be negative")
	}
	req := &backup.StartBackupJobInput{
		BackupVaultName:  aws.String(in.BackupVaultName),
		ResourceArn:      aws.String(in.ResourceArn),
		IamRoleArn:       aws.String(in.IamRoleArn),
		IdempotencyToken: aws.String(in.IdempotencyToken),
		Lifecycle:        lifecycleToSDK(in.Lifecycle),
	}
	if len(in.RecoveryPointTags) > 0 {
		req.RecoveryPointTags = in.RecoveryPointTags
	}
	if in.StartWindowMinutes > 0 {
		req.StartWindowMinutes = aws.Int64(in.StartWindowMinutes)
	}
	if in.CompleteWindowMinutes > 0 {
		req.CompleteWindowMinutes = aws.Int64(in.CompleteWindowMinutes)
	}
	out, err := b.client(in.Region).StartBackupJob(ctx, req)
	if err != nil {
		return model.StartBackupJobOutput{}, classify(ctx, awsCall{"StartBackupJob", in.Region}, err)
	}
	return model.StartBackupJobOutput{BackupJobId: aws.ToString(out.BackupJobId), RecoveryPointArn: aws.ToString(out.RecoveryPointArn)}, nil
}

// PollBackupJob looks at a backup job once; see PollCopyJob. Backup jobs also pass
// through PENDING and ABORTING before they end.
func (b *Backup) PollBackupJob(ctx context.Context, in model.PollBackupJobInput) (model.BackupJob, error) {
	if err := requireFields(model.ActPollBackupJob, field{"Region", in.Region}, field{"BackupJobId", in.BackupJobId}); err != nil {
		return model.BackupJob{}, err
	}
	out, err := b.client(in.Region).DescribeBackupJob(ctx, &backup.DescribeBackupJobInput{BackupJobId: aws.String(in.BackupJobId)})
	if err != nil {
		return model.BackupJob{}, classify(ctx, awsCall{"DescribeBackupJob", in.Region}, err)
	}
	switch out.State {
	case types.BackupJobStateCreated, types.BackupJobStatePending, types.BackupJobStateRunning, types.BackupJobStateAborting, "":
		return model.BackupJob{}, b.poll.notFinished(ctx, "backup job", in.BackupJobId, stateOrUnknown(string(out.State)))
	}
	return backupJobFromSDK(in.Region, out), nil
}
