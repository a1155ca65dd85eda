package activities

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/regioncopy/regioncopy/model"
)

// StartCopyJob starts one copy job in the source Region. The input's IdempotencyToken is
// passed to AWS, which answers a repeated token with the first job: a retried activity,
// a replayed workflow or a worker killed after the call never makes a second job. An
// empty token is refused, because the SDK would invent a random one per call.
func (b *Backup) StartCopyJob(ctx context.Context, in model.StartCopyJobInput) (model.StartCopyJobOutput, error) {
	if err := requireFields(model.ActStartCopyJob,
		field{"SourceRegion", in.SourceRegion}, field{"RecoveryPointArn", in.RecoveryPointArn},
		field{"SourceBackupVaultName", in.SourceBackupVaultName}, field{"DestinationBackupVaultArn", in.DestinationBackupVaultArn},
		field{"IamRoleArn", in.IamRoleArn}, field{"IdempotencyToken", in.IdempotencyToken}); err != nil {
		return model.StartCopyJobOutput{}, err
	}
	out, err := b.client(in.SourceRegion).StartCopyJob(ctx, &backup.StartCopyJobInput{
		RecoveryPointArn:          aws.String(in.RecoveryPointArn),
		SourceBackupVaultName:     aws.String(in.SourceBackupVaultName),
		DestinationBackupVaultArn: aws.String(in.DestinationBackupVaultArn),
		IamRoleArn:                aws.String(in.IamRoleArn),
		IdempotencyToken:          aws.String(in.IdempotencyToken),
		Lifecycle:                 lifecycleToSDK(in.Lifecycle),
	})
	if err != nil {
		return model.StartCopyJobOutput{}, classify(ctx, awsCall{"StartCopyJob", in.SourceRegion}, err)
	}
	if b.observer != nil {
		b.observer.CopyStarted(in.SourceRegion, model.RegionFromArn(in.DestinationBackupVaultArn))
	}
	return model.StartCopyJobOutput{CopyJobId: aws.ToString(out.CopyJobId)}, nil
}

// DescribeCopyJob describes one copy job in any state.
func (b *Backup) DescribeCopyJob(ctx context.Context, in model.PollCopyJobInput) (model.CopyJob, error) {
	if err := requireFields(model.ActDescribeCopyJob, field{"Region", in.Region}, field{"CopyJobId", in.CopyJobId}); err != nil {
		return model.CopyJob{}, err
	}
	return b.describeCopyJob(ctx, in)
}

func (b *Backup) describeCopyJob(ctx context.Context, in model.PollCopyJobInput) (model.CopyJob, error) {
	job, err := b.lookAtCopyJob(ctx, in)
	return job, classify(ctx, awsCall{"DescribeCopyJob", in.Region}, err)
}

// lookAtCopyJob calls DescribeCopyJob once and returns the SDK's error unclassified.
func (b *Backup) lookAtCopyJob(ctx context.Context, in model.PollCopyJobInput) (model.CopyJob, error) {
	out, err := b.client(in.Region).DescribeCopyJob(ctx, &backup.DescribeCopyJobInput{CopyJobId: aws.String(in.CopyJobId)})
	if err != nil {
		return model.CopyJob{}, err
	}
	if out.CopyJob == nil {
		return model.CopyJob{CopyJobId: in.CopyJobId, Region: in.Region}, errEmptyAnswer("CopyJob")
	}
	return copyJobFromSDK(in.Region, out.CopyJob), nil
}
