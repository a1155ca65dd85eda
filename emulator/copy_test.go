package emulator_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/emulator"
)

// TestCopyFullThenIncremental walks the path regioncopy depends on: a full first copy, an
// incremental second one moving exactly the change, and a full one again once the base is
// gone. Each copy is re-encrypted with the destination vault's key and keeps the source's
// creation date.
func TestCopyFullThenIncremental(t *testing.T) {
	s := start(t, emulator.Config{CopyBandwidth: 64 << 20})
	src, dst := s.Client(east), s.Client(west)
	mustVault(t, src, "src", "")
	dstArn := mustVault(t, dst, "dst", westKey)

	b1 := completedBackup(t, s, src, "src", volume)
	s.Emulator.Advance(3 * time.Hour)
	life := &types.Lifecycle{DeleteAfterDays: aws.Int64(35)}
	id := mustCopy(t, src, aws.ToString(b1.RecoveryPointArn), "src", dstArn, func(in *backup.StartCopyJobInput) { in.Lifecycle = life })
	j := copyJob(t, src, &id)
	if j.State != types.CopyJobStateRunning || aws.ToString(j.ResourceArn) != volume || aws.ToString(j.SourceRecoveryPointArn) != aws.ToString(b1.RecoveryPointArn) {
		t.Fatalf("new copy job %+v", j)
	}
	// 8 GiB at 64 MiB/s: 128 s.
	s.Emulator.Advance(127 * time.Second)
	if j := copyJob(t, src, &id); j.State != types.CopyJobStateRunning {
		t.Fatalf("copy job is %s after 127 s of a 128 s transfer", j.State)
	}
	s.Emulator.Advance(2 * time.Second)
	j = copyJob(t, src, &id)
	if j.State != types.CopyJobStateCompleted || j.CompletionDate == nil {
		t.Fatalf("copy job is %s after 129 s, want COMPLETED", j.State)
	}
	if aws.ToString(j.DestinationEncryptionKeyArn) != westKey {
		t.Errorf("DestinationEncryptionKeyArn %s, want the destination vault's key", aws.ToString(j.DestinationEncryptionKeyArn))
	}
	c := s.Emulator.Counters()
	if c.BytesTransferred[east+">"+west] != fullSize || c.FullCopies != 1 || c.IncrementalCopies != 0 {
		t.Fatalf("first copy counters: %+v", c)
	}

	list, err := dst.ListRecoveryPointsByBackupVault(ctx(t), &backup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("dst")})
	if err != nil || len(list.RecoveryPoints) != 1 {
		t.Fatalf("destination vault lists %v, %v", list, err)
	}
	rp := list.RecoveryPoints[0]
	switch {
	case aws.ToString(rp.RecoveryPointArn) != aws.ToString(j.DestinationRecoveryPointArn):
		t.Errorf("listed %s, job made %s", aws.ToString(rp.RecoveryPointArn), aws.ToString(j.DestinationRecoveryPointArn))
	case aws.ToString(rp.EncryptionKeyArn) != westKey:
		t.Errorf("copy encrypted with %s, want %s", aws.ToString(rp.EncryptionKeyArn), westKey)
	case !rp.CreationDate.Equal(*b1.CreationDate) && !rp.CreationDate.Equal(*b1.InitiationDate):
		t.Errorf("copy CreationDate %v, want the source's %v", rp.CreationDate, b1.InitiationDate)
	case aws.ToString(rp.SourceBackupVaultArn) != vaultArn(east, "src"):
		t.Errorf("SourceBackupVaultArn %s", aws.ToString(rp.SourceBackupVaultArn))
	case rp.CalculatedLifecycle == nil || !rp.CalculatedLifecycle.DeleteAt.Equal(rp.CreationDate.Add(35*24*time.Hour)):
		t.Errorf("CalculatedLifecycle %+v, want DeleteAt 35 days after the source's creation", rp.CalculatedLifecycle)
	case rp.Lifecycle == nil || aws.ToInt64(rp.Lifecycle.DeleteAfterDays) != 35:
		t.Errorf("Lifecycle %+v", rp.Lifecycle)
	}

	// A day later: back up again and copy; only the change moves.
	s.Emulator.Advance(24 * time.Hour)
	b2 := completedBackup(t, s, src, "src", volume)
	change := aws.ToInt64(b2.BytesTransferred)
	if change <= 0 || change >= fullSize/10 {
		t.Fatalf("a day's change of an 8 GiB volume at 5%%/day is %d bytes", change)
	}
	id2 := mustCopy(t, src, aws.ToString(b2.RecoveryPointArn), "src", dstArn, nil)
	s.Emulator.Advance(time.Hour)
	if j := copyJob(t, src, &id2); j.State != types.CopyJobStateCompleted {
		t.Fatalf("second copy is %s", j.State)
	}
	c = s.Emulator.Counters()
	if got := c.BytesTransferred[east+">"+west]; got != fullSize+change || c.IncrementalCopies != 1 {
		t.Fatalf("second copy moved %d bytes (incremental %d), want exactly the change %d", got-fullSize, c.IncrementalCopies, change)
	}
	if c.RecoveryPointsPerVault[dstArn] != 2 {
		t.Errorf("RecoveryPointsPerVault[dst] = %d", c.RecoveryPointsPerVault[dstArn])
	}

	// Delete both copies: the next copy has no base and is full again.
	out, err := dst.ListRecoveryPointsByBackupVault(ctx(t), &backup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("dst")})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range out.RecoveryPoints {
		if _, err := dst.DeleteRecoveryPoint(ctx(t), &backup.DeleteRecoveryPointInput{BackupVaultName: aws.String("dst"), RecoveryPointArn: p.RecoveryPointArn}); err != nil {
			t.Fatal(err)
		}
	}
	mustCopy(t, src, aws.ToString(b2.RecoveryPointArn), "src", dstArn, nil)
	s.Emulator.Advance(time.Hour)
	c = s.Emulator.Counters()
	if c.FullCopies != 2 || c.BytesTransferred[east+">"+west] != 2*fullSize+change {
		t.Fatalf("copy after deleting the base: full %d bytes %d", c.FullCopies, c.BytesTransferred[east+">"+west])
	}
}

// TestChangeFallsOnAHotSet checks the change model: the change between two backups a day
// apart is less than the sum of the hourly changes in between.
func TestChangeFallsOnAHotSet(t *testing.T) {
	s := start(t, emulator.Config{DefaultDailyWriteRate: 0.5})
	c := s.Client(east)
	mustVault(t, c, "vault", "")
	completedBackup(t, s, c, "vault", volume)
	completedBackup(t, s, c, "vault", volume2)
	var hourly int64
	for range 24 {
		s.Emulator.Advance(time.Hour - 2*time.Minute)
		hourly += aws.ToInt64(completedBackup(t, s, c, "vault", volume).BytesTransferred)
	}
	daily := aws.ToInt64(completedBackup(t, s, c, "vault", volume2).BytesTransferred)
	if daily <= 0 || daily >= hourly {
		t.Fatalf("daily change %d, sum of hourly changes %d: want 0 < daily < hourly sum", daily, hourly)
	}
	// Half the volume is written per day, but writes concentrate on the hot set: far less
	// than half of it changes.
	if daily >= fullSize/4 {
		t.Errorf("daily change %d of %d bytes ignores the hot set", daily, fullSize)
	}
}

func TestCopyRules(t *testing.T) {
	s := start(t, emulator.Config{})
	east, west := s.Client(east, noRetry), s.Client(west)
	mustVault(t, east, "src", "")
	dstArn := mustVault(t, west, "dst", "")
	b := completedBackup(t, s, east, "src", volume)
	point := aws.ToString(b.RecoveryPointArn)

	_, err := startCopy(east, t, point, "src", vaultArn("eu-west-1", "missing"), nil)
	wantAPIError(t, err, "AccessDeniedException", 403)
	_, err = startCopy(east, t, point, "nope", dstArn, nil)
	wantAPIError(t, err, "ResourceNotFoundException", 400)
	_, err = startCopy(east, t, "arn:aws:ec2:us-east-1::snapshot/snap-00000000000000000", "src", dstArn, nil)
	wantAPIError(t, err, "ResourceNotFoundException", 400)
	_, err = startCopy(east, t, point, "src", "not-an-arn", nil)
	wantAPIError(t, err, "InvalidParameterValueException", 400)
	_, err = startCopy(east, t, point, "src", dstArn, func(in *backup.StartCopyJobInput) {
		in.Lifecycle = &types.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(30), DeleteAfterDays: aws.Int64(60)}
	})
	wantAPIError(t, err, "InvalidParameterValueException", 400)

	dynamo := "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
	bd := completedBackup(t, s, east, "src", dynamo)
	_, err = startCopy(east, t, aws.ToString(bd.RecoveryPointArn), "src", dstArn, nil)
	wantAPIError(t, err, "InvalidRequestException", 400)
	// The same DynamoDB point may be copied within its Region.
	mustVault(t, east, "local", "")
	mustCopy(t, east, aws.ToString(bd.RecoveryPointArn), "src", vaultArn("us-east-1", "local"), nil)

	blocked := s.Client("me-south-1")
	mustVault(t, blocked, "far", "")
	_, err = startCopy(east, t, point, "src", vaultArn("me-south-1", "far"), nil)
	wantAPIError(t, err, "InvalidRequestException", 400)
}

func TestColdRecoveryPointCannotBeCopied(t *testing.T) {
	s := start(t, emulator.Config{})
	east, west := s.Client(east, noRetry), s.Client(west)
	mustVault(t, east, "src", "")
	dstArn := mustVault(t, west, "dst", "")
	efs := "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0"
	out, err := east.StartBackupJob(ctx(t), &backup.StartBackupJobInput{BackupVaultName: aws.String("src"),
		ResourceArn: aws.String(efs), IamRoleArn: aws.String(role),
		Lifecycle: &types.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(1), DeleteAfterDays: aws.Int64(91)}})
	if err != nil {
		t.Fatal(err)
	}
	s.Emulator.Advance(49 * time.Hour)
	rp, err := east.DescribeRecoveryPoint(ctx(t), &backup.DescribeRecoveryPointInput{BackupVaultName: aws.String("src"), RecoveryPointArn: out.RecoveryPointArn})
	if err != nil {
		t.Fatal(err)
	}
	if rp.StorageClass != types.StorageClassCold || rp.CalculatedLifecycle.MoveToColdStorageAt == nil {
		t.Fatalf("EFS point after 2 days: storage class %s lifecycle %+v", rp.StorageClass, rp.CalculatedLifecycle)
	}
	_, err = startCopy(east, t, aws.ToString(out.RecoveryPointArn), "src", dstArn, nil)
	wantAPIError(t, err, "InvalidRequestException", 400)

	// EBS ignores the cold-storage setting: it stays WARM.
	ebs, err := east.StartBackupJob(ctx(t), &backup.StartBackupJobInput{BackupVaultName: aws.String("src"),
		ResourceArn: aws.String(volume), IamRoleArn: aws.String(role),
		Lifecycle: &types.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(1), DeleteAfterDays: aws.Int64(91)}})
	if err != nil {
		t.Fatal(err)
	}
	s.Emulator.Advance(49 * time.Hour)
	rp, err = east.DescribeRecoveryPoint(ctx(t), &backup.DescribeRecoveryPointInput{BackupVaultName: aws.String("src"), RecoveryPointArn: ebs.RecoveryPointArn})
	if err != nil {
		t.Fatal(err)
	}
	if rp.StorageClass != types.StorageClassWarm || rp.CalculatedLifecycle.MoveToColdStorageAt != nil {
		t.Fatalf("EBS point: storage class %s, calculated %+v", rp.StorageClass, rp.CalculatedLifecycle)
	}
}
