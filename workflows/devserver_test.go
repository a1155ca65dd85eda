package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	sdkpb "go.temporal.io/api/sdk/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"

	"github.com/regioncopy/regioncopy/activities"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

// devTimeScale makes one AWS day last one wall-clock second in the dev server test, as
// the emulator's --time-scale does.
const devTimeScale = 86400

// TestOnDevServer runs both workflows on a real Temporal dev server (the binary named by
// REGIONCOPY_TEMPORAL_BIN) with fakeAWS behind the activity names, on a clock running
// devTimeScale times faster: two requests for two recovery points of one volume, the
// first copy deleted at its expiry, the newest copy guarded, a lifecycle update, the
// search attributes as the UI sees them. The histories it produces are replayed at once;
// with REGIONCOPY_RECORD_HISTORY=1 they are also written to testdata/ for the replay test.
func TestOnDevServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	c := temporaltest.Start(t, model.SearchAttributes...).Client

	aws := newFakeAWS()
	start := time.Now()
	aws.now = func() time.Time { return t0.Add(time.Duration(float64(time.Since(start)) * devTimeScale)) }
	aws.jobDuration = 12 * time.Hour
	aws.pollDelay = func(d time.Duration) time.Duration { return d / devTimeScale }
	aws.enqueue = func(ctx context.Context, in model.EnqueueCopyInput) (model.EnqueueCopyOutput, error) {
		id := model.ChainWorkflowID(in.Key)
		run, err := c.SignalWithStartWorkflow(ctx, id, model.SignalCopy, in.Order, client.StartWorkflowOptions{
			TaskQueue: in.TaskQueue, WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			TypedSearchAttributes: activities.ChainStartSearchAttributes(in.Key, in.Order),
		}, model.WorkflowCopyChain, model.ChainStart{Key: in.Key, TimeScale: in.TimeScale, TaskQueue: in.TaskQueue})
		if err != nil {
			return model.EnqueueCopyOutput{}, err
		}
		return model.EnqueueCopyOutput{ChainWorkflowId: id, RunId: run.GetRunID()}, nil
	}
	aws.answer = func(ctx context.Context, in model.AnswerRequesterInput) error {
		return c.SignalWorkflow(ctx, in.RequesterWorkflowId, "", model.SignalCopyResult, in.Result)
	}

	const taskQueue = "regioncopy-devserver-test"
	startWorker := func() worker.Worker {
		w := worker.New(c, taskQueue, worker.Options{Identity: "regioncopy-workflows-test"})
		Register(w)
		for name, fn := range aws.activities() {
			w.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
		}
		require.NoError(t, w.Start())
		return w
	}
	w := startWorker()
	defer func() { w.Stop() }()

	request := func(n int, deleteAfterDays int64) model.CopyRequest {
		arn := aws.addSource(n, aws.now().Add(-time.Hour))
		return model.CopyRequest{SourceRegion: srcRegion, RecoveryPointArn: arn, SourceBackupVaultName: srcVault,
			IamRoleArn: roleArn, Plan: "devserver", TimeScale: devTimeScale,
			// A long window (six wall minutes): a poll lost with the replaced worker is only
			// retried after its one-minute StartToClose, and a loaded machine is slow.
			CompletionWindow: 365 * day,
			Destinations:     []model.Destination{{BackupVaultArn: dstVaultArn, Lifecycle: model.Lifecycle{DeleteAfterDays: deleteAfterDays}}}}
	}
	copyOnce := func(req model.CopyRequest, meanwhile func()) (model.CopyRequestResult, string) {
		id := RequestWorkflowID(req)
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			StaticSummary:            "copy " + req.RecoveryPointArn}, model.WorkflowCopyRecoveryPoint, req)
		require.NoError(t, err)
		// The same request again follows the same run.
		again, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING}, model.WorkflowCopyRecoveryPoint, req)
		require.NoError(t, err)
		require.Equal(t, run.GetRunID(), again.GetRunID())
		meanwhile()
		var res model.CopyRequestResult
		require.NoError(t, run.Get(ctx, &res))
		return res, id
	}

	// First copy: full, expiring three AWS days after its source was made.
	res1, req1 := copyOnce(request(1, 3), func() {})
	require.Len(t, res1.Results, 1)
	require.Empty(t, res1.Results[0].Error)
	first := res1.Results[0].Record
	assert.Equal(t, model.CopyFull, first.Kind)
	chainID := res1.Results[0].ChainWorkflowId

	// Second copy: incremental; its source is newer, so the first copy may expire.
	// The worker is replaced while the copy job runs: the new one replays both workflows
	// from their histories and finishes the copy, once.
	res2, req2 := copyOnce(request(2, 5), func() {
		require.Eventually(t, func() bool { return aws.calls().jobs == 2 }, 10*time.Second, 10*time.Millisecond)
		w.Stop()
		w = startWorker()
	})
	second := res2.Results[0].Record
	assert.Equal(t, model.CopyIncremental, second.Kind)
	assert.Equal(t, chainID, res2.Results[0].ChainWorkflowId)

	copies := func() []model.CopyRecord {
		v, err := c.QueryWorkflow(ctx, chainID, "", model.QueryCopies)
		require.NoError(t, err)
		var out []model.CopyRecord
		require.NoError(t, v.Get(&out))
		return out
	}
	require.Eventually(t, func() bool {
		return recordFor(t, copies(), first.SourceRecoveryPointArn).State == model.RecordDeleted
	}, 20*time.Second, 200*time.Millisecond, "the first copy is deleted at its expiry")

	// The newest copy is guarded: its expiry is pushed out instead of reached.
	require.Eventually(t, func() bool {
		return !recordFor(t, copies(), second.SourceRecoveryPointArn).ExtendedUntil.IsZero()
	}, 20*time.Second, 200*time.Millisecond, "the newest copy's expiry is extended")

	// A lifecycle update through the validator and the handler.
	handle, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: chainID, UpdateName: model.UpdateSetLifecycle,
		WaitForStage: client.WorkflowUpdateStageCompleted,
		Args: []any{model.SetLifecycleRequest{DestinationRecoveryPointArn: second.DestinationRecoveryPointArn,
			Lifecycle: model.Lifecycle{DeleteAfterDays: 400}}}})
	require.NoError(t, err)
	var updated model.CopyRecord
	require.NoError(t, handle.Get(ctx, &updated))
	assert.Equal(t, second.SourceCreationDate.Add(400*day), updated.DeleteAt)
	rejected, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: chainID, UpdateName: model.UpdateSetLifecycle,
		WaitForStage: client.WorkflowUpdateStageCompleted,
		Args: []any{model.SetLifecycleRequest{DestinationRecoveryPointArn: second.DestinationRecoveryPointArn,
			Lifecycle: model.Lifecycle{DeleteAfterDays: -1}}}})
	if err == nil {
		err = rejected.Get(ctx, nil)
	}
	require.Error(t, err, "the validator refuses a negative lifecycle")
	assert.Contains(t, err.Error(), "Lifecycle.DeleteAfterDays")

	// The same recovery point asked again with another lifecycle is a new request, and the
	// chain changes the existing copy's lifecycle instead of copying again.
	longer := request(2, 500)
	longer.RecoveryPointArn = second.SourceRecoveryPointArn
	resLonger, reqLonger := copyOnce(longer, func() {})
	require.NotEqual(t, req2, reqLonger, "another lifecycle is another request")
	require.Len(t, resLonger.Results, 1)
	require.Empty(t, resLonger.Results[0].Error)
	changed := resLonger.Results[0].Record
	assert.Equal(t, second.DestinationRecoveryPointArn, changed.DestinationRecoveryPointArn)
	assert.Equal(t, second.SourceCreationDate.Add(500*day), changed.DeleteAt)
	assert.Contains(t, changed.StatusMessage, "lifecycle changed from DeleteAfterDays=400 to DeleteAfterDays=500")

	// The UI's view: typed search attributes on the chain.
	desc, err := c.DescribeWorkflow(ctx, chainID, "")
	require.NoError(t, err)
	sa := desc.TypedSearchAttributes
	get := func(k temporal.SearchAttributeKeyKeyword) string { v, _ := sa.GetKeyword(k); return v }
	assert.Equal(t, volumeArn, get(model.ResourceArnKey))
	assert.Equal(t, "EBS", get(model.ResourceTypeKey))
	assert.Equal(t, dstRegion, get(model.DestinationRegionKey))
	assert.Equal(t, "dr", get(model.DestinationVaultKey))
	assert.Equal(t, model.ChainIdle, get(model.CopyStateKey))
	assert.Equal(t, "devserver", get(model.PlanKey))
	count, _ := sa.GetInt64(model.CopyCountKey)
	assert.Equal(t, int64(2), count)

	// The workflow page's current details.
	v, err := c.QueryWorkflow(ctx, chainID, "", "__temporal_workflow_metadata")
	require.NoError(t, err)
	var md sdkpb.WorkflowMetadata
	require.NoError(t, v.Get(&md))
	assert.Contains(t, md.GetCurrentDetails(), "**State:** IDLE · **copies:** 2 (1 full) · **size of copies:** 200.0 GiB")
	assert.Contains(t, md.GetCurrentDetails(), second.DestinationRecoveryPointArn)

	assert.Equal(t, 2, aws.calls().jobs, "two copies, one job each, though each request was made twice and a worker was replaced")

	// A copy costs the same history events however long its job runs: three copies into a
	// second vault, the last one's job ten times longer (many more polls). Workflow task
	// events are left out of the count, since how the server batches them is timing.
	eventsOf := func(id string) int {
		n := 0
		for _, e := range temporaltest.History(t, ctx, c, id).Events {
			switch e.GetEventType() {
			case enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED,
				enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, enumspb.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
			default:
				n++
			}
		}
		return n
	}
	toVault2 := func(n int) model.CopyRequest {
		r := request(n, 0)
		r.Destinations = []model.Destination{{BackupVaultArn: dst2VaultArn}}
		return r
	}
	copiedTo := func(n int) (string, int) {
		res, _ := copyOnce(toVault2(n), func() {})
		require.Empty(t, res.Results[0].Error)
		chain2 := res.Results[0].ChainWorkflowId
		require.Eventually(t, func() bool {
			v, err := c.QueryWorkflow(ctx, chain2, "", model.QueryStatus)
			require.NoError(t, err)
			var st model.ChainStatus
			require.NoError(t, v.Get(&st))
			return st.State == model.ChainIdle && st.CopiesTotal == n-2
		}, 10*time.Second, 50*time.Millisecond)
		return chain2, eventsOf(chain2)
	}
	chain2, n1 := copiedTo(3)
	_, n2 := copiedTo(4)
	aws.setJobDuration(3 * day)
	pollsBefore := aws.calls().pollCalls
	_, n3 := copiedTo(5)
	assert.GreaterOrEqual(t, aws.calls().pollCalls-pollsBefore, 3, "the long job was polled several times")
	assert.Equal(t, n2-n1, n3-n2, "events per copy of %s: short job %d, long job %d", chain2, n2-n1, n3-n2)

	// Replay what the server recorded, and keep it when asked to. Recorded histories are
	// never rewritten, only added: each stands for workflows begun by the code of its day,
	// which the current code must still replay.
	for name, id := range map[string]string{"request.json": req2, "chain.json": chainID, "request-first.json": req1,
		"request-lifecycle-change.json": reqLonger, "chain-order-lifecycle.json": chainID} {
		temporaltest.ReplayAndKeep(t, ctx, c, Register, id, name)
	}
	require.NoError(t, c.TerminateWorkflow(ctx, chainID, "", "test finished"))
}
