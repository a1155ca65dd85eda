package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// followDetails is what a PollCopyJob attempt leaves in its heartbeat, for the next
// attempt of the same activity.
type followDetails struct {
	// Watcher is the id of the Region watcher that covered the job from LookedAt on.
	Watcher string
	// LookedAt is the wall time of the last look that found the job not ended.
	LookedAt time.Time
	// DescribedAt is the wall time of the job's last DescribeCopyJob.
	DescribedAt time.Time
}

// PollCopyJob follows a copy job until it ends and returns it, whatever the final state:
// FAILED, PARTIAL or ABORTED jobs are results for the workflow to judge, not errors.
//
// The job's end comes from this worker's watcher of the job's Region (CopyWatch), which
// lists the Region's ended copy jobs every Interval for all the jobs followed at once.
// The attempt waits in-process for the watcher to list its job, heartbeating, for up to
// MaxWait or most of its StartToClose, then fails with a retryable
// model.ErrJobNotFinished and a short NextRetryDelay; its heartbeat tells the next
// attempt what this one knew. The job is described on its own only when the watcher
// cannot vouch for it: at the first look (a job that ended before the watcher was
// sweeping), on another worker or after the watcher restarted, every Recheck, and on the
// PollSchedule while the watcher's sweeps fail.
//
// Waiting attempts take one of the worker's follow slots (WithFollowSlots); with none
// free the attempt looks once and fails with the PollSchedule's delay, as polling always
// did, so the worker's other activities always find slots.
func (b *Backup) PollCopyJob(ctx context.Context, in model.PollCopyJobInput) (model.CopyJob, error) {
	job, err := b.followCopyJob(ctx, in)
	if err == nil {
		b.describeLanded(ctx, in, &job)
	}
	return job, err
}

// describeLanded fills job.Landed when the caller asked for it and the job COMPLETED. A
// failed describe is not the poll's failure: the job's end stands, and the caller
// describes the copy itself, with its own retries and its reading of NotFound.
func (b *Backup) describeLanded(ctx context.Context, in model.PollCopyJobInput, job *model.CopyJob) {
	if in.DestinationRegion == "" || in.DestinationBackupVaultName == "" ||
		job.State != model.JobCompleted || job.DestinationRecoveryPointArn == "" {
		return
	}
	rp, err := b.describeRecoveryPoint(ctx, in.DestinationRegion, in.DestinationBackupVaultName, job.DestinationRecoveryPointArn)
	if err == nil {
		job.Landed = &rp
	}
}

func (b *Backup) followCopyJob(ctx context.Context, in model.PollCopyJobInput) (model.CopyJob, error) {
	if err := requireFields(model.ActPollCopyJob, field{"Region", in.Region}, field{"CopyJobId", in.CopyJobId}); err != nil {
		return model.CopyJob{}, err
	}
	var prior followDetails
	if activity.HasHeartbeatDetails(ctx) {
		_ = activity.GetHeartbeatDetails(ctx, &prior) // unreadable details only cost a describe
	}
	rw, f := b.watch.follow(in.Region, in.CopyJobId, time.Time{})
	defer rw.leave(f)
	select {
	case job := <-f.done:
		return b.copyEnded(in, job), nil
	default:
	}

	d := prior
	covered := d.Watcher == rw.id && time.Since(d.LookedAt) < b.watch.cfg.Keep/2
	if !covered || time.Since(d.DescribedAt) >= b.watch.cfg.Recheck {
		job, ended, err := b.lookAt(ctx, in)
		if err != nil || ended {
			return job, err
		}
		rw.coverFrom(job.CreationDate)
		d.DescribedAt = time.Now()
	}
	d.Watcher, d.LookedAt = rw.id, time.Now()
	activity.RecordHeartbeat(ctx, d)

	if !b.takeFollowSlot() {
		return model.CopyJob{}, b.poll.notFinished(ctx, "copy job", in.CopyJobId, "not ended")
	}
	defer b.releaseFollowSlot()
	return b.waitForEnd(ctx, in, rw, f, d)
}

// waitForEnd waits for the watcher to hand over the job's end, until the attempt's time
// is up or the worker stops.
func (b *Backup) waitForEnd(ctx context.Context, in model.PollCopyJobInput, rw *regionWatch, f *follower, d followDetails) (model.CopyJob, error) {
	info := activity.GetInfo(ctx)
	cfg := b.watch.cfg
	end := time.Now().Add(cfg.MaxWait)
	if !info.Deadline.IsZero() {
		// End before the StartToClose, so the attempt fails as not finished rather than
		// timed out, which would cost the retry policy's backoff.
		left := time.Until(info.Deadline)
		end = minTime(end, info.Deadline.Add(-min(left/10, 10*time.Second)))
	}
	deadline := time.NewTimer(time.Until(end))
	defer deadline.Stop()
	tick := time.NewTicker(max(cfg.Interval, info.HeartbeatTimeout/4))
	defer tick.Stop()
	for {
		select {
		case job := <-f.done:
			return b.copyEnded(in, job), nil
		case <-ctx.Done():
			return model.CopyJob{}, ctx.Err()
		case <-activity.GetWorkerStopChannel(ctx):
			return model.CopyJob{}, b.notEndedYet(in.CopyJobId, "the worker is stopping")
		case <-deadline.C:
			return model.CopyJob{}, b.notEndedYet(in.CopyJobId, "this attempt waited its time")
		case <-tick.C:
		}
		// A failing watcher leaves each follower to look on the poll schedule, as if
		// there were no watcher; the backstop recheck applies whatever the watcher does.
		selfLook := rw.failing() && time.Since(d.DescribedAt) >= b.poll.Delay(watchedFor(ctx))
		if selfLook || time.Since(d.DescribedAt) >= cfg.Recheck {
			job, ended, err := b.lookAt(ctx, in)
			if err != nil || ended {
				return job, err
			}
			d.DescribedAt = time.Now()
		}
		d.LookedAt = time.Now()
		activity.RecordHeartbeat(ctx, d)
	}
}

// lookAt describes the job; ended says whether it has ended (then job is the result).
func (b *Backup) lookAt(ctx context.Context, in model.PollCopyJobInput) (job model.CopyJob, ended bool, err error) {
	job, err = b.lookAtCopyJob(ctx, in)
	if err != nil {
		// The job exists once StartCopyJob has named it: whatever AWS answers, look again
		// (classifyFollowing), until NotFoundGrace if AWS never lists it.
		return model.CopyJob{}, false, classifyFollowing(ctx, awsCall{"DescribeCopyJob", in.Region}, err, watchedFor(ctx), in.NotFoundGrace)
	}
	if !jobEnded(job.State) {
		return job, false, nil
	}
	return b.copyEnded(in, job), true, nil
}

// copyEnded reports an ended job to the observer and returns it.
func (b *Backup) copyEnded(in model.PollCopyJobInput, job model.CopyJob) model.CopyJob {
	if b.observer != nil {
		b.observer.CopyEnded(in.Region, CopyJobEnd{
			DestinationRegion: model.RegionFromArn(job.DestinationBackupVaultArn),
			State:             job.State,
			BackupSizeInBytes: job.BackupSizeInBytes,
			Kind:              in.Kind,
			Duration:          jobDuration(job),
		})
	}
	return job
}

// jobDuration is how long AWS took from the job's creation to its completion.
func jobDuration(job model.CopyJob) time.Duration {
	if job.CreationDate.IsZero() || job.CompletionDate.IsZero() || job.CompletionDate.Before(job.CreationDate) {
		return 0
	}
	return job.CompletionDate.Sub(job.CreationDate)
}

// notEndedYet is the retryable error of an attempt that waited without seeing the end:
// the next attempt follows at once (within a second), on this worker or another.
func (b *Backup) notEndedYet(id, why string) error {
	return temporal.NewApplicationErrorWithOptions(fmt.Sprintf("copy job %s has not ended; %s", id, why),
		model.ErrJobNotFinished, temporal.ApplicationErrorOptions{
			NextRetryDelay: min(time.Second, b.watch.cfg.Interval),
			Category:       temporal.ApplicationErrorCategoryBenign,
		})
}

// takeFollowSlot takes one of the worker's follow slots without waiting; every attempt
// gets one when no limit is set.
func (b *Backup) takeFollowSlot() bool {
	if b.followSlots == nil {
		return true
	}
	select {
	case b.followSlots <- struct{}{}:
		return true
	default:
		return false
	}
}

func (b *Backup) releaseFollowSlot() {
	if b.followSlots != nil {
		<-b.followSlots
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
