package workflows

import (
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// completionWindow is an order's completion window (AWS time), the default when unset.
func completionWindow(o model.CopyOrder) time.Duration {
	if o.CompletionWindow > 0 {
		return o.CompletionWindow
	}
	return DefaultCompletionWindow
}

// orderDeadline is the workflow time an order's completion window ends: counted from
// when the chain received the order, as its requester counts its wait
// (awaitResults), so the chain answers before the requester gives up.
func (c *chain) orderDeadline(ctx workflow.Context, p PendingOrder) time.Time {
	received := p.ReceivedAt
	if received.IsZero() { // carried from before orders kept their arrival
		received = workflow.Now(ctx)
	}
	return received.Add(scaled(completionWindow(p.Order), c.start.TimeScale))
}

// windowPassedBeforeStart is the reason of an order whose completion window ended before
// its next copy job could start: after attempt jobs (0: none) and the reason the last one
// gave.
func windowPassedBeforeStart(p PendingOrder, attempts int, last string) string {
	waited := fmt.Sprintf("completion window of %s passed before its copy could start (the chain received the order at %s "+
		"and was busy with earlier copies); no copy job was started, and the requester has stopped waiting",
		completionWindow(p.Order), p.ReceivedAt.UTC().Format(time.RFC3339))
	if attempts == 0 {
		return waited
	}
	return fmt.Sprintf("%s; no time was left in the completion window of %s for attempt %d (the chain received the order at %s)",
		last, completionWindow(p.Order), attempts+1, p.ReceivedAt.UTC().Format(time.RFC3339))
}

// followJob follows copy job jobID until AWS reports it ended or deadline passes. The job
// exists once StartCopyJob has answered, so every failed look is retried (followOptions).
// A job that DescribeCopyJob still does not know after JobVisibilityGrace is noted in the
// record's status, and followed on without a grace until the deadline: AWS may list a
// new job late, and a job abandoned here would run on untracked.
func (c *chain) followJob(ctx workflow.Context, cur *inflightCopy, jobID string, deadline time.Time) (model.CopyJob, error) {
	k, ts := c.start.Key, c.start.TimeScale
	grace := scaled(JobVisibilityGrace, ts)
	var lastErr error
	for {
		left := deadline.Sub(workflow.Now(ctx))
		if left <= 0 {
			return model.CopyJob{}, temporal.NewTimeoutError(enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, lastErr)
		}
		var job model.CopyJob
		pollCtx := workflow.WithActivityOptions(ctx, followOptions(left, ts, "follow copy job "+jobID))
		region, vault := c.vault()
		err := workflow.ExecuteActivity(pollCtx, model.ActPollCopyJob, model.PollCopyJobInput{
			Region: k.SourceRegion, CopyJobId: jobID, NotFoundGrace: grace, Kind: cur.record.Kind,
			DestinationRegion: region, DestinationBackupVaultName: vault,
		}).Get(ctx, &job)
		if err == nil {
			return job, nil
		}
		if errorType(err) != model.ErrJobNotVisible {
			return job, followEnded(err)
		}
		lastErr = err
		cur.record.StatusMessage = withNote(cur.note, fmt.Sprintf("DescribeCopyJob does not find copy job %s (%s); "+
			"AWS Backup may list a job late, so the chain follows it until its completion window ends at %s",
			jobID, errorMessage(err), deadline.UTC().Format(time.RFC3339)))
		c.poke()
		grace = 0
	}
}

// followEnded returns the error that ended a PollCopyJob activity, as a timeout when it
// was retryable: every such error is retried until the window ends, however the server
// reports that end (a timeout, or the last failure with a retry state that depends on
// where the retry policy stopped).
func followEnded(err error) error {
	var appErr *temporal.ApplicationError
	switch {
	case windowExceeded(err), temporal.IsCanceledError(err):
		return err
	case errors.As(err, &appErr) && appErr.NonRetryable():
		return err
	}
	return temporal.NewTimeoutError(enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, err)
}
