package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
)

func TestChainLifecycleUpdateMovesTheExpiryTimer(t *testing.T) {
	h := newChainHarness(t)
	o1 := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 100}, "")
	o2 := h.order(2, t0.Add(time.Hour), model.Lifecycle{DeleteAfterDays: 1000}, "")
	h.send(time.Minute, o1)
	h.send(time.Hour, o2)
	u := &testUpdate{t: t}
	h.at(5*day, func() {
		copies, _ := h.observe()
		h.env.UpdateWorkflow(model.UpdateSetLifecycle, "shorten", u, model.SetLifecycleRequest{
			DestinationRecoveryPointArn: copies[0].DestinationRecoveryPointArn,
			Lifecycle:                   model.Lifecycle{DeleteAfterDays: 20},
		})
	})
	h.run(30*day, nil)

	require.NoError(t, u.rejected)
	require.NoError(t, u.err)
	updated, ok := u.result.(model.CopyRecord)
	require.True(t, ok, "the update returns the copy's record, got %T", u.result)
	assert.Equal(t, t0.Add(20*day), updated.DeleteAt, "DeleteAt as AWS recalculated it")
	assert.Equal(t, int64(20), updated.Lifecycle.DeleteAfterDays)

	updates := h.aws.calls().updates
	require.Len(t, updates, 1)
	assert.Equal(t, model.Lifecycle{DeleteAfterDays: 20}, updates[0].Lifecycle)
	assert.Equal(t, dstRegion, updates[0].Region)

	first := recordFor(t, h.copies, o1.SourceRecoveryPointArn)
	assert.Equal(t, model.RecordDeleted, first.State)
	assert.WithinDuration(t, t0.Add(20*day), first.DeletedAt, time.Minute, "deleted on the new schedule, not at day 100")
}

func TestChainLifecycleUpdateValidator(t *testing.T) {
	h := newChainHarness(t)
	o := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 100}, "")
	h.send(time.Minute, o)
	type attempt struct {
		name  string
		req   func(dest string) model.SetLifecycleRequest
		field string
		rule  string
		u     *testUpdate
	}
	attempts := []*attempt{
		{name: "cold for EBS", field: "Lifecycle.MoveToColdStorageAfterDays", rule: policy.RuleColdStorageUnsupported,
			req: func(dest string) model.SetLifecycleRequest {
				return model.SetLifecycleRequest{DestinationRecoveryPointArn: dest,
					Lifecycle: model.Lifecycle{MoveToColdStorageAfterDays: 10, DeleteAfterDays: 200}}
			}},
		{name: "negative", field: "Lifecycle.DeleteAfterDays", rule: policy.RuleLifecycleNonNegative,
			req: func(dest string) model.SetLifecycleRequest {
				return model.SetLifecycleRequest{DestinationRecoveryPointArn: dest, Lifecycle: model.Lifecycle{DeleteAfterDays: -1}}
			}},
		{name: "empty", field: "Lifecycle", rule: policy.RuleRequired,
			req: func(dest string) model.SetLifecycleRequest {
				return model.SetLifecycleRequest{DestinationRecoveryPointArn: dest}
			}},
	}
	// A copy the chain does not hold is not known without asking AWS: the handler
	// describes it and refuses it.
	unknown := &testUpdate{t: t}
	h.at(day, func() {
		copies, _ := h.observe()
		for _, a := range attempts {
			a.u = &testUpdate{t: t}
			h.env.UpdateWorkflow(model.UpdateSetLifecycle, a.name, a.u, a.req(copies[0].DestinationRecoveryPointArn))
		}
		h.env.UpdateWorkflow(model.UpdateSetLifecycle, "unknown copy", unknown, model.SetLifecycleRequest{
			DestinationRecoveryPointArn: "arn:aws:ec2:eu-west-1::snapshot/snap-0ffffffffffffffff", Lifecycle: model.Lifecycle{DeleteAfterDays: 10}})
	})
	h.run(2*day, nil)

	require.NoError(t, unknown.rejected)
	require.Error(t, unknown.err)
	assert.Contains(t, unknown.err.Error(), RuleNoSuchCopy)

	for _, a := range attempts {
		require.Error(t, a.u.rejected, a.name)
		assert.Contains(t, a.u.rejected.Error(), a.field, a.name)
		assert.Contains(t, a.u.rejected.Error(), a.rule, a.name)
	}
	assert.Empty(t, h.aws.calls().updates, "a rejected update never reaches AWS")
}

func TestChainColdTransitionCannotBeUndone(t *testing.T) {
	h := newChainHarness(t)
	// EFS supports cold storage.
	h.aws.addSource(1, t0)
	src := h.aws.points[snapshotArn(1)]
	src.ResourceType = "EFS"
	h.aws.points[src.RecoveryPointArn] = src
	key := chainKey
	key.ResourceType = "EFS"
	o := model.CopyOrder{SourceRecoveryPointArn: src.RecoveryPointArn, SourceBackupVaultName: srcVault,
		SourceCreationDate: t0, IamRoleArn: roleArn,
		Lifecycle: model.Lifecycle{MoveToColdStorageAfterDays: 7, DeleteAfterDays: 200}}
	h.send(time.Minute, o)
	undo, keep := &testUpdate{t: t}, &testUpdate{t: t}
	h.at(10*day, func() {
		copies, _ := h.observe()
		dest := copies[0].DestinationRecoveryPointArn
		h.env.UpdateWorkflow(model.UpdateSetLifecycle, "undo", undo, model.SetLifecycleRequest{DestinationRecoveryPointArn: dest,
			Lifecycle: model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 200}})
		h.env.UpdateWorkflow(model.UpdateSetLifecycle, "keep", keep, model.SetLifecycleRequest{DestinationRecoveryPointArn: dest,
			Lifecycle: model.Lifecycle{MoveToColdStorageAfterDays: 7, DeleteAfterDays: 300}})
	})
	h.run(11*day, &ChainInput{ChainStart: model.ChainStart{Key: key}})

	require.Error(t, undo.rejected)
	assert.Contains(t, undo.rejected.Error(), RuleColdIsFinal)
	require.NoError(t, keep.rejected)
	require.NoError(t, keep.err)
	assert.Equal(t, t0.Add(300*day), keep.result.(model.CopyRecord).DeleteAt)
}

func TestChainContinuesAsNewKeepingState(t *testing.T) {
	h := newChainHarness(t)
	o1 := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 100}, "req-1")
	o2 := h.order(2, t0.Add(time.Hour), model.Lifecycle{DeleteAfterDays: 100}, "req-2")
	h.send(time.Minute, o1)
	h.at(day, func() { h.env.SetContinueAsNewSuggested(true) })
	h.send(day+time.Minute, o2) // wakes the chain, which continues as new carrying the order
	h.env.ExecuteWorkflow(model.WorkflowCopyChain, ChainInput{ChainStart: model.ChainStart{Key: chainKey, TimeScale: 1}})

	require.True(t, h.env.IsWorkflowCompleted())
	err := h.env.GetWorkflowError()
	require.True(t, workflow.IsContinueAsNewError(err), "got %v", err)
	var can *workflow.ContinueAsNewError
	require.ErrorAs(t, err, &can)
	assert.Equal(t, model.WorkflowCopyChain, can.WorkflowType.Name)
	var next ChainInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	assert.Equal(t, chainKey, next.Key)
	assert.Equal(t, float64(1), next.TimeScale)
	require.NotNil(t, next.State)
	require.NotNil(t, next.State.Newest)
	assert.Equal(t, model.JobCompleted, next.State.Newest.Record.State)
	assert.Equal(t, o1.SourceRecoveryPointArn, next.State.Newest.Record.SourceRecoveryPointArn)
	require.Len(t, next.State.Pending, 1, "the order that woke the chain is carried, not lost")
	assert.Equal(t, o2.SourceRecoveryPointArn, next.State.Pending[0].Order.SourceRecoveryPointArn)
	assert.Equal(t, []string{"req-2"}, next.State.Pending[0].Requesters)
	assert.Len(t, h.aws.calls().starts, 1)

	// The next run picks up where the first left off: the carried order is copied
	// incrementally (the first copy is still alive), and the first copy still expires.
	h2 := newChainHarnessOn(t, h.aws)
	h2.env.SetStartTime(t0.Add(day + time.Minute))
	h2.run(120*day, &next)
	require.Len(t, h2.copies, 2)
	assert.Equal(t, model.RecordDeleted, recordFor(t, h2.copies, o1.SourceRecoveryPointArn).State)
	second := recordFor(t, h2.copies, o2.SourceRecoveryPointArn)
	assert.Equal(t, model.CopyIncremental, second.Kind)
	assert.Equal(t, 2, h2.status.CopiesTotal)
	assert.Len(t, h2.resultsFor("req-2"), 1)
}

// TestChainContinuesAsNewAfterMaxRecords: a run continues as new once it has logged
// maxRunRecords records (its 30th copy here), carrying its newest copy, a count of the
// others, its latest records and the orders not yet copied.
func TestChainContinuesAsNewAfterMaxRecords(t *testing.T) {
	h := newChainHarness(t)
	h.aws.jobDuration = time.Minute
	const orders = maxRunRecords + 2
	for i := 1; i <= orders; i++ {
		h.send(time.Duration(i)*time.Second, h.order(i, t0.Add(time.Duration(i)*time.Second), model.Lifecycle{}, ""))
	}
	h.env.ExecuteWorkflow(model.WorkflowCopyChain, ChainInput{ChainStart: model.ChainStart{Key: chainKey}})

	err := h.env.GetWorkflowError()
	require.True(t, workflow.IsContinueAsNewError(err), "got %v", err)
	var can *workflow.ContinueAsNewError
	require.ErrorAs(t, err, &can)
	var next ChainInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	require.NotNil(t, next.State)
	assert.Equal(t, maxRunRecords, next.State.CopiesTotal)
	require.NotNil(t, next.State.Newest, "the newest copy is carried")
	assert.Equal(t, maxRunRecords-1, next.State.OtherLive, "the other live copies are counted, not carried")
	assert.Len(t, next.State.Recent, maxRecentRecords)
	assert.Len(t, next.State.Pending, orders-maxRunRecords, "the orders not yet copied are carried")
	assert.Equal(t, 1, next.State.FullCopies)
	assert.Len(t, h.aws.calls().starts, maxRunRecords)
}

func TestChainGuardsAnOldNewestCopyAtOnce(t *testing.T) {
	h := newChainHarness(t)
	// The source is 40 days old and its copy's lifecycle says 35: AWS would delete the
	// copy at once, but it is the chain's only (so newest) copy.
	o := h.order(1, t0.Add(-40*day), model.Lifecycle{DeleteAfterDays: 35}, "")
	h.send(time.Minute, o)
	h.run(3*day, nil)

	rec := recordFor(t, h.copies, o.SourceRecoveryPointArn)
	assert.Equal(t, model.JobCompleted, rec.State)
	require.False(t, rec.ExtendedUntil.IsZero())
	assert.True(t, rec.ExtendedUntil.After(t0.Add(3*day+GuardMargin)), "extended well beyond now: %s", rec.ExtendedUntil)
	assert.Empty(t, h.aws.calls().deletes)
}

func TestChainRetriesAFailedDeletionLater(t *testing.T) {
	h := newChainHarness(t)
	h.aws.deleteErrs = []error{temporal.NewNonRetryableApplicationError(
		"Recovery point is being used by a restore job", model.ErrInvalidState, nil)}
	o1 := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 10}, "")
	o2 := h.order(2, t0.Add(day), model.Lifecycle{DeleteAfterDays: 100}, "")
	h.send(time.Minute, o1)
	h.send(day, o2)
	var afterFailure model.CopyRecord
	h.at(10*day+30*time.Minute, func() {
		copies, _ := h.observe()
		afterFailure = recordFor(t, copies, o1.SourceRecoveryPointArn)
	})
	h.run(12*day, nil)

	assert.Equal(t, model.JobCompleted, afterFailure.State, "still there after the refused deletion")
	assert.Contains(t, afterFailure.StatusMessage, "being used by a restore job")
	first := recordFor(t, h.copies, o1.SourceRecoveryPointArn)
	assert.Equal(t, model.RecordDeleted, first.State)
	assert.WithinDuration(t, t0.Add(10*day+DeleteRetryDelay), first.DeletedAt, time.Minute)
	assert.Len(t, h.aws.calls().deletes, 2)
}
