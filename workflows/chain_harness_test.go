package workflows

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"

	"github.com/regioncopy/regioncopy/model"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// testRunID is the run id the SDK's test environment gives every workflow.
const testRunID = "default-test-run-id"

var chainKey = model.ChainKey{
	ResourceArn: volumeArn, ResourceType: "EBS", SourceRegion: srcRegion,
	DestinationRegion: dstRegion, DestinationBackupVaultArn: dstVaultArn,
}

// chainHarness runs one CopyChain in the SDK testsuite against fakeAWS, catching the
// results it signals back to requesters.
type chainHarness struct {
	t   *testing.T
	env *testsuite.TestWorkflowEnvironment
	aws *fakeAWS
	id  string

	mu      sync.Mutex
	results map[string][]model.DestinationResult // by requester workflow id
	// onResult, when set, sees each result as it is signalled (on the mock's goroutine).
	onResult func(requester string, res model.DestinationResult)

	// Observed at the end of the run, just before the chain is canceled.
	copies []model.CopyRecord
	status model.ChainStatus
}

func newChainHarness(t *testing.T) *chainHarness { return newChainHarnessOn(t, newFakeAWS()) }

// newChainHarnessOn runs the chain against an existing fake, as a later run would find AWS.
func newChainHarnessOn(t *testing.T, aws *fakeAWS) *chainHarness {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(t0)
	Register(env)
	h := &chainHarness{t: t, env: env, aws: aws, id: model.ChainWorkflowID(chainKey),
		results: map[string][]model.DestinationResult{}}
	h.aws.install(env)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: h.id, TaskQueue: model.DefaultTaskQueue})
	deliver := func(workflowID string, res model.DestinationResult) {
		h.mu.Lock()
		h.results[workflowID] = append(h.results[workflowID], res)
		onResult := h.onResult
		h.mu.Unlock()
		if onResult != nil {
			onResult(workflowID, res)
		}
	}
	// Chains answer through AnswerRequester; runs of the version before changeLocalCalls
	// signal as a command.
	h.aws.answer = func(_ context.Context, in model.AnswerRequesterInput) error {
		deliver(in.RequesterWorkflowId, in.Result)
		return nil
	}
	env.OnSignalExternalWorkflow(mock.Anything, mock.Anything, mock.Anything, model.SignalCopyResult, mock.Anything).Return(
		func(_, workflowID, _, _ string, arg any) error {
			deliver(workflowID, arg.(model.DestinationResult))
			return nil
		})
	return h
}

// order is an order for source snapshot n, created at created.
func (h *chainHarness) order(n int, created time.Time, lc model.Lifecycle, requester string) model.CopyOrder {
	arn := h.aws.addSource(n, created)
	return model.CopyOrder{
		SourceRecoveryPointArn: arn, SourceBackupVaultName: srcVault, SourceCreationDate: created,
		IamRoleArn: roleArn, Lifecycle: lc, RequesterWorkflowId: requester,
	}
}

// send delivers an order at simulated time at (relative to the start).
func (h *chainHarness) send(at time.Duration, o model.CopyOrder) {
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(model.SignalCopy, o) }, at)
}

// at runs fn at simulated time at.
func (h *chainHarness) at(at time.Duration, fn func()) { h.env.RegisterDelayedCallback(fn, at) }

// observe captures the chain's copies and status.
func (h *chainHarness) observe() ([]model.CopyRecord, model.ChainStatus) {
	var copies []model.CopyRecord
	v, err := h.env.QueryWorkflow(model.QueryCopies)
	require.NoError(h.t, err)
	require.NoError(h.t, v.Get(&copies))
	var status model.ChainStatus
	v, err = h.env.QueryWorkflow(model.QueryStatus)
	require.NoError(h.t, err)
	require.NoError(h.t, v.Get(&status))
	return copies, status
}

// run starts the chain, observes it at end and cancels it there.
func (h *chainHarness) run(end time.Duration, in *ChainInput) {
	h.at(end, func() {
		h.copies, h.status = h.observe()
		h.env.CancelWorkflow()
	})
	if in == nil {
		in = &ChainInput{ChainStart: model.ChainStart{Key: chainKey}}
	}
	h.env.ExecuteWorkflow(model.WorkflowCopyChain, *in)
	require.True(h.t, h.env.IsWorkflowCompleted())
}

func (h *chainHarness) resultsFor(requester string) []model.DestinationResult {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]model.DestinationResult(nil), h.results[requester]...)
}

func recordFor(t *testing.T, copies []model.CopyRecord, sourceArn string) model.CopyRecord {
	t.Helper()
	for _, r := range copies {
		if r.SourceRecoveryPointArn == sourceArn {
			return r
		}
	}
	t.Fatalf("no record for %s in %+v", sourceArn, copies)
	return model.CopyRecord{}
}
