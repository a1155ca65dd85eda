package worker

import (
	"time"

	sdkworker "go.temporal.io/sdk/worker"
)

// SDKOptions is the Temporal worker configuration a regioncopy worker runs with, less
// its fatal-error hook. The benchmark's floor worker uses it too, so that floor and
// copies are measured on equal terms.
func SDKOptions(cfg Config) sdkworker.Options {
	return sdkworker.Options{
		// Copy jobs followed in-process hold their slots for minutes; they get slots of
		// their own so the other activities keep MaxConcurrentActivities.
		MaxConcurrentActivityExecutionSize: cfg.MaxConcurrentActivities + cfg.MaxFollowedCopyJobs,
		// A followed copy job heartbeats every 4 minutes against a 5-minute timeout
		// (workflows' pollOptions) instead of the SDK's default of every minute.
		MaxHeartbeatThrottleInterval:           4 * time.Minute,
		MaxConcurrentWorkflowTaskExecutionSize: cfg.MaxConcurrentWorkflowTasks,
		WorkerActivitiesPerSecond:              cfg.ActivitiesPerSecond,
		// In-flight activities get this long to finish after Stop; the rest are
		// cancelled and retried elsewhere, which is safe because they are idempotent.
		WorkerStopTimeout: cfg.ShutdownGrace,
	}
}
