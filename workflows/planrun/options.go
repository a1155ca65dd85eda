package planrun

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/workflows"
)

// Bounds of one run.
const (
	// maxBackupsInFlight bounds the PlanResource children that have not yet handed
	// their recovery point over (or ended), so a run over thousands of resources does not
	// flood AWS with backup starts. A child waiting for its copies to land takes no
	// slot: copies of hours must not hold back the backups of later resources, which AWS
	// would start within the start window.
	maxBackupsInFlight = 50
	// resourcesPerRun is how many resources one run takes up before it continues as new;
	// each costs the parent a handful of history events. It also bounds the children
	// one execution has pending (children outlive the run that started them), far below
	// Temporal's 2,000.
	resourcesPerRun = 300
	// selectionPage is how many resources one ResolvePlanSelection call returns.
	selectionPage = 100
	// copyOnlyOverlap widens a copy-only run's listing back past the previous nominal
	// time, so a point stamped just before it by a clock a little off is not missed.
	// Chains ignore an order for a point they already copied, so the overlap is safe.
	copyOnlyOverlap = 10 * time.Minute
	// pointPollInterval is how often (AWS time) a copy-only child looks again at a
	// recovery point still being created.
	pointPollInterval = 5 * time.Minute
)

// AWS Backup's defaults for a rule's windows.
const (
	defaultStartWindowMinutes      = 480
	defaultCompletionWindowMinutes = 10080
	// minStartWindowMinutes is the least StartWindowMinutes AWS accepts.
	minStartWindowMinutes = 60
)

// The call, poll and scaling rules are package workflows' own, so that a plan's backups
// and the chains' copies retry, wait and compress time alike; these names keep this
// package's call sites short.

// scaled divides an AWS-clock duration by the time scale, never below a second.
func scaled(d time.Duration, timeScale float64) time.Duration {
	return workflows.Scaled(d, timeScale)
}

// withCall sets the options of one short AWS or Temporal call: a minute per attempt,
// throttling and faults retried for up to half an hour, the final error classes not.
func withCall(ctx workflow.Context, summary string) workflow.Context {
	return workflows.WithCall(ctx, summary)
}

// withListing sets the options of a listing call (selection, vault listing), which may
// page through thousands of entries in one attempt.
func withListing(ctx workflow.Context, summary string) workflow.Context {
	o := workflow.GetActivityOptions(withCall(ctx, summary))
	o.StartToCloseTimeout = 10 * time.Minute
	o.ScheduleToCloseTimeout = time.Hour
	return workflow.WithActivityOptions(ctx, o)
}

// withPoll sets the options of PollBackupJob: the activity fails with the retryable
// ErrJobNotFinished (choosing its NextRetryDelay) while the job runs, so retries are
// the poll loop and cost no history; ScheduleToClose is the job's whole allowance.
func withPoll(ctx workflow.Context, window time.Duration, timeScale float64, summary string) workflow.Context {
	return workflows.WithPoll(ctx, window, timeScale, summary)
}
