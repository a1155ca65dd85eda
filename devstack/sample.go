package devstack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/emulator"
)

// Sample names what the stack seeds into the emulator: a vault in the source Region and
// one in each destination Region, an EBS volume, and a completed backup of it.
type Sample struct {
	AccountID          string
	SourceRegion       string
	DestinationRegions []string
	VaultName          string
	IamRoleArn         string
	VolumeArn          string
	// SourceVaultArn and DestinationVaultArns are the vaults' ARNs.
	SourceVaultArn       string
	DestinationVaultArns []string
	// RecoveryPointArns are the volume's completed backups, oldest first.
	RecoveryPointArns []string
}

// DefaultSample is the sample `regioncopy dev` seeds.
func DefaultSample() Sample {
	const account = "123456789012"
	s := Sample{
		AccountID:          account,
		SourceRegion:       "us-east-1",
		DestinationRegions: []string{"eu-west-1", "us-west-2"},
		VaultName:          "regioncopy-sample",
		IamRoleArn:         "arn:aws:iam::" + account + ":role/service-role/AWSBackupDefaultServiceRole",
		VolumeArn:          "arn:aws:ec2:us-east-1:" + account + ":volume/vol-0a1b2c3d4e5f60718",
	}
	s.SourceVaultArn = vaultArn(s.SourceRegion, account, s.VaultName)
	for _, r := range s.DestinationRegions {
		s.DestinationVaultArns = append(s.DestinationVaultArns, vaultArn(r, account, s.VaultName))
	}
	return s
}

func vaultArn(region, account, name string) string {
	return fmt.Sprintf("arn:aws:backup:%s:%s:backup-vault:%s", region, account, name)
}

// SampleResource is the volume's seed: 2 GiB, 5% written per day.
func (s Sample) SampleResource() emulator.ResourceSeed {
	return emulator.ResourceSeed{ResourceArn: s.VolumeArn, SizeBytes: 2 << 30, DailyWriteRate: 0.05}
}

// seedSample creates the sample's vaults (idempotently: a restarted stack finds them)
// and one completed backup, through the AWS Backup API of the emulator: the same calls
// a user makes against AWS. The emulator clock is advanced while the backup runs so that
// the sample is ready at once.
func seedSample(ctx context.Context, emu *EmulatorServer, s Sample) (Sample, error) {
	for _, region := range append([]string{s.SourceRegion}, s.DestinationRegions...) {
		_, err := emu.Client(region).CreateBackupVault(ctx, &backup.CreateBackupVaultInput{BackupVaultName: aws.String(s.VaultName)})
		var exists *types.AlreadyExistsException
		if err != nil && !errors.As(err, &exists) {
			return s, fmt.Errorf("create sample vault %s in %s: %w", s.VaultName, region, err)
		}
	}
	points, err := s.completedBackups(ctx, emu)
	if err != nil {
		return s, err
	}
	if len(points) == 0 {
		p, err := Backup(ctx, emu, s, "regioncopy-dev-sample-1")
		if err != nil {
			return s, err
		}
		points = []string{p}
	}
	s.RecoveryPointArns = points
	return s, nil
}

// completedBackups lists the volume's completed recovery points in the source vault,
// oldest first.
func (s Sample) completedBackups(ctx context.Context, emu *EmulatorServer) ([]string, error) {
	out, err := emu.Client(s.SourceRegion).ListRecoveryPointsByBackupVault(ctx, &backup.ListRecoveryPointsByBackupVaultInput{
		BackupVaultName: aws.String(s.VaultName), ByResourceArn: aws.String(s.VolumeArn),
	})
	if err != nil {
		return nil, fmt.Errorf("list sample recovery points: %w", err)
	}
	type point struct {
		arn     string
		created time.Time
	}
	var points []point
	for _, rp := range out.RecoveryPoints {
		if rp.Status == types.RecoveryPointStatusCompleted {
			points = append(points, point{aws.ToString(rp.RecoveryPointArn), aws.ToTime(rp.CreationDate)})
		}
	}
	for i := 1; i < len(points); i++ { // few points: insertion sort keeps it short
		for j := i; j > 0 && points[j].created.Before(points[j-1].created); j-- {
			points[j], points[j-1] = points[j-1], points[j]
		}
	}
	arns := make([]string, len(points))
	for i, p := range points {
		arns[i] = p.arn
	}
	return arns, nil
}

// Backup takes one more backup of the sample volume (a newer recovery point, whose copy
// will be incremental) and returns its recovery point ARN once COMPLETED. token makes
// the call idempotent.
func Backup(ctx context.Context, emu *EmulatorServer, s Sample, token string) (string, error) {
	c := emu.Client(s.SourceRegion)
	start, err := c.StartBackupJob(ctx, &backup.StartBackupJobInput{
		BackupVaultName:  aws.String(s.VaultName),
		ResourceArn:      aws.String(s.VolumeArn),
		IamRoleArn:       aws.String(s.IamRoleArn),
		IdempotencyToken: aws.String(token),
	})
	if err != nil {
		return "", fmt.Errorf("start sample backup: %w", err)
	}
	for range 600 {
		job, err := c.DescribeBackupJob(ctx, &backup.DescribeBackupJobInput{BackupJobId: start.BackupJobId})
		if err != nil {
			return "", fmt.Errorf("describe sample backup job: %w", err)
		}
		switch job.State {
		case types.BackupJobStateCompleted:
			return aws.ToString(job.RecoveryPointArn), nil
		case types.BackupJobStateFailed, types.BackupJobStateAborted, types.BackupJobStateExpired, types.BackupJobStatePartial:
			return "", fmt.Errorf("sample backup job %s ended %s: %s", aws.ToString(start.BackupJobId), job.State, aws.ToString(job.StatusMessage))
		}
		// A 2 GiB backup takes seconds of emulated time; jump the clock rather than wait.
		emu.Emulator.Advance(10 * time.Second)
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return "", fmt.Errorf("sample backup job %s did not complete", aws.ToString(start.BackupJobId))
}
