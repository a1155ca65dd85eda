package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// followErr is a failed look at a started job as PollCopyJob returns it: retryable under
// its class's type (activities.classifyFollowing).
func followErr(typ, awsMessage string) error {
	return temporal.NewApplicationError("DescribeCopyJob in us-east-1: "+awsMessage, typ)
}

// TestChainFollowsAJobWhateverAPollAnswers: once StartCopyJob has answered with a job
// id, NotFound (AWS lists a new job late), expired credentials, clock skew and
// unclassified answers are retried, and the job is followed to its end: one job, one
// copy, no second StartCopyJob.
func TestChainFollowsAJobWhateverAPollAnswers(t *testing.T) {
	cases := map[string][]error{
		"not found right after the start": {
			followErr(model.ErrNotFound, "ResourceNotFoundException: Cannot find copy job with ID"),
			followErr(model.ErrNotFound, "ResourceNotFoundException: Cannot find copy job with ID"),
		},
		"expired token": {
			followErr(model.ErrAccessDenied, "ExpiredTokenException: The security token included in the request is expired (HTTP 403)"),
			followErr(model.ErrAccessDenied, "ExpiredToken: The security token included in the request is expired (HTTP 400)"),
		},
		"clock skew": {
			followErr(model.ErrAccessDenied, "InvalidSignatureException: Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z (HTTP 400)"),
		},
		"unclassified": {
			followErr(model.ErrUnclassified, "SomethingNewException: what (HTTP 400)"),
			followErr(model.ErrUnclassified, "AWS answered without CopyJob"),
		},
	}
	for name, errs := range cases {
		t.Run(name, func(t *testing.T) {
			h := newChainHarness(t)
			h.aws.pollErrs = errs
			o := h.order(1, t0, model.Lifecycle{}, "req-1")
			h.send(time.Minute, o)
			h.run(day, nil)

			calls := h.aws.calls()
			assert.Len(t, calls.starts, 1, "no second StartCopyJob")
			assert.Equal(t, 1, calls.jobs)
			assert.Greater(t, calls.pollCalls, len(errs), "the job was looked at again after the errors")
			rec := recordFor(t, h.copies, o.SourceRecoveryPointArn)
			assert.Equal(t, model.JobCompleted, rec.State, rec.StatusMessage)
			assert.Equal(t, "job-1", rec.CopyJobId)
			assert.NotEmpty(t, rec.DestinationRecoveryPointArn)
			res := h.resultsFor("req-1")
			require.Len(t, res, 1)
			assert.Empty(t, res[0].Error)
			assert.Equal(t, 1, h.status.LiveCopies)
		})
	}
}

// TestChainNotesAJobLongNotFoundAndFollowsOn: a job DescribeCopyJob still does not know
// after JobVisibilityGrace is said so in the copy's status, and followed on (without a
// grace) until it completes.
func TestChainNotesAJobLongNotFoundAndFollowsOn(t *testing.T) {
	h := newChainHarness(t)
	h.aws.pollErrs = []error{
		temporal.NewNonRetryableApplicationError("DescribeCopyJob in us-east-1: ResourceNotFoundException: Cannot find copy job with ID job-1; "+
			"not found in 15m0s of following the job", model.ErrJobNotVisible, nil),
		followErr(model.ErrNotFound, "ResourceNotFoundException: Cannot find copy job with ID job-1"),
	}
	o := h.order(1, t0, model.Lifecycle{}, "req-1")
	h.send(time.Minute, o)
	var during model.ChainStatus
	h.at(time.Hour, func() { _, during = h.observe() })
	h.run(day, nil)

	require.NotNil(t, during.Current, "still copying after an hour")
	assert.Equal(t, model.JobRunning, during.Current.State)
	assert.Contains(t, during.Current.StatusMessage, "DescribeCopyJob does not find copy job job-1")
	assert.Contains(t, during.Current.StatusMessage, "follows it until its completion window ends")

	calls := h.aws.calls()
	require.GreaterOrEqual(t, len(calls.polls), 3)
	assert.Equal(t, JobVisibilityGrace, calls.polls[0].NotFoundGrace, "the first poll reports a job long not found")
	assert.Zero(t, calls.polls[len(calls.polls)-1].NotFoundGrace, "after the note the job is followed without a grace")
	assert.Len(t, calls.starts, 1)
	rec := recordFor(t, h.copies, o.SourceRecoveryPointArn)
	assert.Equal(t, model.JobCompleted, rec.State)
	assert.NotContains(t, rec.StatusMessage, "does not find", "the completed copy carries AWS's own status")
}

// TestChainKeepsFollowingANotFoundJobUntilTheWindowEnds: a job never found is followed
// until the completion window ends, and the reason says the job may still complete.
func TestChainKeepsFollowingANotFoundJobUntilTheWindowEnds(t *testing.T) {
	h := newChainHarness(t)
	h.aws.pollErr = followErr(model.ErrNotFound, "ResourceNotFoundException: Cannot find copy job with ID job-1")
	o := h.order(1, t0, model.Lifecycle{}, "req-1")
	o.CompletionWindow = 5 * time.Minute // the testsuite allows 10 attempts of a poll
	h.send(time.Minute, o)
	h.run(day, nil)

	assert.Len(t, h.aws.calls().starts, 1)
	rec := recordFor(t, h.copies, o.SourceRecoveryPointArn)
	assert.Equal(t, model.JobFailed, rec.State)
	assert.Contains(t, rec.StatusMessage, "completion window of 5m0s exceeded")
	assert.Contains(t, rec.StatusMessage, "ResourceNotFoundException")
	assert.Contains(t, rec.StatusMessage, "may still complete")
}

// TestChainStartCopyJobRidesOutHoursOfThrottling: StartCopyJob throttled for hours is
// retried with the same token within its own window, not the 30-minute call window, and
// the copy is made; throttling past the order's completion window fails the order with
// that reason.
func TestChainStartCopyJobRidesOutHoursOfThrottling(t *testing.T) {
	// The testsuite allows an activity 10 attempts, so each answer asks for a long delay
	// as AWS's Retry-After would; six of them are four hours of throttling.
	throttled := func() []error {
		var errs []error
		for range 6 {
			errs = append(errs, temporal.NewApplicationErrorWithOptions("StartCopyJob in us-east-1: ThrottlingException: Rate exceeded",
				model.ErrThrottled, temporal.ApplicationErrorOptions{NextRetryDelay: 40 * time.Minute}))
		}
		return errs
	}

	h := newChainHarness(t)
	h.aws.startErrs = throttled()
	o := h.order(1, t0, model.Lifecycle{}, "req-1")
	h.send(time.Minute, o)
	h.run(day, nil)
	calls := h.aws.calls()
	require.Len(t, calls.starts, 7, "six throttled starts, then the start")
	for _, s := range calls.starts {
		assert.Equal(t, calls.starts[0].IdempotencyToken, s.IdempotencyToken)
	}
	assert.Equal(t, 1, calls.jobs)
	rec := recordFor(t, h.copies, o.SourceRecoveryPointArn)
	assert.Equal(t, model.JobCompleted, rec.State, rec.StatusMessage)

	h = newChainHarness(t)
	h.aws.startErrs = throttled()
	o = h.order(1, t0, model.Lifecycle{}, "req-1")
	o.CompletionWindow = 3 * time.Hour
	h.send(time.Minute, o)
	h.run(day, nil)
	assert.Zero(t, h.aws.calls().jobs)
	rec = recordFor(t, h.copies, o.SourceRecoveryPointArn)
	assert.Equal(t, model.JobFailed, rec.State)
	assert.Contains(t, rec.StatusMessage, "StartCopyJob did not succeed within 3h0m0s")
	assert.Contains(t, rec.StatusMessage, "ThrottlingException")
}

// TestChainFailsAnOrderWhoseWindowPassedInTheQueue: an order that waited behind a long
// copy until its completion window (counted from its arrival) passed is answered FAILED
// with that reason, and no job is started for it: its requester has stopped waiting.
func TestChainFailsAnOrderWhoseWindowPassedInTheQueue(t *testing.T) {
	h := newChainHarness(t)
	h.aws.jobDuration = 3 * day
	first := h.order(1, t0, model.Lifecycle{}, "req-1")
	late := h.order(2, t0.Add(time.Hour), model.Lifecycle{}, "req-2")
	late.CompletionWindow = 2 * day
	h.send(time.Minute, first)
	h.send(2*time.Minute, late)
	h.run(5*day, nil)

	calls := h.aws.calls()
	require.Len(t, calls.starts, 1, "no job for the order whose window passed")
	assert.Equal(t, first.SourceRecoveryPointArn, calls.starts[0].RecoveryPointArn)
	rec := recordFor(t, h.copies, late.SourceRecoveryPointArn)
	assert.Equal(t, model.JobFailed, rec.State)
	assert.Empty(t, rec.CopyJobId)
	assert.Contains(t, rec.StatusMessage, "completion window of 48h0m0s passed before its copy could start")
	res := h.resultsFor("req-2")
	require.Len(t, res, 1)
	assert.Contains(t, res[0].Error, "passed before its copy could start")
	assert.Empty(t, h.resultsFor("req-1")[0].Error)
}

// TestChainStopsRetryingWhenTheWindowLeavesNoTime: a job that ended FAILED so late that
// the wait before the next attempt outlasts the order's completion window ends the order
// with the job's reason and the missing time, without a second job.
func TestChainStopsRetryingWhenTheWindowLeavesNoTime(t *testing.T) {
	h := newChainHarness(t)
	h.aws.outcomes = []string{model.JobFailed}
	o := h.order(1, t0, model.Lifecycle{}, "req-1")
	o.CompletionWindow = 2*time.Hour + 5*time.Minute // the job takes 2 hours, the retry waits 10 minutes
	h.send(time.Minute, o)
	h.run(day, nil)

	assert.Len(t, h.aws.calls().starts, 1)
	rec := recordFor(t, h.copies, o.SourceRecoveryPointArn)
	assert.Equal(t, model.JobFailed, rec.State)
	assert.Contains(t, rec.StatusMessage, "copy job job-1 ended FAILED: Insufficient privileges")
	assert.Contains(t, rec.StatusMessage, "no time was left in the completion window of 2h5m0s for attempt 2")
}
