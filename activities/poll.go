package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// PollSchedule decides how long a poll activity lets a running job be before it looks
// again. PollBackupJob polls on it: each poll is one short activity attempt that fails
// with a retryable model.ErrJobNotFinished carrying NextRetryDelay, so Temporal's retry
// loop is the poll loop: retries add no history events however long the job runs, and no
// worker slot is held between polls. PollCopyJob learns of its job's end from the Region
// watcher instead (CopyWatch) and falls back to this schedule only while the watcher's
// sweeps fail or when the worker has no follow slot free.
//
// The delay is a fraction of the job's age as seen by the activity (time since the poll
// activity was first scheduled), between Min and Max. A job that ends after seconds is
// seen within about Min; a job that runs for hours is looked at every Max, and the time
// between the job's end and its detection stays under Fraction of its duration.
type PollSchedule struct {
	Min      time.Duration
	Fraction float64
	Max      time.Duration
}

// DefaultPollSchedule: 3s at first, a fifth of the job's age, at most 5 minutes. A
// one-hour job costs about 30 DescribeCopyJob calls; every further hour costs 12.
var DefaultPollSchedule = PollSchedule{Min: 3 * time.Second, Fraction: 0.2, Max: 5 * time.Minute}

// Delay returns the wait before the next poll of a job that has been watched for age.
func (s PollSchedule) Delay(age time.Duration) time.Duration {
	d := time.Duration(float64(max(age, 0)) * s.Fraction)
	return min(max(d, s.Min), s.Max)
}

// watchedFor is how long this poll activity has been watching: since the activity was
// first scheduled (retries keep the first scheduled time).
func watchedFor(ctx context.Context) time.Duration {
	info := activity.GetInfo(ctx)
	if info.ScheduledTime.IsZero() {
		return 0
	}
	return time.Since(info.ScheduledTime)
}

// notFinished is the retryable error a poll activity returns while its job runs.
func (s PollSchedule) notFinished(ctx context.Context, what, id, state string) error {
	age := watchedFor(ctx)
	delay := s.Delay(age)
	return temporal.NewApplicationErrorWithOptions(
		fmt.Sprintf("%s %s is %s after %s; next look in %s", what, id, state, age.Round(time.Second), delay),
		model.ErrJobNotFinished,
		temporal.ApplicationErrorOptions{NextRetryDelay: delay, Category: temporal.ApplicationErrorCategoryBenign})
}

func stateOrUnknown(s string) string {
	if s == "" {
		return "in an unreported state"
	}
	return s
}
