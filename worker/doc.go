// Package worker runs the regioncopy Temporal worker: the workflows of package workflows
// and the activities of package activities on one task queue, with zap JSON logs,
// Prometheus metrics (the SDK's and regioncopy's own), concurrency limits and a graceful
// shutdown.
//
// Nothing here has to survive the process: workflow state lives in Temporal and every
// activity is idempotent (copy and backup starts carry idempotency tokens, deletes
// accept an already-deleted point, polls only read), so a worker SIGKILLed at any
// instant loses no copy and doubles none; Temporal retries the interrupted activity on
// another worker once its timeout passes.
package worker
