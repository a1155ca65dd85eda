package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// TestChainAnswersThroughALocalActivity: the chain starts its job as an activity (its
// token recorded before AWS is called) and answers its requester through
// AnswerRequester, not a signal command.
func TestChainAnswersThroughALocalActivity(t *testing.T) {
	h := newChainHarness(t)
	kinds := countActivityStarts(h.env, model.ActStartCopyJob)
	o := h.order(1, t0, model.Lifecycle{}, "req-1")
	h.send(time.Minute, o)
	h.run(day, nil)

	assert.Zero(t, kinds.local)
	assert.Equal(t, 1, kinds.activity)
	require.Len(t, h.aws.answers, 1, "answered through AnswerRequester")
	assert.Equal(t, "req-1", h.aws.answers[0].RequesterWorkflowId)
	require.Len(t, h.resultsFor("req-1"), 1)
	assert.Equal(t, model.JobCompleted, h.resultsFor("req-1")[0].Record.State)
}

// TestChainBeforeLocalCalls: a chain run of the version before changeLocalCalls starts
// its job as an activity and signals its requester as a command.
func TestChainBeforeLocalCalls(t *testing.T) {
	h := newChainHarness(t)
	h.env.OnGetVersion(changeLocalCalls, workflow.DefaultVersion, 2).Return(workflow.DefaultVersion)
	kinds := countActivityStarts(h.env, model.ActStartCopyJob)
	o := h.order(1, t0, model.Lifecycle{}, "req-1")
	h.send(time.Minute, o)
	h.run(day, nil)

	assert.Equal(t, 1, kinds.activity)
	assert.Empty(t, h.aws.answers, "no AnswerRequester")
	require.Len(t, h.resultsFor("req-1"), 1, "answered by a signal command")
	assert.Equal(t, model.JobCompleted, h.resultsFor("req-1")[0].Record.State)
}

// TestChainStartedWithAPlanOrderNeverShowsNoRpo: a chain started by its first order (as
// EnqueueCopy's signal-with-start does) takes the order before it first publishes, so its
// RpoState goes straight to OK, never NO_RPO (as it did before changeLocalCalls).
func TestChainStartedWithAPlanOrderNeverShowsNoRpo(t *testing.T) {
	h := newChainHarness(t)
	w := watchRpo(h)
	o := h.order(1, t0.Add(-time.Hour), model.Lifecycle{DeleteAfterDays: 35}, "req-1")
	o.Plan, o.RpoMinutes = "compliance", 24*60
	h.send(0, o)
	h.run(time.Hour, nil)

	require.Len(t, h.copies, 1)
	w.mu.Lock()
	defer w.mu.Unlock()
	assert.Equal(t, []string{model.RpoOK}, w.states)
}
