package emulator_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
)

// The vault index answers what a scan of every point did: a copy is incremental only on
// its own resource's copy in the same vault, a vault lists and counts its own points,
// deleted points leave it, and a vault with points cannot be deleted, before and after
// a restart from the state file; copy jobs are listed newest first from their Region's
// own list.
func TestVaultIndexAnswersAsAScan(t *testing.T) {
	stateFile := filepath.Join(t.TempDir(), "state.json")
	s := start(t, emulator.Config{CopyBandwidth: 1 << 40, BackupBandwidth: 1 << 40, StateFile: stateFile})
	src, dst := s.Client(east), s.Client(west)
	mustVault(t, src, "src", "")
	mustVault(t, dst, "dst", "")
	mustVault(t, dst, "other", "")
	copyOf := func(s *emulatortest.Server, resource, vault string) string {
		t.Helper()
		b := completedBackup(t, s, s.Client(east), "src", resource)
		id := mustCopy(t, s.Client(east), aws.ToString(b.RecoveryPointArn), "src", vaultArn(west, vault), nil)
		s.Emulator.Advance(2 * time.Minute)
		return aws.ToString(copyJob(t, s.Client(east), aws.String(id)).DestinationRecoveryPointArn)
	}
	first := copyOf(s, volume, "dst")
	copyOf(s, volume2, "other") // another resource's copy in another vault is no base
	before := s.Emulator.Counters().FullCopies
	copyOf(s, volume2, "dst")
	if s.Emulator.Counters().FullCopies != before+1 {
		t.Fatal("the first copy of volume2 into dst was incremental on another resource's or vault's copy")
	}
	before = s.Emulator.Counters().IncrementalCopies
	copyOf(s, volume, "dst")
	if s.Emulator.Counters().IncrementalCopies != before+1 {
		t.Fatal("the second copy of volume into dst was not incremental")
	}
	check := func(c *backup.Client, vault string, want int, resource string, wantOfResource int) {
		t.Helper()
		all, err := c.ListRecoveryPointsByBackupVault(ctx(t), &backup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(vault)})
		if err != nil || len(all.RecoveryPoints) != want {
			t.Fatalf("%s lists %d points (%v), want %d", vault, len(all.RecoveryPoints), err, want)
		}
		one, err := c.ListRecoveryPointsByBackupVault(ctx(t), &backup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(vault), ByResourceArn: aws.String(resource)})
		if err != nil || len(one.RecoveryPoints) != wantOfResource {
			t.Fatalf("%s lists %d points of %s (%v), want %d", vault, len(one.RecoveryPoints), resource, err, wantOfResource)
		}
		d, err := c.DescribeBackupVault(ctx(t), &backup.DescribeBackupVaultInput{BackupVaultName: aws.String(vault)})
		if err != nil || d.NumberOfRecoveryPoints != int64(want) {
			t.Fatalf("%s describes %d points (%v), want %d", vault, d.NumberOfRecoveryPoints, err, want)
		}
	}
	check(dst, "dst", 3, volume, 2)
	check(dst, "other", 1, volume, 0)
	if _, err := dst.DeleteRecoveryPoint(ctx(t), &backup.DeleteRecoveryPointInput{BackupVaultName: aws.String("dst"), RecoveryPointArn: aws.String(first)}); err != nil {
		t.Fatal(err)
	}
	check(dst, "dst", 2, volume, 1)
	_, err := dst.DeleteBackupVault(ctx(t), &backup.DeleteBackupVaultInput{BackupVaultName: aws.String("other")}, noRetry)
	wantAPIError(t, err, "InvalidRequestException", 400)

	if err := s.Emulator.Close(); err != nil {
		t.Fatal(err)
	}
	again := start(t, emulator.Config{CopyBandwidth: 1 << 40, BackupBandwidth: 1 << 40, StateFile: stateFile})
	check(again.Client(west), "dst", 2, volume, 1)
	before = again.Emulator.Counters().IncrementalCopies
	copyOf(again, volume, "dst")
	if again.Emulator.Counters().IncrementalCopies != before+1 {
		t.Fatal("after a restart, a copy was not incremental on the copy still in the vault")
	}
	check(again.Client(west), "dst", 3, volume, 2)

	// Copy jobs are listed newest first from the Region's own list, restart or not.
	jobs, err := again.Client(east).ListCopyJobs(ctx(t), &backup.ListCopyJobsInput{})
	if err != nil || len(jobs.CopyJobs) != 5 {
		t.Fatalf("ListCopyJobs: %d jobs (%v), want 5", len(jobs.CopyJobs), err)
	}
	for i := 1; i < len(jobs.CopyJobs); i++ {
		if aws.ToTime(jobs.CopyJobs[i].CreationDate).After(aws.ToTime(jobs.CopyJobs[i-1].CreationDate)) {
			t.Errorf("copy job %d is newer than the one listed before it", i)
		}
	}
	if inWest, err := again.Client(west).ListCopyJobs(ctx(t), &backup.ListCopyJobsInput{}); err != nil || len(inWest.CopyJobs) != 0 {
		t.Errorf("%s lists %d copy jobs (%v), want none: jobs are listed in their source Region", west, len(inWest.CopyJobs), err)
	}
}
