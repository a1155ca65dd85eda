package workflows_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/devstack"
	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
	"github.com/regioncopy/regioncopy/workflows"
)

// versionsTimeScale makes an AWS hour last one wall-clock second: a copy job of hours
// runs for seconds, and no lifecycle timer of days fires while a test runs.
const versionsTimeScale = 3600

// startVersionsStack starts the dev server, the emulator (configured by emu) and the real
// worker, or skips the test when no dev server binary is named.
func startVersionsStack(t *testing.T, ctx context.Context, emu emulator.Config) *devstack.Stack {
	t.Helper()
	bin := os.Getenv("REGIONCOPY_TEMPORAL_BIN")
	if bin == "" || testing.Short() {
		t.Skip("needs the Temporal dev server: set REGIONCOPY_TEMPORAL_BIN (make test does)")
	}
	stack, err := devstack.Start(ctx, devstack.Options{
		Temporal: devstack.TemporalOptions{Binary: bin, Headless: true}, TimeScale: versionsTimeScale,
		NoSamplePlan: true, Emulator: emu,
	})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, stack.Stop()) })
	return stack
}

// sampleRequest asks for the sample's recovery point to be copied to dests.
func sampleRequest(stack *devstack.Stack, dests ...model.Destination) model.CopyRequest {
	s := stack.Sample
	return model.CopyRequest{SourceRegion: s.SourceRegion, RecoveryPointArn: s.RecoveryPointArns[0],
		SourceBackupVaultName: s.VaultName, IamRoleArn: s.IamRoleArn, TimeScale: stack.TimeScale, Destinations: dests}
}

func startRequest(t *testing.T, ctx context.Context, stack *devstack.Stack, req model.CopyRequest) client.WorkflowRun {
	t.Helper()
	run, err := stack.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.RequestWorkflowID(req),
		TaskQueue: stack.TaskQueue}, model.WorkflowCopyRecoveryPoint, req)
	require.NoError(t, err)
	return run
}

// chainRecord waits (up to 20 s) for the chain's record of source that satisfies done.
func chainRecord(t *testing.T, ctx context.Context, c client.Client, chainID, source string, done func(model.CopyRecord) bool) model.CopyRecord {
	t.Helper()
	var records []model.CopyRecord
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		records = nil
		if v, err := c.QueryWorkflow(ctx, chainID, "", model.QueryCopies); err == nil && v.Get(&records) == nil {
			for _, r := range records {
				if r.SourceRecoveryPointArn == source && done(r) {
					return r
				}
			}
		}
	}
	t.Fatalf("chain %s: no record of %s as awaited; records %+v", chainID, source, records)
	return model.CopyRecord{}
}

// TestCanceledRequestOnDevServer cancels a CopyRecoveryPoint request on the dev server,
// with the real worker and the emulator, while it waits for one of its two chains: the
// chain into us-west-2 has answered with the copy an earlier request made, the copy to
// eu-west-1 (a slow link) runs. The request
// ends canceled at once, its result (the cancellation's details and its status) the
// landed copy and a CANCELED eu-west-1 naming the chain; the chain keeps the order and
// lands the copy, its answer to the closed request lost. Both histories are recorded
// for the replay test (request-canceled.json, chain-request-canceled.json).
func TestCanceledRequestOnDevServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s := devstack.DefaultSample()
	// The 2 GiB sample takes four AWS hours (four seconds) to reach eu-west-1.
	stack := startVersionsStack(t, ctx, emulator.Config{PairBandwidth: map[string]float64{
		s.SourceRegion + ">" + s.DestinationRegions[0]: float64(s.SampleResource().SizeBytes) / (4 * 3600)}})
	slow, fast := stack.Sample.DestinationVaultArns[0], stack.Sample.DestinationVaultArns[1]
	lc := model.Lifecycle{DeleteAfterDays: 35}
	// The emulator runs one job of a resource at a time, as AWS does: the copy to
	// us-west-2 is made first, so that the request's chain there answers at once.
	var first model.CopyRequestResult
	require.NoError(t, startRequest(t, ctx, stack, sampleRequest(stack, model.Destination{BackupVaultArn: fast, Lifecycle: lc})).Get(ctx, &first))
	require.Len(t, first.Results, 1)
	require.Empty(t, first.Results[0].Error)
	req := sampleRequest(stack, model.Destination{BackupVaultArn: slow, Lifecycle: lc}, model.Destination{BackupVaultArn: fast, Lifecycle: lc})
	run := startRequest(t, ctx, stack, req)
	started := time.Now()

	status := func() model.RequestStatus {
		v, err := stack.Client.QueryWorkflow(ctx, run.GetID(), "", model.QueryStatus)
		require.NoError(t, err)
		var st model.RequestStatus
		require.NoError(t, v.Get(&st))
		return st
	}
	require.Eventually(t, func() bool {
		st := status()
		return len(st.Destinations) == 2 && st.Destinations[1].Result != nil && st.Destinations[0].ChainWorkflowId != ""
	}, 20*time.Second, 50*time.Millisecond, "the chain into %s answers while the copy to %s runs", fast, slow)
	st := status()
	require.Nil(t, st.Destinations[0].Result, "the slow copy is still running after %s: the test would not cancel a request waiting; %+v",
		time.Since(started), st.Destinations[0].Result)
	slowChain := st.Destinations[0].ChainWorkflowId

	require.NoError(t, stack.Client.CancelWorkflow(ctx, run.GetID(), ""))
	err := run.Get(ctx, nil)
	var canceled *temporal.CanceledError
	require.True(t, errors.As(err, &canceled), "the request ends canceled, got %v", err)
	var res model.CopyRequestResult
	require.NoError(t, canceled.Details(&res))
	require.Len(t, res.Results, 2)
	assert.Equal(t, req.RecoveryPointArn, res.RecoveryPoint.RecoveryPointArn)
	gone := res.Results[0]
	assert.True(t, gone.Canceled)
	assert.Equal(t, slow, gone.Destination.BackupVaultArn)
	assert.Equal(t, slowChain, gone.ChainWorkflowId)
	assert.Nil(t, gone.Record)
	assert.Contains(t, gone.Error, "the request was canceled before chain "+slowChain+" answered")
	landed := res.Results[1]
	assert.False(t, landed.Canceled)
	assert.Empty(t, landed.Error)
	require.NotNil(t, landed.Record)
	assert.Equal(t, model.JobCompleted, landed.Record.State)
	assert.Equal(t, model.CopyFull, landed.Record.Kind)
	assert.Equal(t, first.Results[0].Record.DestinationRecoveryPointArn, landed.Record.DestinationRecoveryPointArn)

	st = status()
	assert.Equal(t, model.RequestCanceled, st.State)
	require.Len(t, st.Destinations, 2)
	require.NotNil(t, st.Destinations[0].Result)
	assert.True(t, st.Destinations[0].Result.Canceled)
	desc, err := stack.Client.DescribeWorkflow(ctx, run.GetID(), "")
	require.NoError(t, err)
	assert.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED, desc.Status)
	state, _ := desc.TypedSearchAttributes.GetKeyword(model.CopyStateKey)
	assert.Equal(t, model.RequestCanceled, state)

	// The chain kept the order: the copy lands there, as the canceled result said it may.
	rec := chainRecord(t, ctx, stack.Client, slowChain, req.RecoveryPointArn, func(r model.CopyRecord) bool {
		return r.State == model.JobCompleted && !r.DeleteAt.IsZero()
	})
	assert.Equal(t, model.CopyFull, rec.Kind)
	assert.Equal(t, int64(2), stack.Emulator.Emulator.Counters().CopyJobs, "one copy job per destination")

	temporaltest.ReplayAndKeep(t, ctx, stack.Client, workflows.Register, run.GetID(), "request-canceled.json")
	// The chain's answer to the closed request comes after the record is COMPLETED; wait
	// for it, so the history holds the failed answer (AnswerRequester, a local activity,
	// finds the request closed).
	require.Eventually(t, func() bool {
		for _, e := range temporaltest.History(t, ctx, stack.Client, slowChain).Events {
			if m := e.GetMarkerRecordedEventAttributes(); m != nil && m.GetFailure() != nil &&
				strings.Contains(m.GetFailure().GetMessage(), run.GetID()) {
				return true
			}
		}
		return false
	}, 10*time.Second, 100*time.Millisecond, "the chain's answer to the canceled request fails")
	temporaltest.ReplayAndKeep(t, ctx, stack.Client, workflows.Register, slowChain, "chain-request-canceled.json")
}

// TestOrderRulesChangeLifecycleOnDevServer copies the sample's recovery point with the
// seed rules, then asks for it again with a rules document (AWS's late-2025 rules, with
// EBS cold storage allowed) and a lifecycle that moves the copy to cold storage. The seed
// rules refuse cold storage for EBS; the chain checks the change with the order's rules
// (order-lifecycle-follows-order-rules), so the existing copy's lifecycle changes in AWS
// and no second copy is made. The request's and the chain's histories are recorded for
// the replay test (request-order-rules.json, chain-order-rules.json).
func TestOrderRulesChangeLifecycleOnDevServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	stack := startVersionsStack(t, ctx, emulator.Config{ColdStorageTypes: []string{policy.TypeEBS, policy.TypeEFS}})
	vault := stack.Sample.DestinationVaultArns[0]

	first := sampleRequest(stack, model.Destination{BackupVaultArn: vault, Lifecycle: model.Lifecycle{DeleteAfterDays: 35}})
	var res model.CopyRequestResult
	require.NoError(t, startRequest(t, ctx, stack, first).Get(ctx, &res))
	require.Len(t, res.Results, 1)
	require.Empty(t, res.Results[0].Error)
	copied := *res.Results[0].Record
	assert.Equal(t, model.CopyFull, copied.Kind)
	chainID := res.Results[0].ChainWorkflowId

	rules, err := policy.LoadFile(filepath.Join("..", "policy", "testdata", "aws-late-2025.json"))
	require.NoError(t, err)
	rules.ColdStorageResourceTypes = append(rules.ColdStorageResourceTypes, policy.TypeEBS)
	cold := model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 400}
	require.Error(t, policy.Default().CheckLifecycle(policy.TypeEBS, cold, "Lifecycle"), "the seed rules refuse the change")
	second := sampleRequest(stack, model.Destination{BackupVaultArn: vault, Lifecycle: cold})
	second.Rules = rules.Encode()
	run := startRequest(t, ctx, stack, second)
	res = model.CopyRequestResult{}
	require.NoError(t, run.Get(ctx, &res))
	require.Len(t, res.Results, 1)
	require.Empty(t, res.Results[0].Error)
	changed := *res.Results[0].Record
	assert.Equal(t, chainID, res.Results[0].ChainWorkflowId)
	assert.Equal(t, copied.DestinationRecoveryPointArn, changed.DestinationRecoveryPointArn, "the existing copy, not a new one")
	assert.Equal(t, cold, changed.Lifecycle)
	assert.Contains(t, changed.StatusMessage,
		"lifecycle changed from DeleteAfterDays=35 to MoveToColdStorageAfterDays=30 DeleteAfterDays=400 by a new order")
	assert.True(t, changed.MoveToColdStorageAt.Equal(copied.SourceCreationDate.Add(30*24*time.Hour)), "cold at %v", changed.MoveToColdStorageAt)
	assert.True(t, changed.DeleteAt.Equal(copied.SourceCreationDate.Add(400*24*time.Hour)), "deleted at %v", changed.DeleteAt)

	// AWS holds the new lifecycle, and copied once.
	described, err := stack.Emulator.Client(model.RegionFromArn(vault)).DescribeRecoveryPoint(ctx, &backup.DescribeRecoveryPointInput{
		BackupVaultName: aws.String(model.VaultNameFromArn(vault)), RecoveryPointArn: aws.String(copied.DestinationRecoveryPointArn)})
	require.NoError(t, err)
	require.NotNil(t, described.Lifecycle)
	assert.Equal(t, int64(30), aws.ToInt64(described.Lifecycle.MoveToColdStorageAfterDays))
	assert.Equal(t, int64(400), aws.ToInt64(described.Lifecycle.DeleteAfterDays))
	assert.Equal(t, int64(1), stack.Emulator.Emulator.Counters().CopyJobs)
	rec := chainRecord(t, ctx, stack.Client, chainID, first.RecoveryPointArn, func(r model.CopyRecord) bool { return r.Lifecycle == cold })
	assert.Equal(t, model.JobCompleted, rec.State)

	temporaltest.ReplayAndKeep(t, ctx, stack.Client, workflows.Register, run.GetID(), "request-order-rules.json")
	temporaltest.ReplayAndKeep(t, ctx, stack.Client, workflows.Register, chainID, "chain-order-rules.json")
}
