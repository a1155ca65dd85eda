package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

func TestChainRetriesThrottlingAndServiceFaults(t *testing.T) {
	h := newChainHarness(t)
	h.aws.startErrs = []error{
		temporal.NewApplicationError("Rate exceeded", model.ErrThrottled),
		temporal.NewApplicationError("Service Unavailable", model.ErrServiceFault),
	}
	o := h.order(1, t0, model.Lifecycle{}, "req-1")
	h.send(time.Minute, o)
	h.run(day, nil)

	calls := h.aws.calls()
	assert.Len(t, calls.starts, 3, "two retried failures, then the start")
	assert.Equal(t, 1, calls.jobs)
	for _, s := range calls.starts {
		assert.Equal(t, calls.starts[0].IdempotencyToken, s.IdempotencyToken, "a retried start sends the same token")
	}
	rec := recordFor(t, h.copies, o.SourceRecoveryPointArn)
	assert.Equal(t, model.JobCompleted, rec.State)
	res := h.resultsFor("req-1")
	require.Len(t, res, 1)
	assert.Empty(t, res[0].Error)
}

func TestChainFailsFastOnNonRetryableErrors(t *testing.T) {
	cases := []struct {
		errType, message string
	}{
		{model.ErrAccessDenied, "User: arn:aws:sts::123456789012:assumed-role/backup is not authorized to perform: backup:StartCopyJob"},
		{model.ErrNotFound, "Backup vault dr not found in eu-west-1"},
		{model.ErrInvalidParameter, "Invalid lifecycle: DeleteAfterDays must be at least 90 days after MoveToColdStorageAfterDays"},
	}
	for _, tc := range cases {
		t.Run(tc.errType, func(t *testing.T) {
			h := newChainHarness(t)
			h.aws.startErrs = []error{temporal.NewNonRetryableApplicationError(tc.message, tc.errType, nil)}
			o := h.order(1, t0, model.Lifecycle{}, "req-1")
			h.send(time.Minute, o)
			h.run(day, nil)

			assert.Len(t, h.aws.calls().starts, 1, "not retried")
			rec := recordFor(t, h.copies, o.SourceRecoveryPointArn)
			assert.Equal(t, model.JobFailed, rec.State)
			assert.Contains(t, rec.StatusMessage, tc.message)
			assert.Contains(t, rec.StatusMessage, tc.errType)
			res := h.resultsFor("req-1")
			require.Len(t, res, 1)
			assert.Contains(t, res[0].Error, tc.message, "the requester gets AWS's message")
			assert.Equal(t, model.ChainFailed, h.status.State)
			assert.Equal(t, 0, h.status.LiveCopies)
		})
	}
}

func TestChainRetriesFailedJobThenReports(t *testing.T) {
	h := newChainHarness(t)
	h.aws.outcomes = []string{model.JobFailed, model.JobPartial, model.JobFailed}
	o := h.order(1, t0, model.Lifecycle{}, "req-1")
	h.send(time.Minute, o)
	h.run(3*day, nil)

	calls := h.aws.calls()
	require.Len(t, calls.starts, CopyAttempts)
	assert.Equal(t, CopyAttempts, calls.jobs)
	tokens := map[string]bool{}
	for _, s := range calls.starts {
		tokens[s.IdempotencyToken] = true
		assert.Len(t, s.IdempotencyToken, 64)
	}
	assert.Len(t, tokens, CopyAttempts, "each attempt has its own token")
	rec := recordFor(t, h.copies, o.SourceRecoveryPointArn)
	assert.Equal(t, model.JobFailed, rec.State)
	assert.Equal(t, CopyAttempts, rec.Attempts)
	assert.Contains(t, rec.StatusMessage, "Insufficient privileges")
	assert.Contains(t, rec.StatusMessage, "after 3 attempts")
	res := h.resultsFor("req-1")
	require.Len(t, res, 1)
	assert.Contains(t, res[0].Error, "Insufficient privileges")
	assert.Equal(t, model.ChainFailed, h.status.State)
}

func TestChainRetriedJobCanSucceed(t *testing.T) {
	h := newChainHarness(t)
	h.aws.outcomes = []string{model.JobFailed}
	o := h.order(1, t0, model.Lifecycle{}, "req-1")
	h.send(time.Minute, o)
	h.run(day, nil)

	assert.Len(t, h.aws.calls().starts, 2)
	rec := recordFor(t, h.copies, o.SourceRecoveryPointArn)
	assert.Equal(t, model.JobCompleted, rec.State)
	assert.Equal(t, 2, rec.Attempts)
	assert.Equal(t, model.ChainIdle, h.status.State)
}

func TestChainNewOrderAfterFailureUsesNewTokens(t *testing.T) {
	h := newChainHarness(t)
	h.aws.startErrs = []error{temporal.NewNonRetryableApplicationError("denied", model.ErrAccessDenied, nil)}
	o := h.order(1, t0, model.Lifecycle{}, "req-1")
	h.send(time.Minute, o)
	retry := o
	retry.RequesterWorkflowId = "req-2"
	h.send(day, retry)
	h.run(2*day, nil)

	starts := h.aws.calls().starts
	require.Len(t, starts, 2)
	assert.NotEqual(t, starts[0].IdempotencyToken, starts[1].IdempotencyToken,
		"the token of the failed attempt is never reused")
	res := h.resultsFor("req-2")
	require.Len(t, res, 1)
	assert.Empty(t, res[0].Error)
	assert.Equal(t, 1, res[0].Record.Attempts, "attempts count this order's jobs")
}

func TestChainCompletionWindowEndsStuckCopy(t *testing.T) {
	h := newChainHarness(t)
	h.aws.jobDuration = 10 * day // the job sits in CREATED far beyond the window
	o := h.order(1, t0, model.Lifecycle{}, "req-1")
	o.CompletionWindow = 2 * day
	h.send(time.Minute, o)
	h.run(5*day, nil)

	assert.Len(t, h.aws.calls().starts, 1, "a window overrun is not retried with a second job")
	rec := recordFor(t, h.copies, o.SourceRecoveryPointArn)
	assert.Equal(t, model.JobFailed, rec.State)
	assert.Contains(t, rec.StatusMessage, "completion window of 48h0m0s exceeded")
	assert.Contains(t, rec.StatusMessage, rec.CopyJobId)
	assert.Contains(t, rec.StatusMessage, "may still complete and leave a copy", "the reason warns that AWS cannot stop the job")
	res := h.resultsFor("req-1")
	require.Len(t, res, 1)
	assert.Contains(t, res[0].Error, "completion window")
}

func TestChainCompletionWindowDefaultsToSevenDays(t *testing.T) {
	h := newChainHarness(t)
	h.aws.jobDuration = 8 * day
	o := h.order(1, t0, model.Lifecycle{}, "req-1")
	h.send(time.Minute, o)
	var during model.ChainStatus
	h.at(6*day, func() { _, during = h.observe() })
	h.run(9*day, nil)

	assert.Equal(t, model.ChainCopying, during.State, "still following the job after six days")
	require.NotNil(t, during.Current)
	assert.Equal(t, model.JobRunning, during.Current.State)
	rec := recordFor(t, h.copies, o.SourceRecoveryPointArn)
	assert.Equal(t, model.JobFailed, rec.State)
	assert.Contains(t, rec.StatusMessage, "completion window of 168h0m0s exceeded")
}
