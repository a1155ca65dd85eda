package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
)

// TestChainNewOrderChangesAnExistingCopysLifecycle: a second request for a recovery point
// already copied, asking DeleteAfterDays=90 instead of 30, changes the copy's lifecycle in
// AWS (no second copy job), moves its expiry timer and says so in its result.
func TestChainNewOrderChangesAnExistingCopysLifecycle(t *testing.T) {
	h := newChainHarness(t)
	o1 := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 30}, "req-30")
	o2 := h.order(2, t0.Add(time.Hour), model.Lifecycle{DeleteAfterDays: 1000}, "")
	longer := o1
	longer.Lifecycle, longer.RequesterWorkflowId = model.Lifecycle{DeleteAfterDays: 90}, "req-90"
	same := longer
	same.RequesterWorkflowId = "req-90-again"
	h.send(time.Minute, o1)
	h.send(time.Hour, o2)
	h.send(5*day, longer)
	h.send(6*day, same) // the copy already has this lifecycle: answered with the copy as it is
	h.run(40*day, nil)

	assert.Len(t, h.aws.calls().starts, 2, "one copy job per recovery point")
	updates := h.aws.calls().updates
	require.Len(t, updates, 1)
	assert.Equal(t, model.Lifecycle{DeleteAfterDays: 90}, updates[0].Lifecycle)

	res := h.resultsFor("req-90")
	require.Len(t, res, 1)
	assert.Empty(t, res[0].Error)
	assert.Equal(t, int64(90), res[0].Destination.Lifecycle.DeleteAfterDays)
	require.NotNil(t, res[0].Record)
	assert.Equal(t, int64(90), res[0].Record.Lifecycle.DeleteAfterDays)
	assert.Equal(t, t0.Add(90*day), res[0].Record.DeleteAt)
	assert.Contains(t, res[0].Record.StatusMessage, "lifecycle changed from DeleteAfterDays=30 to DeleteAfterDays=90")

	again := h.resultsFor("req-90-again")
	require.Len(t, again, 1)
	assert.Empty(t, again[0].Error)
	assert.Equal(t, res[0].Record.DestinationRecoveryPointArn, again[0].Record.DestinationRecoveryPointArn)

	first := recordFor(t, h.copies, o1.SourceRecoveryPointArn)
	assert.Equal(t, model.JobCompleted, first.State, "not deleted at day 30: the timer follows the new lifecycle")
	assert.Equal(t, t0.Add(90*day), first.DeleteAt)
	assert.Equal(t, t0.Add(90*day), h.status.NextExpiry)
}

// TestChainOrderDuringTheCopyGetsItsOwnLifecycle: an order with another lifecycle for the
// recovery point being copied does not silently join the copy: once the copy lands, its
// lifecycle is changed for that order.
func TestChainOrderDuringTheCopyGetsItsOwnLifecycle(t *testing.T) {
	h := newChainHarness(t)
	o := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 30}, "req-30")
	longer := o
	longer.Lifecycle, longer.RequesterWorkflowId = model.Lifecycle{DeleteAfterDays: 90}, "req-90"
	h.send(time.Minute, o)
	h.send(10*time.Minute, longer) // the two-hour copy job is running
	h.run(day, nil)

	assert.Len(t, h.aws.calls().starts, 1, "one copy job")
	first := h.resultsFor("req-30")
	require.Len(t, first, 1)
	assert.Equal(t, int64(30), first[0].Record.Lifecycle.DeleteAfterDays, "the first requester sees the copy it asked for")
	second := h.resultsFor("req-90")
	require.Len(t, second, 1)
	assert.Empty(t, second[0].Error)
	assert.Equal(t, int64(90), second[0].Record.Lifecycle.DeleteAfterDays)
	assert.Equal(t, first[0].Record.DestinationRecoveryPointArn, second[0].Record.DestinationRecoveryPointArn)
	assert.Equal(t, t0.Add(90*day), recordFor(t, h.copies, o.SourceRecoveryPointArn).DeleteAt)
}

// TestChainRefusesAnOrdersLifecycleTheRulesForbid: the same checks as the set-lifecycle
// update; the requester gets an error result naming the rule and AWS is not called.
func TestChainRefusesAnOrdersLifecycleTheRulesForbid(t *testing.T) {
	t.Run("cold storage for EBS", func(t *testing.T) {
		h := newChainHarness(t)
		o := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 30}, "req-30")
		cold := o
		cold.Lifecycle, cold.RequesterWorkflowId = model.Lifecycle{MoveToColdStorageAfterDays: 10, DeleteAfterDays: 200}, "req-cold"
		h.send(time.Minute, o)
		h.send(day, cold)
		h.run(2*day, nil)

		res := h.resultsFor("req-cold")
		require.Len(t, res, 1)
		assert.Contains(t, res[0].Error, "rule "+policy.RuleColdStorageUnsupported)
		assert.Contains(t, res[0].Error, "Lifecycle.MoveToColdStorageAfterDays")
		assert.Contains(t, res[0].Error, "already copied")
		assert.Empty(t, h.aws.calls().updates, "a refused lifecycle never reaches AWS")
		assert.Equal(t, int64(30), recordFor(t, h.copies, o.SourceRecoveryPointArn).Lifecycle.DeleteAfterDays)
	})
	t.Run("cold transition cannot be undone", func(t *testing.T) {
		h := newChainHarness(t)
		h.aws.addSource(1, t0)
		src := h.aws.points[snapshotArn(1)]
		src.ResourceType = "EFS" // supports cold storage
		h.aws.points[src.RecoveryPointArn] = src
		key := chainKey
		key.ResourceType = "EFS"
		o := model.CopyOrder{SourceRecoveryPointArn: src.RecoveryPointArn, SourceBackupVaultName: srcVault,
			SourceCreationDate: t0, IamRoleArn: roleArn, RequesterWorkflowId: "req-cold-7",
			Lifecycle: model.Lifecycle{MoveToColdStorageAfterDays: 7, DeleteAfterDays: 200}}
		undo := o
		undo.Lifecycle, undo.RequesterWorkflowId = model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 200}, "req-cold-30"
		h.send(time.Minute, o)
		h.send(10*day, undo)
		h.run(11*day, &ChainInput{ChainStart: model.ChainStart{Key: key}})

		res := h.resultsFor("req-cold-30")
		require.Len(t, res, 1)
		assert.Contains(t, res[0].Error, "rule "+RuleColdIsFinal)
		assert.Empty(t, h.aws.calls().updates)
	})
}

// TestChainOrderWithoutLifecycleLeavesTheCopyAlone: zero means "not set", so an order
// without a lifecycle never strips an existing copy's.
func TestChainOrderWithoutLifecycleLeavesTheCopyAlone(t *testing.T) {
	h := newChainHarness(t)
	o := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 30}, "req-30")
	bare := o
	bare.Lifecycle, bare.RequesterWorkflowId = model.Lifecycle{}, "req-bare"
	h.send(time.Minute, o)
	h.send(day, bare)
	h.run(2*day, nil)

	res := h.resultsFor("req-bare")
	require.Len(t, res, 1)
	assert.Empty(t, res[0].Error)
	assert.Equal(t, int64(30), res[0].Record.Lifecycle.DeleteAfterDays)
	assert.Empty(t, h.aws.calls().updates)
}

// TestChainReorderAfterAFailedCopyUsesNewTokens: an order that waited behind a failing
// copy of the same point (another lifecycle) copies it anew with fresh idempotency
// tokens, not the failed jobs' tokens.
func TestChainReorderAfterAFailedCopyUsesNewTokens(t *testing.T) {
	h := newChainHarness(t)
	o := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 30}, "req-30")
	longer := o
	longer.Lifecycle, longer.RequesterWorkflowId = model.Lifecycle{DeleteAfterDays: 90}, "req-90"
	for range CopyAttempts {
		h.aws.outcomes = append(h.aws.outcomes, model.JobFailed)
	}
	h.send(time.Minute, o)
	h.send(10*time.Minute, longer)
	h.run(5*day, nil)

	starts := h.aws.calls().starts
	require.Len(t, starts, CopyAttempts+1)
	tokens := map[string]bool{}
	for _, s := range starts {
		assert.False(t, tokens[s.IdempotencyToken], "token reused: %s", s.IdempotencyToken)
		tokens[s.IdempotencyToken] = true
	}
	assert.Equal(t, model.Lifecycle{DeleteAfterDays: 90}, starts[CopyAttempts].Lifecycle)
	assert.NotEmpty(t, h.resultsFor("req-30")[0].Error)
	res := h.resultsFor("req-90")
	require.Len(t, res, 1)
	assert.Empty(t, res[0].Error)
	assert.Equal(t, int64(90), res[0].Record.Lifecycle.DeleteAfterDays)
}
