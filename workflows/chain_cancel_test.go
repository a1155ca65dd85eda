package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// A chain canceled while a lifecycle change holds the lifecycle lock and a lifecycle event
// is due ends canceled; it does not spin on the lock it can no longer take.
func TestChainCanceledDuringLifecycleChangeWithAnEventDue(t *testing.T) {
	h := newChainHarness(t)
	o := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 30}, "req-1")
	h.send(time.Minute, o)
	// AWS throttles the update for minutes, so the update handler holds the lock when the
	// newest-copy guard falls due (day 29) and when the chain is canceled.
	for range 9 {
		h.aws.updateErrs = append(h.aws.updateErrs, temporal.NewApplicationError("Rate exceeded", model.ErrThrottled))
	}
	u := &testUpdate{t: t}
	h.at(29*day-2*time.Minute, func() {
		copies, _ := h.observe()
		h.env.UpdateWorkflow(model.UpdateSetLifecycle, "change", u, model.SetLifecycleRequest{
			DestinationRecoveryPointArn: copies[0].DestinationRecoveryPointArn,
			Lifecycle:                   model.Lifecycle{DeleteAfterDays: 31},
		})
	})
	h.run(29*day+time.Minute, nil)

	var canceled *temporal.CanceledError
	require.ErrorAs(t, h.env.GetWorkflowError(), &canceled)
	assert.Equal(t, model.JobCompleted, recordFor(t, h.copies, o.SourceRecoveryPointArn).State)
}

// An order that reaches a canceled chain while it answers its waiting requesters is
// answered too: its requester must not wait for a result that will never come.
func TestCanceledChainAnswersOrdersArrivingWhileItWindsDown(t *testing.T) {
	h := newChainHarness(t)
	h.aws.jobDuration = 10 * time.Hour
	h.send(time.Minute, h.order(1, t0, model.Lifecycle{}, "req-running"))
	h.send(2*time.Minute, h.order(2, t0.Add(time.Minute), model.Lifecycle{}, "req-waiting"))
	late := h.order(3, t0.Add(2*time.Minute), model.Lifecycle{}, "req-late")
	h.onResult = func(requester string, _ model.DestinationResult) {
		if requester == "req-running" {
			// Delivered while the chain is still signalling the others.
			h.env.SignalWorkflow(model.SignalCopy, late)
		}
	}
	h.run(time.Hour, nil)

	var canceled *temporal.CanceledError
	require.ErrorAs(t, h.env.GetWorkflowError(), &canceled)
	require.Len(t, h.resultsFor("req-running"), 1)
	require.Len(t, h.resultsFor("req-waiting"), 1)
	res := h.resultsFor("req-late")
	require.Len(t, res, 1, "the late order is answered")
	assert.Contains(t, res[0].Error, "the chain was canceled before this copy started")
	assert.Equal(t, late.SourceRecoveryPointArn, res[0].Record.SourceRecoveryPointArn)
	assert.Equal(t, model.JobFailed, res[0].Record.State)
	assert.Len(t, h.aws.calls().starts, 1, "nothing is started for it")
}
