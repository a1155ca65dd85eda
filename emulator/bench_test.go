package emulator_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
)

// BenchmarkBackupCopyDescribe measures one backup, one copy and one poll per resource while
// the emulator accumulates jobs and points, to keep settling cheap as benchmarks grow.
func BenchmarkBackupCopyDescribe(b *testing.B) {
	b.Run("in memory", func(b *testing.B) { benchmarkBackupCopyDescribe(b, "") })
	b.Run("state file", func(b *testing.B) { benchmarkBackupCopyDescribe(b, filepath.Join(b.TempDir(), "state.json")) })
}

func benchmarkBackupCopyDescribe(b *testing.B, stateFile string) {
	s := emulatortest.Start(b, emulator.Config{StartTime: epoch, CopyBandwidth: 1 << 40, BackupBandwidth: 1 << 40, StateFile: stateFile})
	src := s.Client(east)
	bg := b.Context()
	for region, name := range map[string]string{east: "src", west: "dst"} {
		if _, err := s.Client(region).CreateBackupVault(bg, &backup.CreateBackupVaultInput{BackupVaultName: aws.String(name)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		res := fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-%017x", i+1)
		out, err := src.StartBackupJob(bg, &backup.StartBackupJobInput{BackupVaultName: aws.String("src"), ResourceArn: aws.String(res), IamRoleArn: aws.String(role)})
		if err != nil {
			b.Fatal(err)
		}
		s.Emulator.Advance(time.Minute)
		cp, err := src.StartCopyJob(bg, &backup.StartCopyJobInput{RecoveryPointArn: out.RecoveryPointArn, SourceBackupVaultName: aws.String("src"),
			DestinationBackupVaultArn: aws.String(vaultArn(west, "dst")), IamRoleArn: aws.String(role)})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := src.DescribeCopyJob(bg, &backup.DescribeCopyJobInput{CopyJobId: cp.CopyJobId}); err != nil {
			b.Fatal(err)
		}
	}
}
