package activities

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
)

func TestDescribeRecoveryPointAndVault(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	var rp model.RecoveryPoint
	f.mustRun(t, model.ActDescribeRecoveryPoint, model.DescribeRecoveryPointInput{Region: east, BackupVaultName: srcVault, RecoveryPointArn: f.point}, &rp)
	if rp.Status != "COMPLETED" || rp.ResourceArn != volume || rp.ResourceType != "EBS" || rp.Region != east ||
		rp.BackupVaultArn != vaultArn(east, srcVault) || rp.BackupSizeInBytes <= 0 || rp.StorageClass != "WARM" {
		t.Errorf("recovery point = %+v", rp)
	}
	if rp.CreationDate.Location() != time.UTC || rp.CreationDate.Before(epoch) {
		t.Errorf("CreationDate %v must be a UTC time on the emulator clock", rp.CreationDate)
	}

	var v model.BackupVault
	f.mustRun(t, model.ActDescribeBackupVault, model.DescribeBackupVaultInput{BackupVaultArn: vaultArn(west, dstVault)}, &v)
	if v.Region != west || v.BackupVaultName != dstVault || v.BackupVaultArn != vaultArn(west, dstVault) || v.EncryptionKeyArn == "" {
		t.Errorf("vault = %+v", v)
	}

	err := f.run(model.ActDescribeBackupVault, model.DescribeBackupVaultInput{BackupVaultArn: vaultArn(west, "nope")}, nil)
	wantAppError(t, err, model.ErrNotFound, false, "DescribeBackupVault in eu-west-1", "ResourceNotFoundException")
	err = f.run(model.ActDescribeBackupVault, model.DescribeBackupVaultInput{BackupVaultArn: "vault-dst"}, nil)
	wantAppError(t, err, model.ErrInvalidParameter, false, "BackupVaultArn")
	err = f.run(model.ActDescribeRecoveryPoint, model.DescribeRecoveryPointInput{Region: east, BackupVaultName: srcVault,
		RecoveryPointArn: "arn:aws:ec2:us-east-1::snapshot/snap-00000000000000000"}, nil)
	wantAppError(t, err, model.ErrNotFound, false, "ResourceNotFoundException")
}

func TestStartCopyJobWithSameTokenStartsOneJob(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	first := f.startCopy(t, "chain/vol/eu-west-1/dst#1")
	second := f.startCopy(t, "chain/vol/eu-west-1/dst#1")
	if first != second {
		t.Fatalf("same token gave jobs %s and %s", first, second)
	}
	c := f.srv.Emulator.Counters()
	if c.StartCopyJobCalls["chain/vol/eu-west-1/dst#1"] != 2 || c.CopyJobsPerToken["chain/vol/eu-west-1/dst#1"] != 1 || c.CopyJobs != 1 {
		t.Errorf("counters: calls %v, jobs per token %v, jobs %d", c.StartCopyJobCalls, c.CopyJobsPerToken, c.CopyJobs)
	}
	if len(f.observer.started) != 2 || f.observer.started[0] != "us-east-1>eu-west-1" {
		t.Errorf("observer saw starts %v", f.observer.started)
	}
}

func TestPollCopyJobWaitsThenReturnsTheEndedJob(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	id := f.startCopy(t, "poll-1")

	var running model.CopyJob
	f.mustRun(t, model.ActDescribeCopyJob, model.PollCopyJobInput{Region: east, CopyJobId: id}, &running)
	if running.State != model.JobCreated && running.State != model.JobRunning {
		t.Fatalf("new job is %s", running.State)
	}
	err := f.run(model.ActPollCopyJob, model.PollCopyJobInput{Region: east, CopyJobId: id}, nil)
	appErr := wantAppError(t, err, model.ErrJobNotFinished, true, id)
	if d := appErr.NextRetryDelay(); d <= 0 || d > testWatch.Interval {
		t.Errorf("NextRetryDelay = %s after a wait, want a next attempt within the sweep interval %s", d, testWatch.Interval)
	}

	f.srv.Emulator.Advance(time.Hour)
	var job model.CopyJob
	f.mustRun(t, model.ActPollCopyJob, model.PollCopyJobInput{Region: east, CopyJobId: id}, &job)
	if job.State != model.JobCompleted || job.CopyJobId != id || job.Region != east ||
		model.RegionFromArn(job.DestinationRecoveryPointArn) != west || job.SourceRecoveryPointArn != f.point ||
		job.DestinationBackupVaultArn != vaultArn(west, dstVault) || job.BackupSizeInBytes <= 0 || job.CompletionDate.IsZero() {
		t.Errorf("ended job = %+v", job)
	}
	if len(f.observer.ended) != 1 || f.observer.ended[0].DestinationRegion != west || f.observer.ended[0].BackupSizeInBytes != job.BackupSizeInBytes {
		t.Errorf("observer saw ends %+v", f.observer.ended)
	}
}

// TestPollCopyJobFollowsTheScaledClock polls as Temporal would, waiting NextRetryDelay
// between attempts, while the emulator clock runs 600 times faster than the wall clock.
func TestPollCopyJobFollowsTheScaledClock(t *testing.T) {
	f := newFixture(t, emulator.Config{TimeScale: 600})
	id := f.startCopy(t, "scaled-1")
	deadline := time.Now().Add(20 * time.Second)
	for attempt := 1; ; attempt++ {
		var job model.CopyJob
		err := f.run(model.ActPollCopyJob, model.PollCopyJobInput{Region: east, CopyJobId: id}, &job)
		if err == nil {
			if job.State != model.JobCompleted {
				t.Fatalf("job ended %s", job.State)
			}
			t.Logf("copy job completed after %d polls", attempt)
			return
		}
		appErr := wantAppError(t, err, model.ErrJobNotFinished, true)
		if d := appErr.NextRetryDelay(); d <= 0 || d > testWatch.Interval {
			t.Fatalf("NextRetryDelay %s, want within the sweep interval", d)
		}
		if time.Now().After(deadline) {
			t.Fatalf("copy job still running after %d polls", attempt)
		}
		time.Sleep(appErr.NextRetryDelay())
	}
}

func TestPollCopyJobReturnsFailedJobsAsResults(t *testing.T) {
	f := newFixture(t, emulator.Config{Faults: emulator.Faults{FailJobRate: 1, JobKinds: []string{"copy"}, FailReason: "KMS grant missing"}})
	id := f.startCopy(t, "fail-1")
	f.srv.Emulator.Advance(time.Hour)
	var job model.CopyJob
	f.mustRun(t, model.ActPollCopyJob, model.PollCopyJobInput{Region: east, CopyJobId: id}, &job)
	if job.State != model.JobFailed || job.StatusMessage != "KMS grant missing" {
		t.Errorf("job = %s %q, want FAILED with the emulator's reason", job.State, job.StatusMessage)
	}
}

func TestUpdateLifecycleThenDeleteAndVerify(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	job := f.completedCopy(t, "copy-1")
	copyArn := job.DestinationRecoveryPointArn

	var rp model.RecoveryPoint
	f.mustRun(t, model.ActUpdateRecoveryPointLifecycle, model.UpdateLifecycleInput{
		Region: west, BackupVaultName: dstVault, RecoveryPointArn: copyArn, Lifecycle: model.Lifecycle{DeleteAfterDays: 35},
	}, &rp)
	if rp.Lifecycle.DeleteAfterDays != 35 || !rp.CalculatedLifecycle.DeleteAt.Equal(rp.CreationDate.AddDate(0, 0, 35)) {
		t.Errorf("after update: lifecycle %+v, calculated %+v, created %v", rp.Lifecycle, rp.CalculatedLifecycle, rp.CreationDate)
	}
	err := f.run(model.ActUpdateRecoveryPointLifecycle, model.UpdateLifecycleInput{
		Region: west, BackupVaultName: dstVault, RecoveryPointArn: copyArn, Lifecycle: model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 60},
	}, nil)
	wantAppError(t, err, model.ErrInvalidParameter, false, "InvalidParameterValueException")

	var del model.DeleteRecoveryPointOutput
	f.mustRun(t, model.ActDeleteRecoveryPoint, model.DeleteRecoveryPointInput{Region: west, BackupVaultName: dstVault, RecoveryPointArn: copyArn}, &del)
	if del.AlreadyGone {
		t.Error("first delete reported AlreadyGone")
	}
	f.mustRun(t, model.ActDeleteRecoveryPoint, model.DeleteRecoveryPointInput{Region: west, BackupVaultName: dstVault, RecoveryPointArn: copyArn}, &del)
	if !del.AlreadyGone {
		t.Error("second delete did not report AlreadyGone")
	}
	var survey model.SurveyCopiesOutput
	f.mustRun(t, model.ActSurveyCopies, model.SurveyCopiesInput{Region: west, BackupVaultName: dstVault, ResourceArn: volume, SourceRegion: east}, &survey)
	if survey.Live != 0 || survey.Newest != nil {
		t.Errorf("the deleted copy is still surveyed as live: %+v", survey)
	}
}

func TestDeleteRefusedWhileAJobUsesThePoint(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	f.startCopy(t, "busy-1")
	err := f.run(model.ActDeleteRecoveryPoint, model.DeleteRecoveryPointInput{Region: east, BackupVaultName: srcVault, RecoveryPointArn: f.point}, nil)
	wantAppError(t, err, model.ErrInvalidState, false, "InvalidResourceStateException", "cannot be deleted while job")
}

func TestSurveyCopiesPagesThroughTheVaultAndAnswersASummary(t *testing.T) {
	f := newFixture(t, emulator.Config{}, WithListPageSize(2))
	var copies []model.RecoveryPoint
	for i := range 5 {
		point := f.point
		if i > 0 {
			point = f.completedBackup(t, fmt.Sprintf("survey-backup-%d", i))
		}
		var out model.StartCopyJobOutput
		f.mustRun(t, model.ActStartCopyJob, model.StartCopyJobInput{
			SourceRegion: east, RecoveryPointArn: point, SourceBackupVaultName: srcVault,
			DestinationBackupVaultArn: vaultArn(west, dstVault), IamRoleArn: role, IdempotencyToken: fmt.Sprintf("copy-%d", i),
			Lifecycle: model.Lifecycle{DeleteAfterDays: 35},
		}, &out)
		f.srv.Emulator.Advance(time.Hour)
		var job model.CopyJob
		f.mustRun(t, model.ActPollCopyJob, model.PollCopyJobInput{Region: east, CopyJobId: out.CopyJobId}, &job)
		var rp model.RecoveryPoint
		f.mustRun(t, model.ActDescribeRecoveryPoint, model.DescribeRecoveryPointInput{Region: west, BackupVaultName: dstVault,
			RecoveryPointArn: job.DestinationRecoveryPointArn}, &rp)
		copies = append(copies, rp)
	}
	in := model.SurveyCopiesInput{Region: west, BackupVaultName: dstVault, ResourceArn: volume, SourceRegion: east,
		DueBy: copies[1].CalculatedLifecycle.DeleteAt, MatchCreationDate: copies[2].CreationDate}
	var out model.SurveyCopiesOutput
	f.mustRun(t, model.ActSurveyCopies, in, &out)
	if n := f.srv.Emulator.Counters().Calls["ListRecoveryPointsByBackupVault"]; n != 3 {
		t.Errorf("%d list calls for 5 copies in pages of 2, want 3", n)
	}
	if out.Live != 5 || out.Bytes != 5*copies[0].BackupSizeInBytes {
		t.Errorf("live %d, bytes %d; want 5 copies of %d bytes", out.Live, out.Bytes, copies[0].BackupSizeInBytes)
	}
	if out.Newest == nil || out.Newest.RecoveryPointArn != copies[4].RecoveryPointArn {
		t.Errorf("newest %+v, want %s", out.Newest, copies[4].RecoveryPointArn)
	}
	if len(out.Due) != 2 || out.Due[0].RecoveryPointArn != copies[0].RecoveryPointArn || out.Due[1].RecoveryPointArn != copies[1].RecoveryPointArn {
		t.Errorf("due %+v, want the two oldest copies, oldest first", out.Due)
	}
	if !out.NextDeleteAt.Equal(copies[2].CalculatedLifecycle.DeleteAt) || out.More {
		t.Errorf("next delete at %v (more %v), want %v", out.NextDeleteAt, out.More, copies[2].CalculatedLifecycle.DeleteAt)
	}
	if out.Match == nil || out.Match.RecoveryPointArn != copies[2].RecoveryPointArn {
		t.Errorf("match %+v, want %s", out.Match, copies[2].RecoveryPointArn)
	}

	// Everything is due, one at a time: the newest never is.
	in = model.SurveyCopiesInput{Region: west, BackupVaultName: dstVault, ResourceArn: volume, SourceRegion: east,
		DueBy: copies[4].CalculatedLifecycle.DeleteAt.Add(time.Hour), MaxDue: 1}
	f.mustRun(t, model.ActSurveyCopies, in, &out)
	if len(out.Due) != 1 || !out.More || out.Due[0].RecoveryPointArn != copies[0].RecoveryPointArn {
		t.Errorf("due %+v (more %v), want only the oldest and more", out.Due, out.More)
	}
	// Another Region's chain sees none of these copies.
	in = model.SurveyCopiesInput{Region: west, BackupVaultName: dstVault, ResourceArn: volume, SourceRegion: "us-west-2"}
	f.mustRun(t, model.ActSurveyCopies, in, &out)
	if out.Live != 0 {
		t.Errorf("copies from us-east-1 surveyed for a chain from us-west-2: %+v", out)
	}
}

func TestAWSErrorsFromTheEmulatorAreClassified(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	copyTo := func(dst string, lc model.Lifecycle, token string) error {
		return f.run(model.ActStartCopyJob, model.StartCopyJobInput{
			SourceRegion: east, RecoveryPointArn: f.point, SourceBackupVaultName: srcVault,
			DestinationBackupVaultArn: dst, IamRoleArn: role, IdempotencyToken: token, Lifecycle: lc,
		}, nil)
	}
	wantAppError(t, copyTo(vaultArn(west, "missing"), model.Lifecycle{}, "t1"), model.ErrAccessDenied, false,
		"StartCopyJob in us-east-1", "AccessDeniedException", "HTTP 403")
	wantAppError(t, copyTo(vaultArn(west, dstVault), model.Lifecycle{DeleteAfterDays: -1}, "t2"), model.ErrInvalidParameter, false,
		"InvalidParameterValueException")
	wantAppError(t, copyTo(vaultArn("ap-east-1", dstVault), model.Lifecycle{}, "t3"), model.ErrInvalidParameter, false,
		"InvalidRequestException")
	err := f.run(model.ActDescribeCopyJob, model.PollCopyJobInput{Region: east, CopyJobId: "no-such-job"}, nil)
	wantAppError(t, err, model.ErrNotFound, false, "DescribeCopyJob", "ResourceNotFoundException")
}

func TestInjectedFaultsAreRetryable(t *testing.T) {
	cases := []struct {
		name   string
		faults emulator.Faults
		typ    string
		code   string
	}{
		{"throttling", emulator.Faults{ThrottleRate: 1}, model.ErrThrottled, "ThrottlingException"},
		{"limit exceeded", emulator.Faults{ThrottleRate: 1, ThrottleCode: "LimitExceededException"}, model.ErrThrottled, "LimitExceededException"},
		{"server error", emulator.Faults{ServerErrorRate: 1}, model.ErrServiceFault, "ServiceUnavailableException"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // each waits out the SDK's backoff
			f := newFixture(t, emulator.Config{})
			c.faults.Operations = []string{"DescribeRecoveryPoint"}
			if err := f.srv.Emulator.SetFaults(c.faults); err != nil {
				t.Fatal(err)
			}
			err := f.run(model.ActDescribeRecoveryPoint, model.DescribeRecoveryPointInput{Region: east, BackupVaultName: srcVault, RecoveryPointArn: f.point}, nil)
			wantAppError(t, err, c.typ, true, c.code)
			// The SDK retried a little inside the attempt, then left the rest to Temporal.
			if n := f.srv.Emulator.Counters().Calls["DescribeRecoveryPoint"]; n != 3 {
				t.Errorf("%d DescribeRecoveryPoint calls, want the SDK's 3 attempts", n)
			}
		})
	}
}

func TestTransientFaultIsAbsorbedBySDKRetry(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	if err := f.srv.Emulator.SetFaults(emulator.Faults{ServerErrorRate: 1, ServerErrorLimit: 1, Operations: []string{"DescribeCopyJob"}}); err != nil {
		t.Fatal(err)
	}
	id := f.startCopy(t, "blip-1")
	var job model.CopyJob
	f.mustRun(t, model.ActDescribeCopyJob, model.PollCopyJobInput{Region: east, CopyJobId: id}, &job)
	if job.CopyJobId != id {
		t.Errorf("described %q, want %q", job.CopyJobId, id)
	}
}

func TestNetworkErrorIsARetryableServiceFault(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	cfg := f.srv.AWSConfig(east)
	cfg.BaseEndpoint = aws.String("http://127.0.0.1:1") // nothing listens on port 1
	b := NewBackup(cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := b.describeRecoveryPoint(ctx, east, srcVault, f.point)
	wantAppError(t, err, model.ErrServiceFault, true, "network error", "DescribeRecoveryPoint in us-east-1")
}

func TestClientsArePerRegionAndCached(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	b := NewBackup(f.srv.AWSConfig(east))
	if b.client(west) != b.client(west) || b.client(west) == b.client(east) {
		t.Fatal("want one cached client per Region")
	}
	if got := b.client(west).Options().Region; got != west {
		t.Errorf("client for eu-west-1 has Region %q", got)
	}
	// The Region of the call, not of the base configuration, reaches AWS: the vault
	// exists only in eu-west-1.
	if _, err := b.client(west).DescribeBackupVault(context.Background(), &backup.DescribeBackupVaultInput{BackupVaultName: aws.String(dstVault)}); err != nil {
		t.Errorf("eu-west-1 client: %v", err)
	}
}

// StartBackupJob hands the rule's tags to AWS for the recovery point it creates.
func TestStartBackupJobTagsTheRecoveryPoint(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	var started model.StartBackupJobOutput
	f.mustRun(t, model.ActStartBackupJob, model.StartBackupJobInput{
		Region: east, BackupVaultName: srcVault, ResourceArn: volume, IamRoleArn: role, IdempotencyToken: "tagged-1",
		RecoveryPointTags: map[string]string{"plan": "hourly-dr"},
	}, &started)
	out, err := f.srv.Client(east).ListTags(context.Background(), &backup.ListTagsInput{ResourceArn: aws.String(started.RecoveryPointArn)})
	if err != nil || out.Tags["plan"] != "hourly-dr" || len(out.Tags) != 1 {
		t.Fatalf("recovery point %s carries %v (%v), want plan=hourly-dr", started.RecoveryPointArn, out, err)
	}
}
