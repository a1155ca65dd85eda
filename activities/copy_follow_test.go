package activities

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
)

// TestPollCopyJobRetriesEveryAnswerWhileFollowing: once StartCopyJob has answered with a
// job id, a failed look at the job is retryable whatever AWS answered (a job not listed
// yet, expired credentials, a bad signature from clock skew, a code nobody classified),
// under its own type; the job is then followed to its end.
func TestPollCopyJobRetriesEveryAnswerWhileFollowing(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	id := f.startCopy(t, "follow-1")
	scripted := []struct{ code, typ string }{
		{"ResourceNotFoundException", model.ErrNotFound},
		{"ExpiredTokenException", model.ErrAccessDenied},
		{"ExpiredToken", model.ErrAccessDenied},
		{"InvalidSignatureException", model.ErrAccessDenied},
		{"UnrecognizedClientException", model.ErrAccessDenied},
		{"RequestExpired", model.ErrAccessDenied},
		{"MalformedHttpRequestException", model.ErrUnclassified},
	}
	var faults emulator.Faults
	for _, s := range scripted {
		faults.Errors = append(faults.Errors, emulator.ErrorFault{Operation: "DescribeCopyJob", Code: s.code, Count: 1})
	}
	if err := f.srv.Emulator.SetFaults(faults); err != nil {
		t.Fatal(err)
	}
	in := model.PollCopyJobInput{Region: east, CopyJobId: id, NotFoundGrace: time.Hour}
	for _, s := range scripted {
		err := f.run(model.ActPollCopyJob, in, nil)
		wantAppError(t, err, s.typ, true, "DescribeCopyJob in us-east-1", s.code)
	}
	f.srv.Emulator.Advance(time.Hour)
	var job model.CopyJob
	f.mustRun(t, model.ActPollCopyJob, in, &job)
	if job.State != model.JobCompleted {
		t.Fatalf("job %s ended %s after the scripted errors, want COMPLETED", id, job.State)
	}
}

// TestPollCopyJobReportsAJobLongNotFound: ResourceNotFound that outlasts NotFoundGrace
// ends the poll with the non-retryable ErrJobNotVisible, so the workflow can say so;
// without a grace it stays a retryable NotFound.
func TestPollCopyJobReportsAJobLongNotFound(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	err := f.run(model.ActPollCopyJob, model.PollCopyJobInput{Region: east, CopyJobId: "no-such-job", NotFoundGrace: time.Nanosecond}, nil)
	wantAppError(t, err, model.ErrJobNotVisible, false, "ResourceNotFoundException", "not found in")
	err = f.run(model.ActPollCopyJob, model.PollCopyJobInput{Region: east, CopyJobId: "no-such-job"}, nil)
	wantAppError(t, err, model.ErrNotFound, true, "ResourceNotFoundException")
}

// follow runs PollCopyJob as Temporal runs its attempts: each attempt in an activity
// environment of its own (so many follow at once on the fixture's one Backup, as on one
// worker), the next one after the NextRetryDelay of a not-finished attempt and with the
// last heartbeat details of the one before. It returns the ended job and the attempts.
func (f *fixture) follow(t *testing.T, id string, giveUp time.Duration) (model.CopyJob, int, error) {
	var details *followDetails
	stopAt := time.Now().Add(giveUp)
	for attempt := 1; ; attempt++ {
		var suite testsuite.WorkflowTestSuite
		env := suite.NewTestActivityEnvironment()
		env.RegisterActivityWithOptions(f.backup.PollCopyJob, activity.RegisterOptions{Name: model.ActPollCopyJob})
		if details != nil {
			env.SetHeartbeatDetails(*details)
		}
		var mu sync.Mutex
		env.SetOnActivityHeartbeatListener(func(_ *activity.Info, v converter.EncodedValues) {
			var d followDetails
			if v.Get(&d) == nil {
				mu.Lock()
				details = &d
				mu.Unlock()
			}
		})
		val, err := env.ExecuteActivity(model.ActPollCopyJob, model.PollCopyJobInput{Region: east, CopyJobId: id})
		if err == nil {
			var job model.CopyJob
			return job, attempt, val.Get(&job)
		}
		appErr, ok := errors.AsType[*temporal.ApplicationError](err)
		if !ok || appErr.Type() != model.ErrJobNotFinished || time.Now().After(stopAt) {
			return model.CopyJob{}, attempt, err
		}
		time.Sleep(appErr.NextRetryDelay())
	}
}

// startCopies backs up n volumes and starts one copy of each to dst, returning the copy
// job ids.
func (f *fixture) startCopies(t *testing.T, n int) []string {
	t.Helper()
	ctx := context.Background()
	c := f.srv.Client(east)
	points := make([]string, n)
	for i := range points {
		out, err := c.StartBackupJob(ctx, &backup.StartBackupJobInput{BackupVaultName: aws.String(srcVault),
			ResourceArn: aws.String(fmt.Sprintf("arn:aws:ec2:us-east-1:%s:volume/vol-%017x", account, 0x100+i)),
			IamRoleArn:  aws.String(role), IdempotencyToken: aws.String(fmt.Sprintf("many-backup-%d", i))})
		if err != nil {
			t.Fatalf("StartBackupJob %d: %v", i, err)
		}
		points[i] = aws.ToString(out.RecoveryPointArn)
	}
	f.srv.Emulator.Advance(10 * time.Minute)
	ids := make([]string, n)
	for i, p := range points {
		ids[i] = f.startCopyOf(t, p, fmt.Sprintf("many-copy-%d", i))
	}
	return ids
}

func (f *fixture) startCopyOf(t *testing.T, point, token string) string {
	t.Helper()
	var out model.StartCopyJobOutput
	f.mustRun(t, model.ActStartCopyJob, model.StartCopyJobInput{
		SourceRegion: east, RecoveryPointArn: point, SourceBackupVaultName: srcVault,
		DestinationBackupVaultArn: vaultArn(west, dstVault), IamRoleArn: role, IdempotencyToken: token,
	}, &out)
	return out.CopyJobId
}

// waitCalls waits until the emulator has answered op at least n times since base.
func (f *fixture) waitCalls(t *testing.T, op string, base, n int64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for f.srv.Emulator.Counters().Calls[op]-base < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s answered %d times, want %d", op, f.srv.Emulator.Counters().Calls[op]-base, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestFollowingManyCopyJobsCostsOneDescribeEach follows 200 copy jobs at once on one
// worker, a quarter of which fail: each job is described once, at its first look, and
// the sweeps' ListCopyJobs calls depend on the time and the pages of ended jobs, not on
// the jobs followed. Every job comes back in its final state with what the workflow needs.
func TestFollowingManyCopyJobsCostsOneDescribeEach(t *testing.T) {
	const n, pageSize = 200, 50
	watch := testWatch
	watch.Interval, watch.MaxWait = 100*time.Millisecond, 10*time.Second
	f := newFixture(t, emulator.Config{CopyQuota: 1000,
		Faults: emulator.Faults{FailJobRate: 0.25, JobKinds: []string{"copy"}, FailReason: "KMS grant missing"}},
		WithCopyWatch(watch), WithListPageSize(pageSize))
	ids := f.startCopies(t, n)
	before := f.srv.Emulator.Counters()
	began := time.Now()

	jobs := make([]model.CopyJob, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { jobs[i], _, errs[i] = f.follow(t, id, time.Minute) })
	}
	f.waitCalls(t, "DescribeCopyJob", before.Calls["DescribeCopyJob"], n) // every first look is done
	f.srv.Emulator.Advance(time.Hour)
	wg.Wait()
	elapsed := time.Since(began)
	after := f.srv.Emulator.Counters()

	describes := after.Calls["DescribeCopyJob"] - before.Calls["DescribeCopyJob"]
	lists := after.Calls["ListCopyJobs"] - before.Calls["ListCopyJobs"]
	sweeps := int64(elapsed/watch.Interval) + 2
	t.Logf("%d jobs followed in %s: %d DescribeCopyJob, %d ListCopyJobs", n, elapsed.Round(time.Millisecond), describes, lists)
	if describes != n {
		t.Errorf("%d DescribeCopyJob calls for %d jobs, want one each", describes, n)
	}
	if maxLists := sweeps * (n/pageSize + 1); lists < 1 || lists > maxLists {
		t.Errorf("%d ListCopyJobs calls in %s, want 1 to %d (one sweep per %s, at most %d pages each)",
			lists, elapsed, maxLists, watch.Interval, n/pageSize+1)
	}

	failed := 0
	for i, id := range ids {
		if errs[i] != nil {
			t.Fatalf("following %s: %v", id, errs[i])
		}
		truth, err := f.srv.Client(east).DescribeCopyJob(context.Background(), &backup.DescribeCopyJobInput{CopyJobId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		j, want := jobs[i], truth.CopyJob
		if j.CopyJobId != id || j.Region != east || j.State != string(want.State) || j.CompletionDate.IsZero() ||
			!j.CompletionDate.Equal(aws.ToTime(want.CompletionDate)) || j.SourceRecoveryPointArn != aws.ToString(want.SourceRecoveryPointArn) {
			t.Errorf("job %s = %+v, AWS says %s completed %v", id, j, want.State, aws.ToTime(want.CompletionDate))
		}
		switch j.State {
		case model.JobCompleted:
			if j.DestinationRecoveryPointArn == "" || j.DestinationRecoveryPointArn != aws.ToString(want.DestinationRecoveryPointArn) ||
				model.RegionFromArn(j.DestinationRecoveryPointArn) != west || j.BackupSizeInBytes <= 0 {
				t.Errorf("completed job %s lacks its copy: %+v", id, j)
			}
		case model.JobFailed:
			failed++
			if j.StatusMessage != "KMS grant missing" {
				t.Errorf("failed job %s says %q, want the emulator's reason", id, j.StatusMessage)
			}
		default:
			t.Errorf("job %s ended %s", id, j.State)
		}
	}
	if failed == 0 || failed == n {
		t.Errorf("%d of %d jobs failed; the fault should fail some, not all", failed, n)
	}
}

// TestFollowerSeesTheEndWithinOneSweep: a waiting attempt returns its job within about
// one sweep interval of the job's end.
func TestFollowerSeesTheEndWithinOneSweep(t *testing.T) {
	watch := testWatch
	watch.Interval, watch.MaxWait = 200*time.Millisecond, 10*time.Second
	f := newFixture(t, emulator.Config{}, WithCopyWatch(watch))
	id := f.startCopy(t, "notice-1")
	base := f.srv.Emulator.Counters().Calls["DescribeCopyJob"]
	var ended time.Time
	done := make(chan model.CopyJob, 1)
	go func() {
		job, _, err := f.follow(t, id, time.Minute)
		if err != nil {
			t.Error(err)
		}
		done <- job
	}()
	f.waitCalls(t, "DescribeCopyJob", base, 1)
	time.Sleep(watch.Interval) // the watcher sweeps at least once with the job running
	f.srv.Emulator.Advance(time.Hour)
	ended = time.Now()
	job := <-done
	took := time.Since(ended)
	if job.State != model.JobCompleted {
		t.Fatalf("job ended %s", job.State)
	}
	if took > 2*watch.Interval {
		t.Errorf("the end was seen %s after it happened, want within about one sweep interval (%s)", took, watch.Interval)
	}
}

// TestThrottledSweepsFallBackToDescribe: while every ListCopyJobs is throttled, a
// follower looks at its job on the poll schedule itself and still returns it.
func TestThrottledSweepsFallBackToDescribe(t *testing.T) {
	watch := testWatch
	watch.Interval, watch.MaxWait = 50*time.Millisecond, 20*time.Second
	f := newFixture(t, emulator.Config{Faults: emulator.Faults{ThrottleRate: 1, Operations: []string{"ListCopyJobs"}}},
		WithCopyWatch(watch), WithPollSchedule(PollSchedule{Min: 50 * time.Millisecond, Fraction: 0.2, Max: 200 * time.Millisecond}))
	id := f.startCopy(t, "throttled-1")
	before := f.srv.Emulator.Counters()
	done := make(chan model.CopyJob, 1)
	go func() {
		job, attempts, err := f.follow(t, id, time.Minute)
		if err != nil {
			t.Error(err)
		}
		if attempts != 1 {
			t.Errorf("%d attempts, want the first to see the end", attempts)
		}
		done <- job
	}()
	f.waitCalls(t, "ListCopyJobs", before.Calls["ListCopyJobs"], 1)
	f.srv.Emulator.Advance(time.Hour)
	select {
	case job := <-done:
		if job.State != model.JobCompleted || job.DestinationRecoveryPointArn == "" {
			t.Errorf("job = %+v", job)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the job's end was not seen while the sweeps were throttled")
	}
	after := f.srv.Emulator.Counters()
	if after.FaultsInjected["Throttling"] == 0 || after.Calls["DescribeCopyJob"]-before.Calls["DescribeCopyJob"] < 2 {
		t.Errorf("throttled %d sweeps, %d describes: want sweeps throttled and the job described again",
			after.FaultsInjected["Throttling"], after.Calls["DescribeCopyJob"]-before.Calls["DescribeCopyJob"])
	}
}

// TestNextAttemptOnTheSameWorkerNeedsNoDescribe: an attempt that waited its time leaves
// in its heartbeat which watcher covers the job, so the next attempts on the same
// worker find the job's end without describing it again.
func TestNextAttemptOnTheSameWorkerNeedsNoDescribe(t *testing.T) {
	watch := testWatch
	watch.MaxWait = 100 * time.Millisecond
	f := newFixture(t, emulator.Config{}, WithCopyWatch(watch))
	id := f.startCopy(t, "retry-1")
	base := f.srv.Emulator.Counters().Calls["DescribeCopyJob"]
	done := make(chan int, 1)
	go func() {
		job, attempts, err := f.follow(t, id, time.Minute)
		if err != nil || job.State != model.JobCompleted {
			t.Errorf("job %+v, error %v", job, err)
		}
		done <- attempts
	}()
	time.Sleep(5 * watch.MaxWait) // several attempts wait their time
	f.srv.Emulator.Advance(time.Hour)
	attempts := <-done
	if attempts < 3 {
		t.Errorf("%d attempts, want several", attempts)
	}
	if d := f.srv.Emulator.Counters().Calls["DescribeCopyJob"] - base; d != 1 {
		t.Errorf("%d DescribeCopyJob calls over %d attempts, want only the first look", d, attempts)
	}
}

// TestFollowWithoutASlotLooksOnce: with no follow slot free, an attempt does not wait; it
// looks once and asks for the next attempt on the poll schedule.
func TestFollowWithoutASlotLooksOnce(t *testing.T) {
	watch := testWatch
	watch.MaxWait = 10 * time.Second
	f := newFixture(t, emulator.Config{}, WithCopyWatch(watch), WithFollowSlots(0))
	id := f.startCopy(t, "no-slot-1")
	began := time.Now()
	err := f.run(model.ActPollCopyJob, model.PollCopyJobInput{Region: east, CopyJobId: id}, nil)
	appErr := wantAppError(t, err, model.ErrJobNotFinished, true, id)
	if d := appErr.NextRetryDelay(); d < DefaultPollSchedule.Min || d > DefaultPollSchedule.Max {
		t.Errorf("NextRetryDelay %s, want within the poll schedule", d)
	}
	if took := time.Since(began); took > time.Second {
		t.Errorf("the attempt took %s without a slot, want no wait", took)
	}
}

// TestStoppingWorkerEndsTheWait: when the worker stops, a waiting attempt fails at once
// as not finished, so its next attempt follows the job on another worker.
func TestStoppingWorkerEndsTheWait(t *testing.T) {
	watch := testWatch
	watch.MaxWait = time.Minute
	f := newFixture(t, emulator.Config{}, WithCopyWatch(watch))
	id := f.startCopy(t, "stop-1")
	stop := make(chan struct{})
	f.env.SetWorkerStopChannel(stop)
	base := f.srv.Emulator.Counters().Calls["DescribeCopyJob"]
	go func() {
		f.waitCalls(t, "DescribeCopyJob", base, 1)
		close(stop)
	}()
	began := time.Now()
	err := f.run(model.ActPollCopyJob, model.PollCopyJobInput{Region: east, CopyJobId: id}, nil)
	appErr := wantAppError(t, err, model.ErrJobNotFinished, true, id, "worker is stopping")
	if d := appErr.NextRetryDelay(); d <= 0 || d > time.Second {
		t.Errorf("NextRetryDelay %s, want a prompt next attempt", d)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("the attempt took %s after the worker stopped", took)
	}
}
