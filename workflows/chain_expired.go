package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// kindAfterLifecycle is nextKind, computed after any lifecycle pass in progress.
// The main loop starts the next copy and then runs the lifecycle events due; a
// newest-copy guard among them may learn that the base copy is gone, and the copy must not
// be recorded INCREMENTAL on a base AWS no longer has.
func (c *chain) kindAfterLifecycle(ctx workflow.Context) model.CopyKind {
	if err := c.lifecycleLock.Lock(ctx); err != nil {
		// Canceled while waiting: the copy's own calls end it, with this kind recorded.
		return c.nextKind()
	}
	defer c.lifecycleLock.Unlock()
	return c.nextKind()
}

// landedInTimeThenGone reports, for a copy AWS no longer has right after its job, whether
// the job completed before the copy's DeleteAt (so the copy did exist).
func landedInTimeThenGone(job model.CopyJob, deleteAt time.Time) bool {
	return !job.CompletionDate.IsZero() && (deleteAt.IsZero() || job.CompletionDate.Before(deleteAt))
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

// markNewestGone records that the newest copy is gone (AWS answered NotFound while the
// chain acted on it) before its time, and surveys the vault for the copy that is now the
// newest, so the guard moves to it and the next copy's kind is computed without the old.
// The caller holds lifecycleLock.
func (c *chain) markNewestGone(ctx workflow.Context, doing string, err error) {
	gone := c.Newest
	c.Newest = nil
	c.recordGone(ctx, &gone.Record, doing, err)
	out, serr := c.survey(ctx, "find the newest copy left", model.SurveyCopiesInput{Upcoming: maxUpcoming})
	if serr != nil {
		workflow.GetLogger(ctx).Warn("Could not survey the vault after the newest copy went", "Error", serr)
		return
	}
	c.adoptNewer(ctx, out.Newest)
	c.OtherLive = max(out.Live-c.newestCount(), 0)
	c.NextDueAt = out.NextDeleteAt
	c.Upcoming = out.Upcoming
}

// recordGone records a copy that AWS no longer has as DELETED before its time.
func (c *chain) recordGone(ctx workflow.Context, rec *model.CopyRecord, doing string, err error) {
	rec.StatusMessage = fmt.Sprintf("gone before its time: AWS answered NotFound when the chain tried to %s (DeleteAt %s): %s",
		doing, formatTime(firstTime(rec.ExtendedUntil, rec.DeleteAt)), errorMessage(err))
	rec.State = model.RecordDeleted
	rec.DeletedAt = workflow.Now(ctx)
	c.logRecord(*rec)
	workflow.GetLogger(ctx).Warn("Copy gone from the vault before its time",
		"DestinationRecoveryPointArn", rec.DestinationRecoveryPointArn, "Doing", doing, "Error", err)
}

// firstTime is a unless it is zero, else b.
func firstTime(a, b time.Time) time.Time {
	if !a.IsZero() {
		return a
	}
	return b
}
