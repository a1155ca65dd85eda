package emulator_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
)

// An emulator on the wall clock that is restarted from its state file resumes at the
// wall clock: a recovery point whose life ran out while it was down is gone on the first
// call. A pinned clock resumes where it stood.
func TestRestartedWallClockEmulatorResumesAtTheWallClock(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	// The first run took place two days ago.
	first := emulatortest.Start(t, emulator.Config{StateFile: file, StartTime: time.Now().Add(-48 * time.Hour)})
	c := first.Client(east)
	mustVault(t, c, "src", "")
	out, err := c.StartBackupJob(ctx(t), &backup.StartBackupJobInput{
		BackupVaultName: aws.String("src"), ResourceArn: aws.String(volume), IamRoleArn: aws.String(role),
		Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(1)}})
	if err != nil {
		t.Fatal(err)
	}
	first.Emulator.Advance(2 * time.Minute)
	if j := backupJob(t, c, out.BackupJobId); j.State != types.BackupJobStateCompleted {
		t.Fatalf("backup is %s, want COMPLETED", j.State)
	}
	stoppedAt := first.Emulator.Now()
	if err := first.Emulator.Save(); err != nil {
		t.Fatal(err)
	}
	saved, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	copyOf := func() string {
		f := filepath.Join(t.TempDir(), "state.json")
		if err := os.WriteFile(f, saved, 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}

	pinned := emulatortest.Start(t, emulator.Config{StateFile: copyOf(), StartTime: stoppedAt})
	if now := pinned.Emulator.Now(); now.Sub(stoppedAt) > time.Minute {
		t.Errorf("pinned clock resumed at %s, want where it stood (%s)", now, stoppedAt)
	}
	if _, err := pinned.Client(east).DescribeRecoveryPoint(ctx(t), &backup.DescribeRecoveryPointInput{
		BackupVaultName: aws.String("src"), RecoveryPointArn: out.RecoveryPointArn}); err != nil {
		t.Errorf("pinned clock: the point is gone: %v", err)
	}

	wall := emulatortest.Start(t, emulator.Config{StateFile: copyOf()})
	if d := time.Since(wall.Emulator.Now()); d < -time.Minute || d > time.Minute {
		t.Errorf("wall clock emulator resumed at %s, %s from the wall clock", wall.Emulator.Now(), d)
	}
	_, err = wall.Client(east).DescribeRecoveryPoint(ctx(t), &backup.DescribeRecoveryPointInput{
		BackupVaultName: aws.String("src"), RecoveryPointArn: out.RecoveryPointArn})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("a point whose one-day life ended while the emulator was down: %v, want ResourceNotFoundException", err)
	}
}
