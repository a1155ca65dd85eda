package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regioncopy/regioncopy/model"
)

// A lifecycle whose DeleteAt has already passed would have AWS delete the copy as soon as
// it is given: refused for the chain's newest copy (no newer copy has landed), allowed for
// an older one, which the chain then deletes at once.
func TestChainRefusesALifecycleThatExpiresTheNewestCopyAtOnce(t *testing.T) {
	h := newChainHarness(t)
	o1 := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 100}, "")
	o2 := h.order(2, t0.Add(time.Hour), model.Lifecycle{DeleteAfterDays: 100}, "")
	h.send(time.Minute, o1)
	h.send(time.Hour, o2)
	newest, older := &testUpdate{t: t}, &testUpdate{t: t}
	h.at(20*day, func() {
		copies, _ := h.observe()
		h.env.UpdateWorkflow(model.UpdateSetLifecycle, "newest", newest, model.SetLifecycleRequest{
			DestinationRecoveryPointArn: recordFor(t, copies, o2.SourceRecoveryPointArn).DestinationRecoveryPointArn,
			Lifecycle:                   model.Lifecycle{DeleteAfterDays: 10}})
		h.env.UpdateWorkflow(model.UpdateSetLifecycle, "older", older, model.SetLifecycleRequest{
			DestinationRecoveryPointArn: recordFor(t, copies, o1.SourceRecoveryPointArn).DestinationRecoveryPointArn,
			Lifecycle:                   model.Lifecycle{DeleteAfterDays: 10}})
	})
	h.run(21*day, nil)

	require.Error(t, newest.rejected)
	assert.Contains(t, newest.rejected.Error(), "Lifecycle.DeleteAfterDays")
	assert.Contains(t, newest.rejected.Error(), RuleNewestCopyOutlives)
	require.NoError(t, older.rejected)
	require.NoError(t, older.err)

	updates := h.aws.calls().updates
	require.Len(t, updates, 1, "only the older copy's lifecycle reaches AWS")
	assert.Equal(t, recordFor(t, h.copies, o1.SourceRecoveryPointArn).DestinationRecoveryPointArn, updates[0].RecoveryPointArn)
	assert.Equal(t, model.RecordDeleted, recordFor(t, h.copies, o1.SourceRecoveryPointArn).State)
	kept := recordFor(t, h.copies, o2.SourceRecoveryPointArn)
	assert.Equal(t, model.JobCompleted, kept.State)
	assert.Equal(t, int64(100), kept.Lifecycle.DeleteAfterDays)
}

// An order asking for such a lifecycle for the newest copy is refused the same way.
func TestChainRefusesAnOrderLifecycleThatExpiresTheNewestCopyAtOnce(t *testing.T) {
	h := newChainHarness(t)
	o := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 100}, "req-100")
	short := o
	short.Lifecycle, short.RequesterWorkflowId = model.Lifecycle{DeleteAfterDays: 10}, "req-10"
	h.send(time.Minute, o)
	h.send(20*day, short)
	h.run(21*day, nil)

	assert.Empty(t, h.aws.calls().updates, "the lifecycle never reaches AWS")
	res := h.resultsFor("req-10")
	require.Len(t, res, 1)
	assert.Contains(t, res[0].Error, RuleNewestCopyOutlives)
	assert.Contains(t, res[0].Error, "DeleteAfterDays=10")
	kept := recordFor(t, h.copies, o.SourceRecoveryPointArn)
	assert.Equal(t, model.JobCompleted, kept.State)
	assert.Equal(t, int64(100), kept.Lifecycle.DeleteAfterDays)
}
