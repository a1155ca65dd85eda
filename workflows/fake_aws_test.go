package workflows

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/regioncopy/regioncopy/model"
)

// Test fixtures: an EBS volume in us-east-1 copied to a vault in eu-west-1.
const (
	account      = "123456789012"
	srcRegion    = "us-east-1"
	dstRegion    = "eu-west-1"
	volumeArn    = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0"
	srcVault     = "primary"
	srcVaultArn  = "arn:aws:backup:us-east-1:123456789012:backup-vault:primary"
	dstVaultArn  = "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr"
	dst2VaultArn = "arn:aws:backup:us-west-2:123456789012:backup-vault:dr2"
	roleArn      = "arn:aws:iam::123456789012:role/backup"
	day          = 24 * time.Hour
)

func snapshotArn(n int) string {
	return fmt.Sprintf("arn:aws:ec2:us-east-1::snapshot/snap-%017x", n)
}

// fakeAWS stands in for AWS Backup behind the activity names: the SDK testsuite mocks
// each activity (env.OnActivity) with a method of this struct, which keeps just enough
// state (recovery points, vaults, jobs, idempotency tokens) for the workflows' decisions
// to be observable. Mock callbacks run on their own goroutines, hence the mutex.
type fakeAWS struct {
	mu  sync.Mutex
	now func() time.Time

	points map[string]model.RecoveryPoint
	vaults map[string]model.BackupVault
	jobs   map[string]*fakeJob
	tokens map[string]string

	jobDuration time.Duration
	// outcomes scripts the end state of successive new jobs (default COMPLETED).
	outcomes []string
	// startErrs scripts errors of successive StartCopyJob calls (nil entries succeed).
	startErrs []error
	// pollErr, when set, is returned by every PollCopyJob call.
	pollErr error
	// pollErrs scripts errors of successive PollCopyJob calls (nil entries look at the job).
	pollErrs []error
	// deleteErrs scripts errors of successive DeleteRecoveryPoint calls.
	deleteErrs []error
	// updateErrs scripts errors of successive UpdateRecoveryPointLifecycle calls.
	updateErrs []error
	// describeErrs scripts errors of successive DescribeRecoveryPoint calls.
	describeErrs []error
	// removeLandedExpired, when set, removes a copy that lands at or after its own DeleteAt
	// at once, as AWS does; unset, the copy stays until deleted (AWS's removal can lag).
	removeLandedExpired bool
	// landedExpiredStatus, when set, is the Status such a copy is described with instead
	// (EXPIRED or DELETING: AWS has not finished removing it).
	landedExpiredStatus string
	// pollDelay maps the AWS-clock wait before the next poll onto the worker's clock
	// (identity unless AWS's clock runs faster).
	pollDelay func(time.Duration) time.Duration
	// enqueue, when set, replaces the recording EnqueueCopy (the dev server test hands
	// orders to real chains).
	enqueue func(context.Context, model.EnqueueCopyInput) (model.EnqueueCopyOutput, error)
	// answer, when set, delivers a chain's answer to its requester (AnswerRequester);
	// without it the answer is only recorded in answers.
	answer  func(context.Context, model.AnswerRequesterInput) error
	answers []model.AnswerRequesterInput

	alerts    []model.RpoAlert
	starts    []model.StartCopyJobInput
	polls     []model.PollCopyJobInput
	updates   []model.UpdateLifecycleInput
	deletes   []model.DeleteRecoveryPointInput
	enqueued  []model.EnqueueCopyInput
	surveys   []model.SurveyCopiesInput
	deleted   []fakeDeletion
	pollCalls int
	nextJob   int
	nextPoint int
}

type fakeJob struct {
	job   model.CopyJob
	endAt time.Time
	end   string
	lc    model.Lifecycle
	src   model.RecoveryPoint
}

func newFakeAWS() *fakeAWS {
	f := &fakeAWS{
		points:      map[string]model.RecoveryPoint{},
		vaults:      map[string]model.BackupVault{},
		jobs:        map[string]*fakeJob{},
		tokens:      map[string]string{},
		jobDuration: 2 * time.Hour,
		pollDelay:   func(d time.Duration) time.Duration { return d },
	}
	for _, arn := range []string{srcVaultArn, dstVaultArn, dst2VaultArn} {
		f.vaults[arn] = model.BackupVault{Region: model.RegionFromArn(arn), BackupVaultName: model.VaultNameFromArn(arn), BackupVaultArn: arn}
	}
	return f
}

// addSource adds a COMPLETED EBS snapshot n of the volume, created at created.
func (f *fakeAWS) addSource(n int, created time.Time) string {
	arn := snapshotArn(n)
	f.points[arn] = model.RecoveryPoint{
		Region: srcRegion, BackupVaultName: srcVault, BackupVaultArn: srcVaultArn,
		RecoveryPointArn: arn, ResourceArn: volumeArn, ResourceType: "EBS",
		Status: "COMPLETED", StorageClass: "WARM", BackupSizeInBytes: 100 << 30,
		CreationDate: created, CompletionDate: created.Add(time.Hour),
	}
	return arn
}

// fakeDeletion is one recovery point the chain deleted, when, and when AWS said it expired.
type fakeDeletion struct {
	arn          string
	at, deleteAt time.Time
}

func notFound(what string) error {
	return temporal.NewNonRetryableApplicationError(what+" not found", model.ErrNotFound, nil)
}

func calculated(created time.Time, l model.Lifecycle) model.CalculatedLifecycle {
	var c model.CalculatedLifecycle
	if l.MoveToColdStorageAfterDays > 0 {
		c.MoveToColdStorageAt = created.Add(time.Duration(l.MoveToColdStorageAfterDays) * day)
	}
	if l.DeleteAfterDays > 0 {
		c.DeleteAt = created.Add(time.Duration(l.DeleteAfterDays) * day)
	}
	return c
}

func (f *fakeAWS) DescribeRecoveryPoint(_ context.Context, in model.DescribeRecoveryPointInput) (model.RecoveryPoint, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.describeErrs) > 0 {
		err := f.describeErrs[0]
		f.describeErrs = f.describeErrs[1:]
		if err != nil {
			return model.RecoveryPoint{}, err
		}
	}
	rp, ok := f.points[in.RecoveryPointArn]
	if !ok || rp.Region != in.Region {
		return model.RecoveryPoint{}, notFound("recovery point " + in.RecoveryPointArn)
	}
	return rp, nil
}

func (f *fakeAWS) DescribeBackupVault(_ context.Context, in model.DescribeBackupVaultInput) (model.BackupVault, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.vaults[in.BackupVaultArn]
	if in.BackupVaultArn == "" {
		// By Region and name, as the source vault is described.
		for _, candidate := range f.vaults {
			if candidate.Region == in.Region && candidate.BackupVaultName == in.BackupVaultName {
				v, ok = candidate, true
			}
		}
	}
	if !ok {
		return model.BackupVault{}, notFound("Backup vault " + in.BackupVaultName)
	}
	return v, nil
}

func (f *fakeAWS) StartCopyJob(_ context.Context, in model.StartCopyJobInput) (model.StartCopyJobOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.starts = append(f.starts, in)
	if len(f.startErrs) > 0 {
		err := f.startErrs[0]
		f.startErrs = f.startErrs[1:]
		if err != nil {
			return model.StartCopyJobOutput{}, err
		}
	}
	if in.IdempotencyToken == "" {
		return model.StartCopyJobOutput{}, temporal.NewNonRetryableApplicationError("empty token", model.ErrInvalidParameter, nil)
	}
	if id, ok := f.tokens[in.IdempotencyToken]; ok {
		return model.StartCopyJobOutput{CopyJobId: id}, nil
	}
	src, ok := f.points[in.RecoveryPointArn]
	if !ok {
		return model.StartCopyJobOutput{}, notFound("recovery point " + in.RecoveryPointArn)
	}
	f.nextJob++
	id := fmt.Sprintf("job-%d", f.nextJob)
	end := model.JobCompleted
	if len(f.outcomes) > 0 {
		end, f.outcomes = f.outcomes[0], f.outcomes[1:]
	}
	now := f.now()
	f.jobs[id] = &fakeJob{
		job: model.CopyJob{Region: in.SourceRegion, CopyJobId: id, State: model.JobCreated,
			SourceRecoveryPointArn: in.RecoveryPointArn, DestinationBackupVaultArn: in.DestinationBackupVaultArn,
			ResourceArn: src.ResourceArn, ResourceType: src.ResourceType, CreationDate: now},
		endAt: now.Add(f.jobDuration), end: end, lc: in.Lifecycle, src: src,
	}
	f.tokens[in.IdempotencyToken] = id
	return model.StartCopyJobOutput{CopyJobId: id}, nil
}

func (f *fakeAWS) PollCopyJob(_ context.Context, in model.PollCopyJobInput) (model.CopyJob, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pollCalls++
	f.polls = append(f.polls, in)
	if f.pollErr != nil {
		return model.CopyJob{}, f.pollErr
	}
	if len(f.pollErrs) > 0 {
		err := f.pollErrs[0]
		f.pollErrs = f.pollErrs[1:]
		if err != nil {
			return model.CopyJob{}, err
		}
	}
	j, ok := f.jobs[in.CopyJobId]
	if !ok {
		return model.CopyJob{}, notFound("copy job " + in.CopyJobId)
	}
	now := f.now()
	if now.Before(j.endAt) {
		// Like the real poller the activity picks the next look, here when the job should
		// end, at most a day ahead. (The testsuite allows an activity 10 attempts when its
		// retry policy sets no maximum, so a long job needs coarse polls here.)
		return model.CopyJob{}, temporal.NewApplicationErrorWithOptions("copy job "+in.CopyJobId+" is RUNNING",
			model.ErrJobNotFinished, temporal.ApplicationErrorOptions{NextRetryDelay: f.pollDelay(min(j.endAt.Sub(now), day))})
	}
	if j.job.State != j.end {
		j.job.State, j.job.CompletionDate = j.end, j.endAt
		if j.end == model.JobCompleted {
			f.nextPoint++
			dest := fmt.Sprintf("arn:aws:ec2:eu-west-1::snapshot/snap-%017x", 0xc0000+f.nextPoint)
			j.job.DestinationRecoveryPointArn = dest
			j.job.BackupSizeInBytes = j.src.BackupSizeInBytes
			vault := j.job.DestinationBackupVaultArn
			f.points[dest] = model.RecoveryPoint{
				Region: model.RegionFromArn(vault), BackupVaultName: model.VaultNameFromArn(vault), BackupVaultArn: vault,
				RecoveryPointArn: dest, ResourceArn: j.src.ResourceArn, ResourceType: j.src.ResourceType,
				Status: "COMPLETED", StorageClass: "WARM", BackupSizeInBytes: j.src.BackupSizeInBytes,
				EncryptionKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/dr",
				CreationDate:     j.src.CreationDate, CompletionDate: j.endAt,
				Lifecycle: j.lc, CalculatedLifecycle: calculated(j.src.CreationDate, j.lc),
				SourceBackupVaultArn: j.src.BackupVaultArn,
			}
			if del := f.points[dest].CalculatedLifecycle.DeleteAt; !del.IsZero() && !j.endAt.Before(del) {
				switch {
				case f.landedExpiredStatus != "":
					rp := f.points[dest]
					rp.Status = f.landedExpiredStatus
					f.points[dest] = rp
				case f.removeLandedExpired:
					delete(f.points, dest)
				}
			}
		} else {
			j.job.StatusMessage = "Insufficient privileges to perform this action on the KMS key"
		}
	}
	return j.job, nil
}

func (f *fakeAWS) UpdateRecoveryPointLifecycle(_ context.Context, in model.UpdateLifecycleInput) (model.RecoveryPoint, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, in)
	if len(f.updateErrs) > 0 {
		err := f.updateErrs[0]
		f.updateErrs = f.updateErrs[1:]
		if err != nil {
			if temporal.IsApplicationError(err) && errorType(err) == model.ErrNotFound {
				// AWS answers NotFound for a point it no longer has: so must every later call.
				delete(f.points, in.RecoveryPointArn)
			}
			return model.RecoveryPoint{}, err
		}
	}
	rp, ok := f.points[in.RecoveryPointArn]
	if !ok {
		return model.RecoveryPoint{}, notFound("recovery point " + in.RecoveryPointArn)
	}
	rp.Lifecycle = in.Lifecycle
	rp.CalculatedLifecycle = calculated(rp.CreationDate, in.Lifecycle)
	f.points[in.RecoveryPointArn] = rp
	return rp, nil
}

func (f *fakeAWS) DeleteRecoveryPoint(_ context.Context, in model.DeleteRecoveryPointInput) (model.DeleteRecoveryPointOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deletes = append(f.deletes, in)
	if len(f.deleteErrs) > 0 {
		err := f.deleteErrs[0]
		f.deleteErrs = f.deleteErrs[1:]
		if err != nil {
			return model.DeleteRecoveryPointOutput{}, err
		}
	}
	rp, ok := f.points[in.RecoveryPointArn]
	if !ok {
		return model.DeleteRecoveryPointOutput{AlreadyGone: true}, nil
	}
	delete(f.points, in.RecoveryPointArn)
	f.deleted = append(f.deleted, fakeDeletion{arn: in.RecoveryPointArn, at: f.now(), deleteAt: rp.CalculatedLifecycle.DeleteAt})
	return model.DeleteRecoveryPointOutput{}, nil
}

func (f *fakeAWS) EnqueueCopy(ctx context.Context, in model.EnqueueCopyInput) (model.EnqueueCopyOutput, error) {
	f.mu.Lock()
	f.enqueued = append(f.enqueued, in)
	f.mu.Unlock()
	if f.enqueue != nil {
		return f.enqueue(ctx, in)
	}
	return model.EnqueueCopyOutput{ChainWorkflowId: model.ChainWorkflowID(in.Key), RunId: "run"}, nil
}

// AnswerRequester records a chain's answer and delivers it through answer when set.
func (f *fakeAWS) AnswerRequester(ctx context.Context, in model.AnswerRequesterInput) error {
	f.mu.Lock()
	f.answers = append(f.answers, in)
	answer := f.answer
	f.mu.Unlock()
	if answer != nil {
		return answer(ctx, in)
	}
	return nil
}

// removePoint takes a recovery point out of its vault, as AWS does when it is deleted
// behind the chain's back.
func (f *fakeAWS) removePoint(arn string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.points, arn)
}

func (f *fakeAWS) setJobDuration(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.jobDuration = d
}

// activities maps each activity name the workflows use to f's method.
func (f *fakeAWS) activities() map[string]any {
	return map[string]any{
		model.ActDescribeRecoveryPoint:        f.DescribeRecoveryPoint,
		model.ActDescribeBackupVault:          f.DescribeBackupVault,
		model.ActStartCopyJob:                 f.StartCopyJob,
		model.ActPollCopyJob:                  f.PollCopyJob,
		model.ActUpdateRecoveryPointLifecycle: f.UpdateRecoveryPointLifecycle,
		model.ActDeleteRecoveryPoint:          f.DeleteRecoveryPoint,
		model.ActSurveyCopies:                 f.SurveyCopies,
		model.ActEnqueueCopy:                  f.EnqueueCopy,
		model.ActAnswerRequester:              f.AnswerRequester,
		model.ActSendRpoAlert:                 f.SendRpoAlert,
	}
}

// SendRpoAlert records the alert (the worker's activity logs it and posts the webhook).
func (f *fakeAWS) SendRpoAlert(_ context.Context, a model.RpoAlert) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.alerts = append(f.alerts, a)
	return nil
}

// sentAlerts is a copy of the RPO alerts sent so far.
func (f *fakeAWS) sentAlerts() []model.RpoAlert {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.alerts)
}

// install registers every activity name the workflows use and mocks each with f.
func (f *fakeAWS) install(env *testsuite.TestWorkflowEnvironment) {
	f.now = env.Now
	acts := f.activities()
	names := make([]string, 0, len(acts))
	for name := range acts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		env.RegisterActivityWithOptions(acts[name], activity.RegisterOptions{Name: name})
	}
	for _, name := range names {
		env.OnActivity(name, mock.Anything, mock.Anything).Return(acts[name])
	}
}

// fakeCalls is a copy of what the workflows asked of AWS, safe to inspect after a run.
type fakeCalls struct {
	starts    []model.StartCopyJobInput
	polls     []model.PollCopyJobInput
	updates   []model.UpdateLifecycleInput
	deletes   []model.DeleteRecoveryPointInput
	enqueued  []model.EnqueueCopyInput
	pollCalls int
	jobs      int
}

func (f *fakeAWS) calls() fakeCalls {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fakeCalls{
		starts:    append([]model.StartCopyJobInput(nil), f.starts...),
		polls:     append([]model.PollCopyJobInput(nil), f.polls...),
		updates:   append([]model.UpdateLifecycleInput(nil), f.updates...),
		deletes:   append([]model.DeleteRecoveryPointInput(nil), f.deletes...),
		enqueued:  append([]model.EnqueueCopyInput(nil), f.enqueued...),
		pollCalls: f.pollCalls,
		jobs:      f.nextJob,
	}
}
