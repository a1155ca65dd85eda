package activities

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/regioncopy/regioncopy/model"
)

// DescribeBackupVault describes one vault, named by ARN (its Region and name are taken
// from the ARN) or by Region and name.
func (b *Backup) DescribeBackupVault(ctx context.Context, in model.DescribeBackupVaultInput) (model.BackupVault, error) {
	region, name := in.Region, in.BackupVaultName
	if in.BackupVaultArn != "" {
		region, name = model.RegionFromArn(in.BackupVaultArn), model.VaultNameFromArn(in.BackupVaultArn)
		if region == "" || name == in.BackupVaultArn || name == "" {
			return model.BackupVault{}, invalidInput(model.ActDescribeBackupVault, "BackupVaultArn",
				"must look like arn:aws:backup:<region>:<account>:backup-vault:<name>, got "+in.BackupVaultArn)
		}
	}
	if err := requireFields(model.ActDescribeBackupVault, field{"Region", region}, field{"BackupVaultName", name}); err != nil {
		return model.BackupVault{}, err
	}
	out, err := b.client(region).DescribeBackupVault(ctx, &backup.DescribeBackupVaultInput{BackupVaultName: aws.String(name)})
	if err != nil {
		return model.BackupVault{}, classify(ctx, awsCall{"DescribeBackupVault", region}, err)
	}
	return model.BackupVault{
		Region:           region,
		BackupVaultName:  aws.ToString(out.BackupVaultName),
		BackupVaultArn:   aws.ToString(out.BackupVaultArn),
		EncryptionKeyArn: aws.ToString(out.EncryptionKeyArn),
	}, nil
}
