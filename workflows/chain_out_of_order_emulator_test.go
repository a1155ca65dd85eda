package workflows_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
)

// TestOutOfOrderCopyKeepsNewestBase checks on the emulator the AWS rule the chain's
// out-of-order handling relies on: a copy of an older recovery point made after a newer
// one is incremental (the vault holds a copy of the resource, as the chain predicts), and
// the next copy's incremental base stays the newest copy by source creation date: copying
// C after B then A moves exactly what copying C after B alone moves.
func TestOutOfOrderCopyKeepsNewestBase(t *testing.T) {
	const (
		source = "us-east-1"
		vol    = "arn:aws:ec2:us-east-1:123456789012:volume/vol-00000000000000abc"
		role   = "arn:aws:iam::123456789012:role/backup"
		vault  = "copies"
	)
	srv := emulatortest.Start(t, emulator.Config{Resources: []emulator.ResourceSeed{
		{ResourceArn: vol, SizeBytes: 10 << 30, DailyWriteRate: 0.2}}})
	ctx := context.Background()
	for _, region := range []string{source, "eu-west-1", "us-west-2"} {
		_, err := srv.Client(region).CreateBackupVault(ctx, &backup.CreateBackupVaultInput{BackupVaultName: aws.String(vault)})
		require.NoError(t, err)
	}
	src := srv.Client(source)
	backupNow := func() string {
		start, err := src.StartBackupJob(ctx, &backup.StartBackupJobInput{BackupVaultName: aws.String(vault),
			ResourceArn: aws.String(vol), IamRoleArn: aws.String(role)})
		require.NoError(t, err)
		srv.Emulator.Advance(2 * time.Hour)
		job, err := src.DescribeBackupJob(ctx, &backup.DescribeBackupJobInput{BackupJobId: start.BackupJobId})
		require.NoError(t, err)
		require.Equal(t, types.BackupJobStateCompleted, job.State)
		srv.Emulator.Advance(10 * time.Hour) // the volume changes before the next backup
		return aws.ToString(job.RecoveryPointArn)
	}
	a, b, c := backupNow(), backupNow(), backupNow()

	// copy copies point into region's vault and returns the bytes it moved and whether
	// AWS counted it incremental.
	copyTo := func(region, point string) (int64, bool) {
		before := srv.Emulator.Counters()
		start, err := src.StartCopyJob(ctx, &backup.StartCopyJobInput{SourceBackupVaultName: aws.String(vault),
			RecoveryPointArn: aws.String(point), IamRoleArn: aws.String(role),
			DestinationBackupVaultArn: aws.String("arn:aws:backup:" + region + ":123456789012:backup-vault:" + vault)})
		require.NoError(t, err)
		srv.Emulator.Advance(4 * time.Hour)
		job, err := src.DescribeCopyJob(ctx, &backup.DescribeCopyJobInput{CopyJobId: start.CopyJobId})
		require.NoError(t, err)
		require.Equal(t, types.CopyJobStateCompleted, job.CopyJob.State)
		after := srv.Emulator.Counters()
		pair := source + ">" + region
		return after.BytesTransferred[pair] - before.BytesTransferred[pair], after.IncrementalCopies > before.IncrementalCopies
	}

	// Out of order into eu-west-1: B, then the older A, then C.
	full, incremental := copyTo("eu-west-1", b)
	assert.False(t, incremental)
	assert.Equal(t, int64(10<<30), full)
	_, incremental = copyTo("eu-west-1", a)
	assert.True(t, incremental, "the older point's copy is incremental: a copy of the resource is in the vault")
	afterOutOfOrder, incremental := copyTo("eu-west-1", c)
	assert.True(t, incremental)

	// In order into us-west-2: B, then C.
	copyTo("us-west-2", b)
	inOrder, _ := copyTo("us-west-2", c)

	assert.Positive(t, inOrder)
	assert.Less(t, inOrder, int64(10<<30))
	assert.Equal(t, inOrder, afterOutOfOrder, "C's base is B, the newest copy by creation date, not A copied last")
}
