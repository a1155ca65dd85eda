package activities

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// DescribeRecoveryPoint describes one recovery point.
func (b *Backup) DescribeRecoveryPoint(ctx context.Context, in model.DescribeRecoveryPointInput) (model.RecoveryPoint, error) {
	if err := requireFields(model.ActDescribeRecoveryPoint,
		field{"Region", in.Region}, field{"BackupVaultName", in.BackupVaultName}, field{"RecoveryPointArn", in.RecoveryPointArn}); err != nil {
		return model.RecoveryPoint{}, err
	}
	return b.describeRecoveryPoint(ctx, in.Region, in.BackupVaultName, in.RecoveryPointArn)
}

func (b *Backup) describeRecoveryPoint(ctx context.Context, region, vault, arn string) (model.RecoveryPoint, error) {
	out, err := b.client(region).DescribeRecoveryPoint(ctx, &backup.DescribeRecoveryPointInput{
		BackupVaultName:  aws.String(vault),
		RecoveryPointArn: aws.String(arn),
	})
	if err != nil {
		return model.RecoveryPoint{}, classify(ctx, awsCall{"DescribeRecoveryPoint", region}, err)
	}
	return recoveryPointFromDescribe(region, out), nil
}

// UpdateRecoveryPointLifecycle sets a recovery point's lifecycle and returns the point
// as described after the update, so the caller records AWS's calculated dates.
func (b *Backup) UpdateRecoveryPointLifecycle(ctx context.Context, in model.UpdateLifecycleInput) (model.RecoveryPoint, error) {
	if err := requireFields(model.ActUpdateRecoveryPointLifecycle,
		field{"Region", in.Region}, field{"BackupVaultName", in.BackupVaultName}, field{"RecoveryPointArn", in.RecoveryPointArn}); err != nil {
		return model.RecoveryPoint{}, err
	}
	if in.Lifecycle.IsZero() {
		return model.RecoveryPoint{}, invalidInput(model.ActUpdateRecoveryPointLifecycle, "Lifecycle",
			"is empty: set MoveToColdStorageAfterDays and/or DeleteAfterDays")
	}
	_, err := b.client(in.Region).UpdateRecoveryPointLifecycle(ctx, &backup.UpdateRecoveryPointLifecycleInput{
		BackupVaultName:  aws.String(in.BackupVaultName),
		RecoveryPointArn: aws.String(in.RecoveryPointArn),
		Lifecycle:        lifecycleToSDK(in.Lifecycle),
	})
	if err != nil {
		return model.RecoveryPoint{}, classify(ctx, awsCall{"UpdateRecoveryPointLifecycle", in.Region}, err)
	}
	return b.describeRecoveryPoint(ctx, in.Region, in.BackupVaultName, in.RecoveryPointArn)
}

// DeleteRecoveryPoint deletes a recovery point and then verifies by describing it that
// it is gone (not found, DELETING, EXPIRED or storage class DELETED). A point that was
// already gone is a success with AlreadyGone set, so a retried or replayed delete is
// harmless. A point still present after the delete is a retryable fault.
func (b *Backup) DeleteRecoveryPoint(ctx context.Context, in model.DeleteRecoveryPointInput) (model.DeleteRecoveryPointOutput, error) {
	if err := requireFields(model.ActDeleteRecoveryPoint,
		field{"Region", in.Region}, field{"BackupVaultName", in.BackupVaultName}, field{"RecoveryPointArn", in.RecoveryPointArn}); err != nil {
		return model.DeleteRecoveryPointOutput{}, err
	}
	_, delErr := b.client(in.Region).DeleteRecoveryPoint(ctx, &backup.DeleteRecoveryPointInput{
		BackupVaultName:  aws.String(in.BackupVaultName),
		RecoveryPointArn: aws.String(in.RecoveryPointArn),
	})
	if delErr != nil {
		var notFound *types.ResourceNotFoundException
		var badState *types.InvalidResourceStateException
		switch {
		case errors.As(delErr, &notFound):
			return model.DeleteRecoveryPointOutput{AlreadyGone: true}, nil
		case errors.As(delErr, &badState):
			// AWS refuses to delete a point that is already being deleted or expired;
			// anything else (a job still using it) stays an error.
			gone, err := b.isGone(ctx, in)
			if err != nil {
				return model.DeleteRecoveryPointOutput{}, err
			}
			if gone {
				return model.DeleteRecoveryPointOutput{AlreadyGone: true}, nil
			}
		}
		return model.DeleteRecoveryPointOutput{}, classify(ctx, awsCall{"DeleteRecoveryPoint", in.Region}, delErr)
	}
	gone, err := b.isGone(ctx, in)
	if err != nil {
		return model.DeleteRecoveryPointOutput{}, err
	}
	if !gone {
		return model.DeleteRecoveryPointOutput{}, temporal.NewApplicationError(
			"DeleteRecoveryPoint in "+in.Region+": "+in.RecoveryPointArn+" is still present after a successful delete",
			model.ErrServiceFault)
	}
	return model.DeleteRecoveryPointOutput{}, nil
}

// isGone describes the point and reports whether it no longer counts as stored.
func (b *Backup) isGone(ctx context.Context, in model.DeleteRecoveryPointInput) (bool, error) {
	out, err := b.client(in.Region).DescribeRecoveryPoint(ctx, &backup.DescribeRecoveryPointInput{
		BackupVaultName:  aws.String(in.BackupVaultName),
		RecoveryPointArn: aws.String(in.RecoveryPointArn),
	})
	if err != nil {
		var notFound *types.ResourceNotFoundException
		if errors.As(err, &notFound) {
			return true, nil
		}
		return false, classify(ctx, awsCall{"DescribeRecoveryPoint", in.Region}, err)
	}
	switch {
	case out.Status == types.RecoveryPointStatusDeleting, out.Status == types.RecoveryPointStatusExpired:
		return true, nil
	case out.StorageClass == types.StorageClassDeleted:
		return true, nil
	}
	return false, nil
}
