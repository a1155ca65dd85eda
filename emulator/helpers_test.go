package emulator_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/smithy-go"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
)

const (
	east     = "us-east-1"
	west     = "eu-west-1"
	south    = "ap-south-1"
	account  = "123456789012"
	role     = "arn:aws:iam::123456789012:role/backup"
	volume   = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0"
	volume2  = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0fedcba9876543210"
	westKey  = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
	fullSize = int64(8 << 30)
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func vaultArn(region, name string) string {
	return "arn:aws:backup:" + region + ":" + account + ":backup-vault:" + name
}

// start runs an emulator whose clock starts at epoch; tests move it with Advance.
func start(t *testing.T, cfg emulator.Config) *emulatortest.Server {
	t.Helper()
	if cfg.StartTime.IsZero() {
		cfg.StartTime = epoch
	}
	return emulatortest.Start(t, cfg)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func mustVault(t *testing.T, c *backup.Client, name, key string) string {
	t.Helper()
	in := &backup.CreateBackupVaultInput{BackupVaultName: aws.String(name)}
	if key != "" {
		in.EncryptionKeyArn = aws.String(key)
	}
	out, err := c.CreateBackupVault(ctx(t), in)
	if err != nil {
		t.Fatalf("CreateBackupVault %s: %v", name, err)
	}
	return aws.ToString(out.BackupVaultArn)
}

func mustBackup(t *testing.T, c *backup.Client, vault, resource string) *backup.StartBackupJobOutput {
	t.Helper()
	out, err := c.StartBackupJob(ctx(t), &backup.StartBackupJobInput{
		BackupVaultName: aws.String(vault), ResourceArn: aws.String(resource), IamRoleArn: aws.String(role)})
	if err != nil {
		t.Fatalf("StartBackupJob: %v", err)
	}
	return out
}

func backupJob(t *testing.T, c *backup.Client, id *string) *backup.DescribeBackupJobOutput {
	t.Helper()
	out, err := c.DescribeBackupJob(ctx(t), &backup.DescribeBackupJobInput{BackupJobId: id})
	if err != nil {
		t.Fatalf("DescribeBackupJob: %v", err)
	}
	return out
}

func copyJob(t *testing.T, c *backup.Client, id *string) *types.CopyJob {
	t.Helper()
	out, err := c.DescribeCopyJob(ctx(t), &backup.DescribeCopyJobInput{CopyJobId: id})
	if err != nil {
		t.Fatalf("DescribeCopyJob: %v", err)
	}
	return out.CopyJob
}

func startCopy(c *backup.Client, t *testing.T, point, srcVault, dstVaultArn string, mod func(*backup.StartCopyJobInput)) (*backup.StartCopyJobOutput, error) {
	in := &backup.StartCopyJobInput{RecoveryPointArn: aws.String(point), SourceBackupVaultName: aws.String(srcVault),
		DestinationBackupVaultArn: aws.String(dstVaultArn), IamRoleArn: aws.String(role)}
	if mod != nil {
		mod(in)
	}
	return c.StartCopyJob(ctx(t), in)
}

func mustCopy(t *testing.T, c *backup.Client, point, srcVault, dstVaultArn string, mod func(*backup.StartCopyJobInput)) string {
	t.Helper()
	out, err := startCopy(c, t, point, srcVault, dstVaultArn, mod)
	if err != nil {
		t.Fatalf("StartCopyJob: %v", err)
	}
	return aws.ToString(out.CopyJobId)
}

// completedBackup backs up resource into vault and advances the clock until it completes.
func completedBackup(t *testing.T, s *emulatortest.Server, c *backup.Client, vault, resource string) *backup.DescribeBackupJobOutput {
	t.Helper()
	out := mustBackup(t, c, vault, resource)
	s.Emulator.Advance(2 * time.Minute)
	j := backupJob(t, c, out.BackupJobId)
	if j.State != types.BackupJobStateCompleted {
		t.Fatalf("backup job %s is %s after 2 minutes, want COMPLETED", aws.ToString(j.BackupJobId), j.State)
	}
	return j
}

// wantAPIError asserts err is an AWS error with code and HTTP status.
func wantAPIError(t *testing.T, err error, code string, status int) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s (%d)", code, status)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want API error %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("got error code %s (%v), want %s", ae.ErrorCode(), err, code)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("error %v carries no HTTP response", err)
	}
	if re.HTTPStatusCode() != status {
		t.Fatalf("%s: got HTTP %d, want %d", code, re.HTTPStatusCode(), status)
	}
	if re.ServiceRequestID() == "" {
		t.Fatalf("%s: response has no x-amzn-requestid", code)
	}
}

// noRetry makes a client surface the first error instead of retrying it.
func noRetry(o *backup.Options) { o.RetryMaxAttempts = 1 }
