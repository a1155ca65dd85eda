package planrun

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/regioncopy/regioncopy/model"
)

// Test fixtures: resources in us-east-1 backed up to vault "primary" and copied to
// eu-west-1 and us-west-2.
const (
	srcRegion   = "us-east-1"
	srcVault    = "primary"
	dstVaultEU  = "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr"
	dstVaultUSW = "arn:aws:backup:us-west-2:123456789012:backup-vault:dr2"
	roleArn     = "arn:aws:iam::123456789012:role/backup"
	tableArn    = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
)

func volumeArn(n int) string {
	return fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-%017x", n)
}

// fakeAWS stands in for the activities behind their names (the SDK testsuite runs
// these functions in place of the real ones): a selection of resources, backup jobs
// that complete at once unless scripted otherwise, recorded hand-overs and listings.
// Activities run on their own goroutines, hence the mutex.
type fakeAWS struct {
	mu sync.Mutex

	resources []model.SelectedResource // sorted by ARN
	rejected  []model.PlanResourceFailure
	points    []model.RecoveryPoint // copy-only listing answer
	// describe answers DescribeRecoveryPoint (copy-only points still being created).
	describe map[string]model.RecoveryPoint
	// startErr and jobEnd script one resource's StartBackupJob error or job end state.
	startErr map[string]error
	jobEnd   map[string]string

	// The chains answer every order that names a requester, at once with a completed
	// copy (the first into each vault FULL, the rest INCREMENTAL) unless copyFail scripts
	// a failed copy with AWS's message or copyDelay a later answer; both are keyed by
	// "<resource ARN> -> <destination Region>".
	copyFail map[string]string
	// copySuperseded answers "resource -> Region" with a SUPERSEDED record and this reason.
	copySuperseded map[string]string
	copyDelay      map[string]time.Duration
	copies         map[string]int // copies answered per chain

	resolveCalls []model.ResolvePlanSelectionInput
	listCalls    []model.ListPlanRecoveryPointsInput
	starts       []model.StartBackupJobInput
	enqueued     []model.EnqueueCopyInput
}

func (f *fakeAWS) register(env *testsuite.TestWorkflowEnvironment) {
	env.RegisterActivityWithOptions(f.resolve, activity.RegisterOptions{Name: model.PlanActResolveSelection})
	env.RegisterActivityWithOptions(f.list, activity.RegisterOptions{Name: model.PlanActListRecoveryPoints})
	env.RegisterActivityWithOptions(f.startBackup, activity.RegisterOptions{Name: model.ActStartBackupJob})
	env.RegisterActivityWithOptions(f.pollBackup, activity.RegisterOptions{Name: model.ActPollBackupJob})
	env.RegisterActivityWithOptions(f.describePoint, activity.RegisterOptions{Name: model.ActDescribeRecoveryPoint})
	env.RegisterActivityWithOptions(f.enqueue, activity.RegisterOptions{Name: model.ActEnqueueCopy})
	// The listener runs on the test environment's main loop, where signalling is safe.
	env.SetOnActivityCompletedListener(func(info *activity.Info, result converter.EncodedValue, err error) {
		if info.ActivityType.Name != model.ActEnqueueCopy || err != nil {
			return
		}
		var out model.EnqueueCopyOutput
		if result.Get(&out) != nil {
			return
		}
		requester := info.WorkflowExecution.ID
		in, ok := f.order(requester, out.ChainWorkflowId)
		if !ok || in.Order.RequesterWorkflowId != requester {
			return
		}
		answer, delay := f.chainAnswer(in, out.ChainWorkflowId, env.Now())
		// A late answer finds its requester gone, as a real chain's signal would.
		send := func() { _ = env.SignalWorkflowByID(requester, model.SignalCopyResult, answer) }
		if delay > 0 {
			env.RegisterDelayedCallback(send, delay)
			return
		}
		send()
	})
}

// order finds the hand-over a requester made to a chain.
func (f *fakeAWS) order(requester, chain string) (model.EnqueueCopyInput, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.enqueued) - 1; i >= 0; i-- {
		if e := f.enqueued[i]; e.Order.RequesterWorkflowId == requester && model.ChainWorkflowID(e.Key) == chain {
			return e, true
		}
	}
	return model.EnqueueCopyInput{}, false
}

// chainAnswer is the chain's model.SignalCopyResult for one order, and when to send it.
func (f *fakeAWS) chainAnswer(in model.EnqueueCopyInput, chain string, now time.Time) (model.DestinationResult, time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := in.Key.ResourceArn + " -> " + in.Key.DestinationRegion
	if f.copies == nil {
		f.copies = map[string]int{}
	}
	f.copies[chain]++
	n := f.copies[chain]
	kind := model.CopyIncremental
	if n == 1 {
		kind = model.CopyFull
	}
	rec := model.CopyRecord{
		SourceRecoveryPointArn:    in.Order.SourceRecoveryPointArn,
		ResourceArn:               in.Key.ResourceArn,
		DestinationRegion:         in.Key.DestinationRegion,
		DestinationBackupVaultArn: in.Key.DestinationBackupVaultArn,
		CopyJobId:                 fmt.Sprintf("copy-job|%s|%d", chain, n),
		Kind:                      kind,
		State:                     model.JobCompleted,
		BackupSizeInBytes:         int64(n) << 20,
		Attempts:                  1,
		CompletedAt:               now.Add(f.copyDelay[key]),
	}
	answer := model.DestinationResult{
		Destination:     model.Destination{BackupVaultArn: in.Key.DestinationBackupVaultArn, Lifecycle: in.Order.Lifecycle},
		ChainWorkflowId: chain,
		Record:          &rec,
	}
	if msg, ok := f.copyFail[key]; ok {
		rec.State, rec.StatusMessage, rec.CompletedAt = model.JobFailed, msg, time.Time{}
		answer.Error = msg
	} else if msg, ok := f.copySuperseded[key]; ok {
		rec.State, rec.StatusMessage, rec.CompletedAt, rec.CopyJobId, rec.Kind = model.RecordSuperseded, msg, time.Time{}, "", ""
	} else {
		rec.DestinationRecoveryPointArn = fmt.Sprintf("arn:aws:backup:%s:123456789012:recovery-point:copy-%d", in.Key.DestinationRegion, n)
	}
	return answer, f.copyDelay[key]
}

func (f *fakeAWS) resolve(_ context.Context, in model.ResolvePlanSelectionInput) (model.ResolvePlanSelectionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resolveCalls = append(f.resolveCalls, in)
	out := model.ResolvePlanSelectionOutput{TimeScale: 1}
	if in.AfterArn == "" {
		out.Rejected = f.rejected
	}
	for _, r := range f.resources {
		if r.ResourceArn <= in.AfterArn {
			continue
		}
		if in.Limit > 0 && len(out.Resources) == in.Limit {
			out.More = true
			break
		}
		out.Resources = append(out.Resources, r)
	}
	return out, nil
}

func (f *fakeAWS) list(_ context.Context, in model.ListPlanRecoveryPointsInput) (model.ListPlanRecoveryPointsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listCalls = append(f.listCalls, in)
	out := model.ListPlanRecoveryPointsOutput{TimeScale: 1, RecoveryPoints: []model.RecoveryPoint{}}
	for _, p := range f.points {
		if p.RecoveryPointArn > in.AfterArn && p.CreationDate.After(in.CreatedAfter) && !p.CreationDate.After(in.CreatedBefore) {
			out.RecoveryPoints = append(out.RecoveryPoints, p)
		}
	}
	return out, nil
}

func (f *fakeAWS) startBackup(_ context.Context, in model.StartBackupJobInput) (model.StartBackupJobOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.starts = append(f.starts, in)
	if err := f.startErr[in.ResourceArn]; err != nil {
		return model.StartBackupJobOutput{}, err
	}
	// The job id encodes the resource, so the poll knows whose job it is.
	return model.StartBackupJobOutput{BackupJobId: "job|" + in.ResourceArn + "|" + in.IdempotencyToken, RecoveryPointArn: "rp|" + in.IdempotencyToken}, nil
}

func (f *fakeAWS) pollBackup(_ context.Context, in model.PollBackupJobInput) (model.BackupJob, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	parts := strings.Split(in.BackupJobId, "|")
	arn, token := parts[1], parts[2]
	state := model.JobCompleted
	if s, ok := f.jobEnd[arn]; ok {
		state = s
	}
	typ := "EBS"
	switch {
	case strings.Contains(arn, ":dynamodb:"):
		typ = "DynamoDB"
	case strings.Contains(arn, ":elasticfilesystem:"):
		typ = "EFS"
	}
	return model.BackupJob{
		Region: in.Region, BackupJobId: in.BackupJobId, State: state, StatusMessage: "scripted " + state,
		RecoveryPointArn: "rp|" + token, ResourceArn: arn, ResourceType: typ,
		CreationDate: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC),
	}, nil
}

func (f *fakeAWS) describePoint(_ context.Context, in model.DescribeRecoveryPointInput) (model.RecoveryPoint, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.describe[in.RecoveryPointArn]
	if !ok {
		return model.RecoveryPoint{}, temporal.NewNonRetryableApplicationError("no such point "+in.RecoveryPointArn, model.ErrNotFound, nil)
	}
	return p, nil
}

func (f *fakeAWS) enqueue(_ context.Context, in model.EnqueueCopyInput) (model.EnqueueCopyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enqueued = append(f.enqueued, in)
	return model.EnqueueCopyOutput{ChainWorkflowId: model.ChainWorkflowID(in.Key), RunId: "run"}, nil
}

// copyOrders and expectations split the hand-overs into copy orders and RPO
// expectations (model.CopyOrder.IsExpectation).
func (f *fakeAWS) copyOrders() []model.EnqueueCopyInput { return f.handOvers(false) }

func (f *fakeAWS) expectations() []model.EnqueueCopyInput { return f.handOvers(true) }

func (f *fakeAWS) handOvers(expectations bool) []model.EnqueueCopyInput {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []model.EnqueueCopyInput
	for _, e := range f.enqueued {
		if e.Order.IsExpectation() == expectations {
			out = append(out, e)
		}
	}
	return out
}

func (f *fakeAWS) enqueuedPairs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, e := range f.enqueued {
		out = append(out, e.Key.ResourceArn+" -> "+e.Key.DestinationRegion)
	}
	slices.Sort(out)
	return out
}

// hourlyRule is a backup rule over the fake's resources with two copy actions.
func hourlyRule() model.PlanRunInput {
	return model.PlanRunInput{
		Plan: "hourly", Rule: "every-hour", Revision: "r1",
		SourceRegion: srcRegion, ScheduleExpression: "cron(0 * * * ? *)",
		BackupVaultName: srcVault, IamRoleArn: roleArn,
		Lifecycle:         model.Lifecycle{DeleteAfterDays: 7},
		RecoveryPointTags: map[string]string{"plan": "hourly"},
		CopyActions: []model.PlanCopyAction{
			{DestinationBackupVaultArn: dstVaultEU, Lifecycle: model.Lifecycle{DeleteAfterDays: 14}, Coalesce: true, RpoMinutes: 120},
			{DestinationBackupVaultArn: dstVaultUSW},
		},
		Selection: &model.PlanSelection{SelectionName: "all", Resources: []string{"arn:aws:ec2:*:*:volume/*", tableArn}},
	}
}

// newEnv is a test environment with both workflows and the fake's activities, started
// at start with TemporalScheduledStartTime = nominal (zero: not set, as by hand).
func newEnv(t *testing.T, f *fakeAWS, start, nominal time.Time) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	Register(env)
	f.register(env)
	if !nominal.IsZero() {
		if err := env.SetTypedSearchAttributesOnStart(temporal.NewSearchAttributes(scheduledStartTimeKey.ValueSet(nominal))); err != nil {
			t.Fatal(err)
		}
	}
	return env
}
