package activities

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/model"
)

// Conversions from SDK types to model types. Times are UTC so that values recorded in
// workflow histories compare equal whatever the worker's time zone.

func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func lifecycleFromSDK(l *types.Lifecycle) model.Lifecycle {
	if l == nil {
		return model.Lifecycle{}
	}
	return model.Lifecycle{
		MoveToColdStorageAfterDays: aws.ToInt64(l.MoveToColdStorageAfterDays),
		DeleteAfterDays:            aws.ToInt64(l.DeleteAfterDays),
	}
}

// lifecycleToSDK returns nil for a zero lifecycle so that AWS applies the vault's or
// the source's default instead of an explicit "never".
func lifecycleToSDK(l model.Lifecycle) *types.Lifecycle {
	if l.IsZero() {
		return nil
	}
	out := &types.Lifecycle{}
	if l.MoveToColdStorageAfterDays != 0 {
		out.MoveToColdStorageAfterDays = aws.Int64(l.MoveToColdStorageAfterDays)
	}
	if l.DeleteAfterDays != 0 {
		out.DeleteAfterDays = aws.Int64(l.DeleteAfterDays)
	}
	return out
}

func calculatedFromSDK(c *types.CalculatedLifecycle) model.CalculatedLifecycle {
	if c == nil {
		return model.CalculatedLifecycle{}
	}
	return model.CalculatedLifecycle{MoveToColdStorageAt: utc(c.MoveToColdStorageAt), DeleteAt: utc(c.DeleteAt)}
}

func recoveryPointFromDescribe(region string, o *backup.DescribeRecoveryPointOutput) model.RecoveryPoint {
	return model.RecoveryPoint{
		Region:               region,
		BackupVaultName:      aws.ToString(o.BackupVaultName),
		BackupVaultArn:       aws.ToString(o.BackupVaultArn),
		RecoveryPointArn:     aws.ToString(o.RecoveryPointArn),
		ResourceArn:          aws.ToString(o.ResourceArn),
		ResourceType:         aws.ToString(o.ResourceType),
		Status:               string(o.Status),
		StorageClass:         string(o.StorageClass),
		BackupSizeInBytes:    aws.ToInt64(o.BackupSizeInBytes),
		EncryptionKeyArn:     aws.ToString(o.EncryptionKeyArn),
		CreationDate:         utc(o.CreationDate),
		CompletionDate:       utc(o.CompletionDate),
		Lifecycle:            lifecycleFromSDK(o.Lifecycle),
		CalculatedLifecycle:  calculatedFromSDK(o.CalculatedLifecycle),
		SourceBackupVaultArn: aws.ToString(o.SourceBackupVaultArn),
	}
}

// recoveryPointFromList converts a list entry. Lists carry no storage class; a listed
// point is taken as WARM unless its status says it is being deleted.
func recoveryPointFromList(region string, p types.RecoveryPointByBackupVault) model.RecoveryPoint {
	return model.RecoveryPoint{
		Region:               region,
		BackupVaultName:      aws.ToString(p.BackupVaultName),
		BackupVaultArn:       aws.ToString(p.BackupVaultArn),
		RecoveryPointArn:     aws.ToString(p.RecoveryPointArn),
		ResourceArn:          aws.ToString(p.ResourceArn),
		ResourceType:         aws.ToString(p.ResourceType),
		Status:               string(p.Status),
		BackupSizeInBytes:    aws.ToInt64(p.BackupSizeInBytes),
		EncryptionKeyArn:     aws.ToString(p.EncryptionKeyArn),
		CreationDate:         utc(p.CreationDate),
		CompletionDate:       utc(p.CompletionDate),
		Lifecycle:            lifecycleFromSDK(p.Lifecycle),
		CalculatedLifecycle:  calculatedFromSDK(p.CalculatedLifecycle),
		SourceBackupVaultArn: aws.ToString(p.SourceBackupVaultArn),
	}
}

func copyJobFromSDK(region string, j *types.CopyJob) model.CopyJob {
	return model.CopyJob{
		Region:                      region,
		CopyJobId:                   aws.ToString(j.CopyJobId),
		State:                       string(j.State),
		StatusMessage:               aws.ToString(j.StatusMessage),
		SourceRecoveryPointArn:      aws.ToString(j.SourceRecoveryPointArn),
		DestinationBackupVaultArn:   aws.ToString(j.DestinationBackupVaultArn),
		DestinationRecoveryPointArn: aws.ToString(j.DestinationRecoveryPointArn),
		DestinationEncryptionKeyArn: aws.ToString(j.DestinationEncryptionKeyArn),
		ResourceArn:                 aws.ToString(j.ResourceArn),
		ResourceType:                aws.ToString(j.ResourceType),
		BackupSizeInBytes:           aws.ToInt64(j.BackupSizeInBytes),
		CreationDate:                utc(j.CreationDate),
		CompletionDate:              utc(j.CompletionDate),
	}
}

func backupJobFromSDK(region string, o *backup.DescribeBackupJobOutput) model.BackupJob {
	return model.BackupJob{
		Region:            region,
		BackupJobId:       aws.ToString(o.BackupJobId),
		State:             string(o.State),
		StatusMessage:     aws.ToString(o.StatusMessage),
		BackupVaultName:   aws.ToString(o.BackupVaultName),
		RecoveryPointArn:  aws.ToString(o.RecoveryPointArn),
		ResourceArn:       aws.ToString(o.ResourceArn),
		ResourceType:      aws.ToString(o.ResourceType),
		BackupSizeInBytes: aws.ToInt64(o.BackupSizeInBytes),
		CreationDate:      utc(o.CreationDate),
		CompletionDate:    utc(o.CompletionDate),
	}
}
