package activities

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
	"github.com/regioncopy/regioncopy/model"
)

const (
	east    = "us-east-1"
	west    = "eu-west-1"
	account = "123456789012"
	role    = "arn:aws:iam::123456789012:role/backup"
	volume  = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// testWatch sweeps often and lets a PollCopyJob attempt wait a moment only, so a test
// sees both a waiting attempt's end and its job's.
var testWatch = CopyWatch{Interval: 20 * time.Millisecond, MaxWait: 300 * time.Millisecond, Recheck: time.Hour,
	Keep: time.Minute, Idle: time.Second, ListLag: 5 * time.Minute}

func vaultArn(region, name string) string {
	return "arn:aws:backup:" + region + ":" + account + ":backup-vault:" + name
}

// fixture is an emulator with a source vault in us-east-1 holding one completed backup
// of an 8 GiB volume, a destination vault in eu-west-1, and the activities registered
// by their model names in a test activity environment.
type fixture struct {
	srv      *emulatortest.Server
	backup   *Backup
	env      *testsuite.TestActivityEnvironment
	observer *recordingObserver
	point    string // the completed recovery point in src
}

const (
	srcVault = "src"
	dstVault = "dst"
)

func newFixture(t *testing.T, cfg emulator.Config, opts ...Option) *fixture {
	t.Helper()
	if cfg.StartTime.IsZero() {
		cfg.StartTime = epoch
	}
	f := &fixture{srv: emulatortest.Start(t, cfg), observer: &recordingObserver{}}
	opts = append([]Option{WithCopyObserver(f.observer), WithCopyWatch(testWatch)}, opts...)
	b := NewBackup(f.srv.AWSConfig(east), opts...)
	t.Cleanup(b.Close)
	f.backup = b
	var suite testsuite.WorkflowTestSuite
	f.env = suite.NewTestActivityEnvironment()
	for name, fn := range activityFuncs(b, &Chains{}) {
		f.env.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
	for region, name := range map[string]string{east: srcVault, west: dstVault} {
		if _, err := f.srv.Client(region).CreateBackupVault(context.Background(),
			&backup.CreateBackupVaultInput{BackupVaultName: aws.String(name)}); err != nil {
			t.Fatalf("CreateBackupVault %s: %v", name, err)
		}
	}
	f.point = f.completedBackup(t, "backup-1")
	return f
}

// completedBackup backs the volume up with the activities and advances the emulator
// clock until the job ends.
func (f *fixture) completedBackup(t *testing.T, token string) string {
	t.Helper()
	var started model.StartBackupJobOutput
	f.mustRun(t, model.ActStartBackupJob, model.StartBackupJobInput{
		Region: east, BackupVaultName: srcVault, ResourceArn: volume, IamRoleArn: role, IdempotencyToken: token,
	}, &started)
	f.srv.Emulator.Advance(5 * time.Minute)
	var job model.BackupJob
	f.mustRun(t, model.ActPollBackupJob, model.PollBackupJobInput{Region: east, BackupJobId: started.BackupJobId}, &job)
	if job.State != model.JobCompleted || job.RecoveryPointArn != started.RecoveryPointArn {
		t.Fatalf("backup job ended %s with point %s, want COMPLETED with %s", job.State, job.RecoveryPointArn, started.RecoveryPointArn)
	}
	return job.RecoveryPointArn
}

// run executes the activity registered under name and decodes its result into out.
func (f *fixture) run(name string, in, out any) error {
	val, err := f.env.ExecuteActivity(name, in)
	if err != nil {
		return err
	}
	if out != nil {
		return val.Get(out)
	}
	return nil
}

func (f *fixture) mustRun(t *testing.T, name string, in, out any) {
	t.Helper()
	if err := f.run(name, in, out); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func (f *fixture) startCopy(t *testing.T, token string) string {
	t.Helper()
	var out model.StartCopyJobOutput
	f.mustRun(t, model.ActStartCopyJob, model.StartCopyJobInput{
		SourceRegion: east, RecoveryPointArn: f.point, SourceBackupVaultName: srcVault,
		DestinationBackupVaultArn: vaultArn(west, dstVault), IamRoleArn: role, IdempotencyToken: token,
	}, &out)
	if out.CopyJobId == "" {
		t.Fatal("StartCopyJob returned no job id")
	}
	return out.CopyJobId
}

// completedCopy copies the fixture's point to dst and returns the ended job.
func (f *fixture) completedCopy(t *testing.T, token string) model.CopyJob {
	t.Helper()
	id := f.startCopy(t, token)
	f.srv.Emulator.Advance(time.Hour)
	var job model.CopyJob
	f.mustRun(t, model.ActPollCopyJob, model.PollCopyJobInput{Region: east, CopyJobId: id}, &job)
	if job.State != model.JobCompleted {
		t.Fatalf("copy job %s ended %s: %s", id, job.State, job.StatusMessage)
	}
	return job
}

// wantAppError checks that err is an ApplicationError of type typ, retryable or not,
// whose message contains every string in msgs.
func wantAppError(t *testing.T, err error, typ string, retryable bool, msgs ...string) *temporal.ApplicationError {
	t.Helper()
	appErr, ok := errors.AsType[*temporal.ApplicationError](err)
	if !ok {
		t.Fatalf("got %v (%T), want an ApplicationError of type %s", err, err, typ)
	}
	if appErr.Type() != typ || appErr.NonRetryable() == retryable {
		t.Fatalf("got type %s non-retryable=%v (%v), want %s non-retryable=%v", appErr.Type(), appErr.NonRetryable(), err, typ, !retryable)
	}
	for _, m := range msgs {
		if !strings.Contains(appErr.Error(), m) {
			t.Errorf("message %q lacks %q", appErr.Error(), m)
		}
	}
	return appErr
}

// recordingObserver records what the activities report for metrics.
type recordingObserver struct {
	mu      sync.Mutex
	started []string
	ended   []CopyJobEnd
}

func (o *recordingObserver) CopyStarted(src, dst string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.started = append(o.started, src+">"+dst)
}

func (o *recordingObserver) CopyEnded(src string, j CopyJobEnd) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ended = append(o.ended, j)
}
