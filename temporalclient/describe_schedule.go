package temporalclient

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// describeRetryFor bounds how long DescribeSchedule is retried while the server cannot
// answer it yet.
const describeRetryFor = 30 * time.Second

// DescribeSchedule describes a schedule, retrying while the server answers that it has
// seen no poller: the server answers a describe by querying the schedule's own
// workflow, which its internal worker runs, and on a server just started or a busy
// machine that worker may not have polled yet. Any other error is returned at once.
func DescribeSchedule(ctx context.Context, h client.ScheduleHandle) (*client.ScheduleDescription, error) {
	deadline := time.Now().Add(describeRetryFor)
	wait := 200 * time.Millisecond
	for {
		d, err := h.Describe(ctx)
		if err == nil || !noPollerYet(err) || time.Now().Add(wait).After(deadline) {
			return d, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// noPollerYet reports the server's "no poller seen for task queue recently" refusal.
func noPollerYet(err error) bool {
	var fp *serviceerror.FailedPrecondition
	return errors.As(err, &fp) && strings.Contains(fp.Error(), "no poller seen")
}
