package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// Timing policy. Durations on AWS's clock (windows, lifecycle margins) are divided by the
// time scale before they become Temporal timers or timeouts; durations that only bound
// our own calls (StartToClose, retry intervals of single calls) are not.
const (
	// DefaultCompletionWindow ends a copy job that has not finished in this long (AWS time).
	// AWS copies take minutes to many hours and may sit in CREATED for hours; a week is
	// generous enough for any healthy job and short enough to surface a stuck one.
	DefaultCompletionWindow = 7 * 24 * time.Hour
	// CopyAttempts is how many copy jobs a chain starts for one order when jobs end FAILED
	// or PARTIAL; each attempt has its own idempotency token.
	CopyAttempts = 3
	// CopyRetryBackoff is the wait (AWS time) before the second attempt; it doubles after.
	CopyRetryBackoff = 10 * time.Minute
	// GuardMargin is how long (AWS time) before the newest copy's DeleteAt the chain extends
	// it when no newer copy has landed.
	GuardMargin = 24 * time.Hour
	// GuardExtensionDays is how far each extension pushes DeleteAfterDays.
	GuardExtensionDays = 7
	// DeleteRetryDelay is the wait (AWS time) before retrying a deletion that failed
	// without a retryable cause (for example a job still using the point).
	DeleteRetryDelay = time.Hour
	// StartCopyJobWindow bounds the retries (throttling, 5xx) of one StartCopyJob: AWS may
	// throttle starts for hours under load, and each retry carries the same idempotency
	// token, so waiting costs nothing but time. What is left of the order's completion
	// window bounds it too.
	StartCopyJobWindow = 12 * time.Hour
	// JobVisibilityGrace (AWS time) is how long DescribeCopyJob may answer
	// ResourceNotFound for a job StartCopyJob returned before the copy's status says so;
	// the chain follows the job on until the completion window ends.
	JobVisibilityGrace = 15 * time.Minute
	// RequestWaitMargin is how long past the completion window a request still waits for a
	// chain's answer: the chain's last calls after the window (describing the copy,
	// answering its requesters) and any delay of its workflow tasks.
	RequestWaitMargin = time.Hour
	// callWindow bounds the retries (throttling, 5xx) of one short AWS call.
	callWindow = 30 * time.Minute
	// enqueueWindow bounds the retries of handing an order to a chain (Temporal itself).
	enqueueWindow = 10 * time.Minute
)

// Scaled divides an AWS-clock duration by the time scale (>1 only with the emulator's
// --time-scale), never returning less than a second so timers stay meaningful. Exported
// for the other workflows (package planrun) that follow the same timing policy.
func Scaled(d time.Duration, timeScale float64) time.Duration {
	if timeScale > 1 {
		d = time.Duration(float64(d) / timeScale)
	}
	if d < time.Second {
		d = time.Second
	}
	return d
}

// scaled is Scaled, under the name this package's workflows use.
func scaled(d time.Duration, timeScale float64) time.Duration { return Scaled(d, timeScale) }

// awsCallOptions are the options of one short AWS call (describe, update, delete): a minute
// per attempt; throttling and service faults retried with exponential backoff for up to
// callWindow; the non-retryable classes end the call at once with AWS's message.
func awsCallOptions(summary string) workflow.ActivityOptions {
	return workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: callWindow,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        2 * time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        2 * time.Minute,
			NonRetryableErrorTypes: model.NonRetryableErrorTypes,
		},
		Summary: summary,
	}
}

// pollOptions are the options of PollCopyJob. An attempt waits in the worker for the
// worker's watcher of the job's Region to see the job end, heartbeating, for up to
// followAttempt; then it fails with the retryable ErrJobNotFinished and a NextRetryDelay
// of a second, and the next attempt goes on where it left off. Attempts add no history
// events, so following a job costs the same few events whether it takes a minute or a
// day. HeartbeatTimeout is how soon a killed worker's attempt is retried elsewhere.
// ScheduleToClose is the completion window: when it passes the activity times out and
// the copy ends with that reason. The retry intervals only apply to failures that carry
// no NextRetryDelay (throttling, 5xx, an attempt lost with a killed worker); attempts
// are unlimited within the window.
//
// Those intervals and timeouts follow the time scale like the window itself: after many
// attempts the backoff of a lost attempt is MaximumInterval, and the server ends the
// activity at once, as timed out, when that retry would fall after the window. At real
// speed 5 minutes within a window of days changes nothing; unscaled against a window of
// minutes (the emulator's --time-scale), one killed worker failed a healthy copy. Under
// a fast clock attempts last at least a minute and heartbeats are at least 20 seconds
// apart, so a thousand copies followed at once do not flood the server. The options
// are not compared on replay, so this needs no version.
func pollOptions(window time.Duration, timeScale float64, summary string) workflow.ActivityOptions {
	o := shortPollOptions(window, timeScale, summary)
	o.StartToCloseTimeout = scaledFloor(followAttempt, timeScale, time.Minute)
	o.HeartbeatTimeout = scaledFloor(followHeartbeat, timeScale, 20*time.Second)
	return o
}

const (
	// followAttempt is how long one PollCopyJob attempt may wait (the worker's own
	// limit, activities.CopyWatch.MaxWait, is the same hour).
	followAttempt = time.Hour
	// followHeartbeat is the PollCopyJob heartbeat timeout; the worker heartbeats a
	// waiting attempt every 4 minutes.
	followHeartbeat = 5 * time.Minute
)

// scaledFloor divides d by the time scale, never returning less than floor.
func scaledFloor(d time.Duration, timeScale float64, floor time.Duration) time.Duration {
	if timeScale > 1 {
		d = time.Duration(float64(d) / timeScale)
	}
	return max(d, floor)
}

// shortPollOptions are the options of a poll activity that makes one call per attempt
// and fails with the retryable ErrJobNotFinished, choosing NextRetryDelay from the job's
// age, while its job runs (PollBackupJob): a minute per attempt, the window as
// ScheduleToClose, retry intervals scaled as pollOptions explains.
func shortPollOptions(window time.Duration, timeScale float64, summary string) workflow.ActivityOptions {
	maxInterval := 5 * time.Minute
	if timeScale > 1 {
		// Not Scaled, whose one-second floor is for timers: a window can be seconds.
		maxInterval = max(time.Duration(float64(maxInterval)/timeScale), 100*time.Millisecond)
	}
	return workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: window,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        min(5*time.Second, maxInterval),
			BackoffCoefficient:     2,
			MaximumInterval:        maxInterval,
			NonRetryableErrorTypes: model.NonRetryableErrorTypes,
		},
		Summary: summary,
	}
}

// startCopyOptions are StartCopyJob's options: those of a short call, retried for
// StartCopyJobWindow or what is left of the order's completion window (left, on the
// workflow clock), whichever ends first, at most every 5 minutes.
func startCopyOptions(summary string, left time.Duration) workflow.ActivityOptions {
	o := awsCallOptions(summary)
	o.ScheduleToCloseTimeout = min(StartCopyJobWindow, left)
	o.RetryPolicy.MaximumInterval = 5 * time.Minute
	return o
}

// followOptions are PollCopyJob's options: pollOptions, but every error type is retried,
// for the job exists once StartCopyJob has answered with its id; only the errors the
// activity marks non-retryable (ErrJobNotVisible, a malformed input) end it before the
// window does.
func followOptions(window time.Duration, timeScale float64, summary string) workflow.ActivityOptions {
	o := pollOptions(window, timeScale, summary)
	o.RetryPolicy.NonRetryableErrorTypes = []string{model.ErrJobNotVisible}
	return o
}

// alertWindow bounds the retries of one RPO alert (a webhook that is down); the chain
// does not continue as new meanwhile.
const alertWindow = time.Hour

// withAlert returns ctx with the options of sending one RPO alert.
func withAlert(ctx workflow.Context, summary string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: alertWindow,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        10 * time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        5 * time.Minute,
			NonRetryableErrorTypes: model.NonRetryableErrorTypes,
		},
		Summary: summary,
	})
}

// withCall returns ctx with the options of one short AWS call.
func withCall(ctx workflow.Context, summary string) workflow.Context {
	return workflow.WithActivityOptions(ctx, awsCallOptions(summary))
}

// enqueueOptions are the options of handing an order to a chain.
func enqueueOptions(summary string) workflow.ActivityOptions {
	o := awsCallOptions(summary)
	o.ScheduleToCloseTimeout = enqueueWindow
	return o
}

// WithCall returns ctx with the options of one short AWS or Temporal call (awsCallOptions),
// for the other workflows (package planrun) so that every workflow retries a call alike.
func WithCall(ctx workflow.Context, summary string) workflow.Context { return withCall(ctx, summary) }

// WithPoll returns ctx with the options of a poll activity that makes one call per
// attempt and fails with the retryable ErrJobNotFinished while its job runs
// (shortPollOptions), window being the job's whole allowance (already scaled) and
// timeScale AWS's clock speed: PollBackupJob in package planrun.
func WithPoll(ctx workflow.Context, window time.Duration, timeScale float64, summary string) workflow.Context {
	return workflow.WithActivityOptions(ctx, shortPollOptions(window, timeScale, summary))
}

// listingOptions are the options of a vault survey, which may page through thousands of
// a resource's copies in one attempt.
func listingOptions(summary string) workflow.ActivityOptions {
	o := awsCallOptions(summary)
	o.StartToCloseTimeout = 10 * time.Minute
	o.ScheduleToCloseTimeout = time.Hour
	return o
}

// local returns the options of an activity run as a local activity: inside the workflow
// task that asks for it, with the same timeouts, retries and summary. A vault survey, a
// read that decides what the chain does next, then costs no activity task and no
// workflow task of its own. Only reads run so: a local activity cannot heartbeat, keeps
// its workflow task open while it runs, and retries in the worker on the policy's
// backoff without AWS's NextRetryDelay, so a throttled StartCopyJob stays an activity.
func local(o workflow.ActivityOptions) workflow.LocalActivityOptions {
	return workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: o.ScheduleToCloseTimeout,
		StartToCloseTimeout:    o.StartToCloseTimeout,
		RetryPolicy:            o.RetryPolicy,
		Summary:                o.Summary,
	}
}

// answerOptions are the options of answering one requester: a Temporal call, retried for
// enqueueWindow.
func answerOptions(requester string) workflow.ActivityOptions {
	return enqueueOptions("answer " + requester)
}
