package emulator_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/emulator"
)

// TestOneActiveJobPerResource: copies of one resource to two Regions run one after the
// other, the second waiting in CREATED, as AWS queues them.
func TestOneActiveJobPerResource(t *testing.T) {
	s := start(t, emulator.Config{CopyBandwidth: 64 << 20})
	src := s.Client(east)
	mustVault(t, src, "src", "")
	westArn := mustVault(t, s.Client(west), "dst", "")
	southArn := mustVault(t, s.Client(south), "dst", "")
	b := completedBackup(t, s, src, "src", volume)
	first := mustCopy(t, src, aws.ToString(b.RecoveryPointArn), "src", westArn, nil)
	second := mustCopy(t, src, aws.ToString(b.RecoveryPointArn), "src", southArn, nil)
	if st := copyJob(t, src, &first).State; st != types.CopyJobStateRunning {
		t.Fatalf("first copy %s, want RUNNING", st)
	}
	if st := copyJob(t, src, &second).State; st != types.CopyJobStateCreated {
		t.Fatalf("second copy of the same resource %s, want CREATED while the first runs", st)
	}
	// A backup of the same resource queues too.
	bj := mustBackup(t, src, "src", volume)
	if st := backupJob(t, src, bj.BackupJobId).State; st != types.BackupJobStateCreated {
		t.Fatalf("backup during a copy is %s, want CREATED", st)
	}
	s.Emulator.Advance(129 * time.Second) // the first copy ends; the second starts then
	if st := copyJob(t, src, &first).State; st != types.CopyJobStateCompleted {
		t.Fatalf("first copy %s", st)
	}
	if st := copyJob(t, src, &second).State; st != types.CopyJobStateRunning {
		t.Fatalf("second copy %s after the first ended, want RUNNING", st)
	}
	s.Emulator.Advance(129 * time.Second)
	j := copyJob(t, src, &second)
	if j.State != types.CopyJobStateCompleted {
		t.Fatalf("second copy %s", j.State)
	}
	// It started when the first ended (exactly), so it ended 128 s later.
	firstEnd := copyJob(t, src, &first).CompletionDate
	if got := j.CompletionDate.Sub(*firstEnd); got != 128*time.Second {
		t.Errorf("second copy took %v after the first ended, want 128s", got)
	}
	s.Emulator.Advance(time.Hour)
	if st := backupJob(t, src, bj.BackupJobId).State; st != types.BackupJobStateCompleted {
		t.Fatalf("queued backup %s", st)
	}
}

// TestBackupThatCannotStartInItsWindowExpires: a backup queued behind a long job past its
// start window ends EXPIRED.
func TestBackupThatCannotStartInItsWindowExpires(t *testing.T) {
	s := start(t, emulator.Config{BackupBandwidth: 1 << 20}) // a full 8 GiB backup takes ~2.3 h
	c := s.Client(east)
	mustVault(t, c, "src", "")
	long := mustBackup(t, c, "src", volume)
	out, err := c.StartBackupJob(ctx(t), &backup.StartBackupJobInput{BackupVaultName: aws.String("src"),
		ResourceArn: aws.String(volume), IamRoleArn: aws.String(role), StartWindowMinutes: aws.Int64(60)})
	if err != nil {
		t.Fatal(err)
	}
	s.Emulator.Advance(3 * time.Hour)
	if st := backupJob(t, c, long.BackupJobId).State; st != types.BackupJobStateCompleted {
		t.Fatalf("long backup %s", st)
	}
	j := backupJob(t, c, out.BackupJobId)
	if j.State != types.BackupJobStateExpired || aws.ToString(j.StatusMessage) == "" {
		t.Fatalf("queued backup %s (%q), want EXPIRED with a reason", j.State, aws.ToString(j.StatusMessage))
	}
}

// TestCopyQuotaPerDestinationRegion: beyond the quota, copies wait in CREATED.
func TestCopyQuotaPerDestinationRegion(t *testing.T) {
	s := start(t, emulator.Config{CopyQuota: 2, CopyBandwidth: 64 << 20})
	src := s.Client(east)
	mustVault(t, src, "src", "")
	dstArn := mustVault(t, s.Client(west), "dst", "")
	southArn := mustVault(t, s.Client(south), "dst", "")
	var points []string
	for i := range 4 {
		res := fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-%017x", i+1)
		points = append(points, aws.ToString(completedBackup(t, s, src, "src", res).RecoveryPointArn))
	}
	var ids []string
	for _, p := range points[:3] {
		ids = append(ids, mustCopy(t, src, p, "src", dstArn, nil))
	}
	states := func() []types.CopyJobState {
		var out []types.CopyJobState
		for _, id := range ids {
			out = append(out, copyJob(t, src, &id).State)
		}
		return out
	}
	if got := states(); got[0] != "RUNNING" || got[1] != "RUNNING" || got[2] != "CREATED" {
		t.Fatalf("with a quota of 2: %v", got)
	}
	// Another destination Region has its own quota.
	other := mustCopy(t, src, points[3], "src", southArn, nil)
	if st := copyJob(t, src, &other).State; st != types.CopyJobStateRunning {
		t.Fatalf("copy to another Region %s", st)
	}
	s.Emulator.Advance(129 * time.Second)
	if got := states(); got[0] != "COMPLETED" || got[1] != "COMPLETED" || got[2] != "RUNNING" {
		t.Fatalf("after the first two: %v", got)
	}
}

func TestIdempotencyToken(t *testing.T) {
	s := start(t, emulator.Config{})
	src := s.Client(east, noRetry)
	mustVault(t, src, "src", "")
	dstArn := mustVault(t, s.Client(west), "dst", "")
	b := completedBackup(t, s, src, "src", volume)
	tok := func(in *backup.StartCopyJobInput) { in.IdempotencyToken = aws.String("wf-1/eu-west-1") }
	first := mustCopy(t, src, aws.ToString(b.RecoveryPointArn), "src", dstArn, tok)
	again := mustCopy(t, src, aws.ToString(b.RecoveryPointArn), "src", dstArn, tok)
	if first != again {
		t.Fatalf("repeated token started a second job: %s then %s", first, again)
	}
	_, err := startCopy(src, t, aws.ToString(b.RecoveryPointArn), "src", dstArn, func(in *backup.StartCopyJobInput) {
		tok(in)
		in.Lifecycle = &types.Lifecycle{DeleteAfterDays: aws.Int64(7)}
	})
	wantAPIError(t, err, "InvalidRequestException", 400)
	c := s.Emulator.Counters()
	if c.StartCopyJobCalls["wf-1/eu-west-1"] != 3 || c.CopyJobsPerToken["wf-1/eu-west-1"] != 1 || c.CopyJobs != 1 {
		t.Fatalf("counters: calls %v jobs %v total %d", c.StartCopyJobCalls, c.CopyJobsPerToken, c.CopyJobs)
	}
	// Backups honour tokens too.
	in := &backup.StartBackupJobInput{BackupVaultName: aws.String("src"), ResourceArn: aws.String(volume2),
		IamRoleArn: aws.String(role), IdempotencyToken: aws.String("backup-1")}
	o1, err := src.StartBackupJob(ctx(t), in)
	if err != nil {
		t.Fatal(err)
	}
	o2, err := src.StartBackupJob(ctx(t), in)
	if err != nil || aws.ToString(o1.BackupJobId) != aws.ToString(o2.BackupJobId) {
		t.Fatalf("repeated backup token: %v %v, %v", o1.BackupJobId, o2.BackupJobId, err)
	}
}

// TestRecoveryPointsExpireOnTheEmulatorClock: lifecycle counts from the creation date, which
// a copy inherits from its source.
func TestRecoveryPointsExpireOnTheEmulatorClock(t *testing.T) {
	s := start(t, emulator.Config{})
	src, dst := s.Client(east), s.Client(west)
	mustVault(t, src, "src", "")
	dstArn := mustVault(t, dst, "dst", "")
	out, err := src.StartBackupJob(ctx(t), &backup.StartBackupJobInput{BackupVaultName: aws.String("src"),
		ResourceArn: aws.String(volume), IamRoleArn: aws.String(role), Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(20)}})
	if err != nil {
		t.Fatal(err)
	}
	s.Emulator.Advance(10 * 24 * time.Hour)
	id := mustCopy(t, src, aws.ToString(out.RecoveryPointArn), "src", dstArn, func(in *backup.StartCopyJobInput) {
		in.Lifecycle = &types.Lifecycle{DeleteAfterDays: aws.Int64(12)}
	})
	s.Emulator.Advance(time.Hour)
	j := copyJob(t, src, &id)
	if j.State != types.CopyJobStateCompleted {
		t.Fatalf("copy %s", j.State)
	}
	rp, err := dst.DescribeRecoveryPoint(ctx(t), &backup.DescribeRecoveryPointInput{BackupVaultName: aws.String("dst"), RecoveryPointArn: j.DestinationRecoveryPointArn})
	if err != nil {
		t.Fatal(err)
	}
	// The copy's 12 days count from the source's creation, ten days ago: two days left.
	s.Emulator.Advance(45 * time.Hour)
	if _, err := dst.DescribeRecoveryPoint(ctx(t), &backup.DescribeRecoveryPointInput{BackupVaultName: aws.String("dst"), RecoveryPointArn: j.DestinationRecoveryPointArn}); err != nil {
		t.Fatalf("copy gone before its DeleteAt %v: %v", rp.CalculatedLifecycle.DeleteAt, err)
	}
	s.Emulator.Advance(4 * time.Hour)
	_, err = dst.DescribeRecoveryPoint(ctx(t), &backup.DescribeRecoveryPointInput{BackupVaultName: aws.String("dst"), RecoveryPointArn: j.DestinationRecoveryPointArn})
	wantAPIError(t, err, "ResourceNotFoundException", 400)
	// The source, kept 20 days, is still there; extending its lifecycle keeps it longer.
	up, err := src.UpdateRecoveryPointLifecycle(ctx(t), &backup.UpdateRecoveryPointLifecycleInput{BackupVaultName: aws.String("src"),
		RecoveryPointArn: out.RecoveryPointArn, Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(30)}})
	if err != nil {
		t.Fatal(err)
	}
	if up.CalculatedLifecycle == nil || up.CalculatedLifecycle.DeleteAt.Sub(*rp.CreationDate) != 30*24*time.Hour {
		t.Fatalf("UpdateRecoveryPointLifecycle calculated %+v", up.CalculatedLifecycle)
	}
	s.Emulator.Advance(17 * 24 * time.Hour) // 29 days and 2 hours after creation
	if _, err := src.DescribeRecoveryPoint(ctx(t), &backup.DescribeRecoveryPointInput{BackupVaultName: aws.String("src"), RecoveryPointArn: out.RecoveryPointArn}); err != nil {
		t.Fatalf("source expired despite its extended lifecycle: %v", err)
	}
	s.Emulator.Advance(24 * time.Hour)
	if n := s.Emulator.Counters().RecoveryPointsPerVault[vaultArn(east, "src")]; n != 0 {
		t.Fatalf("source vault holds %d points after 31 days, want 0", n)
	}
}

func TestDeleteAfterCopyRemovesTheSource(t *testing.T) {
	s := start(t, emulator.Config{})
	src := s.Client(east)
	mustVault(t, src, "src", "")
	dstArn := mustVault(t, s.Client(west), "dst", "")
	out, err := src.StartBackupJob(ctx(t), &backup.StartBackupJobInput{BackupVaultName: aws.String("src"),
		ResourceArn: aws.String(volume), IamRoleArn: aws.String(role),
		Lifecycle: &types.Lifecycle{DeleteAfterEvent: types.LifecycleDeleteAfterEventDeleteAfterCopy}})
	if err != nil {
		t.Fatal(err)
	}
	s.Emulator.Advance(time.Hour)
	mustCopy(t, src, aws.ToString(out.RecoveryPointArn), "src", dstArn, nil)
	s.Emulator.Advance(time.Hour)
	_, err = src.DescribeRecoveryPoint(ctx(t), &backup.DescribeRecoveryPointInput{BackupVaultName: aws.String("src"), RecoveryPointArn: out.RecoveryPointArn})
	wantAPIError(t, err, "ResourceNotFoundException", 400)
}
