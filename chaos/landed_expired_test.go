package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/devstack"
	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
)

// An EXPIRED_ON_LANDING record passes only when the emulator's copy job completed at or
// after the DeleteAt computed from the record's source creation date and lifecycle.
func TestLandedExpiredProblemComparesJobCompletionWithDeleteAt(t *testing.T) {
	emu, err := devstack.StartEmulator(emulator.Config{Seed: 1}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Stop() })
	ctx := context.Background()
	for _, r := range append([]string{sourceRegion}, destinationRegions...) {
		if _, err := emu.Client(r).CreateBackupVault(ctx, &backup.CreateBackupVaultInput{BackupVaultName: aws.String(vaultName)}); err != nil {
			t.Fatal(err)
		}
	}
	vol := volumeArn(0)
	if err := emu.Emulator.SeedResources([]emulator.ResourceSeed{{ResourceArn: vol, SizeBytes: 1 << 20, DailyWriteRate: dailyWriteRate}}); err != nil {
		t.Fatal(err)
	}
	c := emu.Client(sourceRegion)
	b, err := c.StartBackupJob(ctx, &backup.StartBackupJobInput{BackupVaultName: aws.String(vaultName),
		ResourceArn: aws.String(vol), IamRoleArn: aws.String(iamRole), IdempotencyToken: aws.String("backup")})
	if err != nil {
		t.Fatal(err)
	}
	emu.Emulator.Advance(time.Hour)
	bj, err := c.DescribeBackupJob(ctx, &backup.DescribeBackupJobInput{BackupJobId: b.BackupJobId})
	if err != nil || bj.State != types.BackupJobStateCompleted {
		t.Fatalf("backup job: %v, %v", bj.State, err)
	}
	src, created := aws.ToString(bj.RecoveryPointArn), aws.ToTime(bj.CreationDate)

	// copy starts a copy job with a one-day lifecycle and lets it finish.
	copy := func(token string) string {
		out, err := c.StartCopyJob(ctx, &backup.StartCopyJobInput{SourceBackupVaultName: aws.String(vaultName),
			RecoveryPointArn: aws.String(src), DestinationBackupVaultArn: aws.String(vaultArn(destinationRegions[0])),
			IamRoleArn: aws.String(iamRole), IdempotencyToken: aws.String(token),
			Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(1)}})
		if err != nil {
			t.Fatal(err)
		}
		emu.Emulator.Advance(time.Hour)
		return aws.ToString(out.CopyJobId)
	}
	inTime := copy("in-time")
	emu.Emulator.Advance(48 * time.Hour)
	late := copy("late")

	v := &verifier{w: &workload{emu: emu}}
	rec := func(job string, days int64) model.CopyRecord {
		return model.CopyRecord{SourceRecoveryPointArn: src, SourceCreationDate: created, CopyJobId: job,
			State: model.RecordExpiredOnLanding, Lifecycle: model.Lifecycle{DeleteAfterDays: days}}
	}
	for _, tc := range []struct {
		name string
		rec  model.CopyRecord
		want string // "" when justified, else a word of the problem
	}{
		{"job completed after DeleteAt", rec(late, 1), ""},
		{"job completed before DeleteAt", rec(inTime, 1), "before the copy's DeleteAt"},
		{"lifecycle long enough for the late job", rec(late, 35), "before the copy's DeleteAt"},
		{"no lifecycle", rec(late, 0), "never expires"},
		{"no job id", rec("", 1), "no copy job id"},
	} {
		got, err := v.landedExpiredProblem(ctx, tc.rec)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: problem %q, want one containing %q", tc.name, got, tc.want)
		}
	}
}
