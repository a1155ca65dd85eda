package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// versionLandedExpired: a copy whose destination recovery point is gone (or going) right
// after its job COMPLETED is recorded EXPIRED_ON_LANDING and reported as an error, and a
// live copy that AWS answers NotFound for when the guard updates its lifecycle is
// recorded DELETED (1). Before, the first was recorded COMPLETED and the second retried
// for ever (DefaultVersion). Asked only when such an answer arrives, so chains that never
// meet one record no marker and replay unchanged.
const versionLandedExpired = "copy-landed-expired"

// versionKindAfterLifecycle: the kind of a copy is computed once a lifecycle pass in
// progress has ended (1), not while it waits on AWS (DefaultVersion). The main loop starts
// the next copy and then runs the lifecycle events due; a newest-copy guard among them may
// learn that the base copy is gone, and the copy must not be recorded INCREMENTAL on a
// base AWS no longer has.
const versionKindAfterLifecycle = "copy-kind-after-lifecycle"

// kindAfterLifecycle is nextKind, computed after any lifecycle pass in progress.
func (c *chain) kindAfterLifecycle(ctx workflow.Context) model.CopyKind {
	if workflow.GetVersion(ctx, versionKindAfterLifecycle, workflow.DefaultVersion, 1) < 1 {
		return c.nextKind()
	}
	if err := c.lifecycleLock.Lock(ctx); err != nil {
		// Canceled while waiting: the copy's own calls end it, with this kind recorded.
		return c.nextKind()
	}
	defer c.lifecycleLock.Unlock()
	return c.nextKind()
}

// versionLandedThenGone: a copy whose job COMPLETED before the copy's DeleteAt but which
// is gone by the time the chain describes it (the worker was down past its DeleteAt, or
// someone deleted it) landed and then went: it is recorded DELETED, a copy made and
// reported as such, not EXPIRED_ON_LANDING (1). Asked only when such an answer arrives.
const versionLandedThenGone = "copy-landed-then-gone"

// landedInTimeThenGone reports, for a copy AWS no longer has right after its job, whether
// the job completed before the copy's DeleteAt (so the copy did exist).
func (c *chain) landedInTimeThenGone(ctx workflow.Context, job model.CopyJob, deleteAt time.Time) bool {
	if job.CompletionDate.IsZero() || (!deleteAt.IsZero() && !job.CompletionDate.Before(deleteAt)) {
		return false
	}
	return workflow.GetVersion(ctx, versionLandedThenGone, workflow.DefaultVersion, 1) >= 1
}

// recordGoneAfterLanding ends the record of a copy that landed in time and was gone by
// the time the chain described it.
func (c *chain) recordGoneAfterLanding(ctx workflow.Context, cur *inflightCopy, job model.CopyJob, seen string) {
	rec := &cur.record
	rec.State = model.RecordDeleted
	rec.DeletedAt = workflow.Now(ctx)
	rec.StatusMessage = withNote(cur.note, fmt.Sprintf("copy job %s completed at %s, before the copy's DeleteAt %s, but the copy was gone when the chain described it (%s): it landed and has since expired or been deleted",
		job.CopyJobId, formatTime(job.CompletionDate), formatTime(rec.DeleteAt), seen))
	workflow.GetLogger(ctx).Warn("Copy landed, then was gone before the chain described it",
		"RecoveryPointArn", rec.SourceRecoveryPointArn, "DestinationRecoveryPointArn", rec.DestinationRecoveryPointArn,
		"CopyJobId", job.CopyJobId, "CompletionDate", job.CompletionDate, "DeleteAt", rec.DeleteAt, "Seen", seen)
}

func (c *chain) landedExpiredVersion(ctx workflow.Context) workflow.Version {
	return workflow.GetVersion(ctx, versionLandedExpired, workflow.DefaultVersion, 1)
}

// removedByAWS reports whether a recovery point, as described, is being or has been
// removed: a copy that landed after its DeleteAt is described this way, or not at all.
func removedByAWS(rp model.RecoveryPoint) bool {
	return rp.Status == model.RecoveryPointExpired || rp.Status == model.RecoveryPointDeleting ||
		rp.StorageClass == model.StorageClassDeleted
}

// recordExpiredOnLanding ends the record of a copy whose job completed but whose copy AWS
// removed at once. seen says what the describe call answered. The record keeps the
// DeleteAt the copy had, so a reader sees why.
func (c *chain) recordExpiredOnLanding(ctx workflow.Context, cur *inflightCopy, job model.CopyJob, seen string) {
	rec := &cur.record
	rec.State = model.RecordExpiredOnLanding
	var msg string
	if !rec.DeleteAt.IsZero() && !job.CompletionDate.IsZero() && !job.CompletionDate.Before(rec.DeleteAt) {
		msg = fmt.Sprintf("copy job %s completed at %s, after the copy's DeleteAt %s: AWS removed the copy at once because it landed already expired; the copy does not exist (%s)",
			job.CopyJobId, formatTime(job.CompletionDate), formatTime(rec.DeleteAt), seen)
	} else {
		msg = fmt.Sprintf("copy job %s completed but AWS removed the copy at once (DeleteAt %s); the copy does not exist (%s)",
			job.CopyJobId, formatTime(rec.DeleteAt), seen)
	}
	rec.StatusMessage = withNote(cur.note, msg)
	workflow.GetLogger(ctx).Warn("Copy landed already expired; AWS removed it at once",
		"RecoveryPointArn", rec.SourceRecoveryPointArn, "DestinationRecoveryPointArn", rec.DestinationRecoveryPointArn,
		"CopyJobId", job.CopyJobId, "CompletionDate", job.CompletionDate, "DeleteAt", rec.DeleteAt, "Seen", seen)
}

// markGone records a live copy that AWS no longer has (it answered NotFound while the
// chain was acting on it) as DELETED before its time. It is no longer live, so its timers
// stop, the guard moves to the next newest copy, and the next copy's kind is computed
// without it.
func (c *chain) markGone(ctx workflow.Context, t *TrackedCopy, doing string, err error) {
	now := workflow.Now(ctx)
	t.Record.StatusMessage = fmt.Sprintf("gone before its time: AWS answered NotFound when the chain tried to %s (DeleteAt %s): %s",
		doing, formatTime(t.effectiveDeleteAt()), errorMessage(err))
	t.Record.State = model.RecordDeleted
	t.Record.DeletedAt = now
	t.RetryAt = time.Time{}
	workflow.GetLogger(ctx).Warn("Copy gone from the vault before its time",
		"DestinationRecoveryPointArn", t.Record.DestinationRecoveryPointArn, "Doing", doing, "Error", err)
}
