package emulator_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/emulator"
)

// A copy of a copy, as AWS keeps it: the copy in eu-west-1 keeps the original resource
// ARN (a us-east-1 volume), its own copy to ap-south-1 is started and described in
// eu-west-1 with the eu-west-1 vault as its source, and the ap-south-1 copy names the
// same resource and the eu-west-1 vault it was copied from. us-east-1 knows nothing of
// the eu-west-1 copy.
func TestCopyOfACopyKeepsTheResourceAndNamesItsOwnSource(t *testing.T) {
	s := start(t, emulator.Config{CopyBandwidth: 1 << 30})
	src, mid, far := s.Client(east), s.Client(west), s.Client(south)
	mustVault(t, src, "src", "")
	midArn := mustVault(t, mid, "mid", "")
	farArn := mustVault(t, far, "far", "")

	b := completedBackup(t, s, src, "src", volume)
	first := mustCopy(t, src, aws.ToString(b.RecoveryPointArn), "src", midArn, nil)
	s.Emulator.Advance(time.Hour)
	j1 := copyJob(t, src, &first)
	if j1.State != types.CopyJobStateCompleted {
		t.Fatalf("first copy is %s", j1.State)
	}
	copyInWest := aws.ToString(j1.DestinationRecoveryPointArn)
	point := func(c *backup.Client, vault, arn string) *backup.DescribeRecoveryPointOutput {
		t.Helper()
		out, err := c.DescribeRecoveryPoint(ctx(t), &backup.DescribeRecoveryPointInput{BackupVaultName: aws.String(vault), RecoveryPointArn: aws.String(arn)})
		if err != nil {
			t.Fatalf("DescribeRecoveryPoint %s: %v", arn, err)
		}
		return out
	}
	if p := point(mid, "mid", copyInWest); aws.ToString(p.ResourceArn) != volume || aws.ToString(p.SourceBackupVaultArn) != vaultArn(east, "src") {
		t.Errorf("the eu-west-1 copy names resource %s and source vault %s", aws.ToString(p.ResourceArn), aws.ToString(p.SourceBackupVaultArn))
	}

	// The eu-west-1 copy is not a recovery point of us-east-1.
	_, err := startCopy(src, t, copyInWest, "src", farArn, func(in *backup.StartCopyJobInput) { in.IdempotencyToken = aws.String("from-east") })
	wantAPIError(t, err, "ResourceNotFoundException", 400)

	second := mustCopy(t, mid, copyInWest, "mid", farArn, nil)
	s.Emulator.Advance(time.Hour)
	j2 := copyJob(t, mid, &second)
	switch {
	case j2.State != types.CopyJobStateCompleted:
		t.Fatalf("second copy is %s", j2.State)
	case aws.ToString(j2.ResourceArn) != volume, aws.ToString(j2.SourceRecoveryPointArn) != copyInWest,
		aws.ToString(j2.SourceBackupVaultArn) != midArn:
		t.Errorf("second copy job: resource %s, source %s in %s", aws.ToString(j2.ResourceArn), aws.ToString(j2.SourceRecoveryPointArn), aws.ToString(j2.SourceBackupVaultArn))
	}
	if _, err := src.DescribeCopyJob(ctx(t), &backup.DescribeCopyJobInput{CopyJobId: &second}); err == nil {
		t.Error("the eu-west-1 copy job is described in us-east-1")
	}
	if p := point(far, "far", aws.ToString(j2.DestinationRecoveryPointArn)); aws.ToString(p.ResourceArn) != volume || aws.ToString(p.SourceBackupVaultArn) != midArn {
		t.Errorf("the ap-south-1 copy names resource %s and source vault %s", aws.ToString(p.ResourceArn), aws.ToString(p.SourceBackupVaultArn))
	}
}
