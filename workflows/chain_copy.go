package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// startCopy takes the oldest waiting order and copies it in its own coroutine, so the
// main loop keeps taking orders and running lifecycle timers (the newest-copy guard must
// be able to act while a long copy job runs).
func (c *chain) startCopy(ctx workflow.Context) {
	p := c.Pending[0]
	c.Pending = c.Pending[1:]
	p.Order, p.RuleSet = c.orderOf(p), 0
	c.gcRuleSets()
	cur := &inflightCopy{PendingOrder: p}
	cur.record = c.newRecord(ctx, p)
	cur.record.State = model.JobCreated
	cur.note = c.outOfOrderCopyNote(ctx, p.Order)
	cur.record.StatusMessage = cur.note
	done, settle := workflow.NewFuture(ctx)
	cur.done = done
	c.current = cur
	workflow.Go(ctx, func(ctx workflow.Context) {
		c.copyOne(ctx, cur)
		settle.Set(nil, nil)
	})
}

// copyOne runs the copy jobs of one order until one completes, the attempts are used up,
// or an error that retrying cannot fix ends it. It leaves the outcome in cur.record.
func (c *chain) copyOne(ctx workflow.Context, cur *inflightCopy) {
	logger := workflow.GetLogger(ctx)
	k, o, rec := c.start.Key, cur.Order, &cur.record
	window := completionWindow(o)
	deadline := c.orderDeadline(ctx, cur.PendingOrder)
	backoff := CopyRetryBackoff
	lastEnd := "" // how the previous attempt's job ended
	for i := 1; i <= CopyAttempts; i++ {
		left := deadline.Sub(workflow.Now(ctx))
		if left <= 0 {
			// Its requester has stopped waiting (awaitResults); a copy now would land
			// behind its back.
			c.failCopy(ctx, rec, windowPassedBeforeStart(cur.PendingOrder, i-1, lastEnd))
			return
		}
		rec.Attempts = i
		c.TokenSeq++
		token := idempotencyToken(c.id, c.firstRunID, c.TokenSeq)
		rec.Kind = c.kindAfterLifecycle(ctx)
		rec.State = model.JobCreated
		rec.CopyJobId = ""
		c.poke()

		var started model.StartCopyJobOutput
		asked := workflow.Now(ctx)
		startCtx := workflow.WithActivityOptions(ctx, startCopyOptions(
			fmt.Sprintf("start %s copy %d/%d to %s", rec.Kind, i, CopyAttempts, model.VaultNameFromArn(k.DestinationBackupVaultArn)), left))
		err := workflow.ExecuteActivity(startCtx, model.ActStartCopyJob, model.StartCopyJobInput{
			SourceRegion:              k.SourceRegion,
			RecoveryPointArn:          o.SourceRecoveryPointArn,
			SourceBackupVaultName:     o.SourceBackupVaultName,
			DestinationBackupVaultArn: k.DestinationBackupVaultArn,
			IamRoleArn:                o.IamRoleArn,
			Lifecycle:                 o.Lifecycle,
			IdempotencyToken:          token,
		}).Get(ctx, &started)
		if err != nil && windowExceeded(err) {
			c.failCopy(ctx, rec, fmt.Sprintf("StartCopyJob did not succeed within %s (its retry window, bounded by the completion window of %s): %s",
				min(StartCopyJobWindow, left), window, errorMessage(err)))
			return
		}
		if err != nil {
			c.failCopy(ctx, rec, "StartCopyJob failed: "+errorMessage(err))
			return
		}
		rec.CopyJobId = started.CopyJobId
		rec.State = model.JobRunning
		cur.jobAskedAt, cur.jobStartedAt = asked, workflow.Now(ctx)
		c.poke()

		job, err := c.followJob(ctx, cur, started.CopyJobId, deadline)
		if err != nil {
			if windowExceeded(err) {
				// The text is data (the record and the requester's answer), not a command,
				// so rewording it needs no version.
				c.failCopy(ctx, rec, fmt.Sprintf("completion window of %s exceeded: copy job %s had not finished (%s); "+
					"AWS Backup cannot stop a copy job, so it may still complete and leave a copy in %s that this chain does not track "+
					"(aws backup describe-copy-job --copy-job-id %s --region %s)",
					window, started.CopyJobId, errorMessage(err), k.DestinationBackupVaultArn, started.CopyJobId, k.SourceRegion))
				return
			}
			c.failCopy(ctx, rec, "following copy job "+started.CopyJobId+" failed: "+errorMessage(err))
			return
		}
		rec.StartedAt = job.CreationDate
		rec.StatusMessage = withNote(cur.note, job.StatusMessage)
		if job.State == model.JobCompleted {
			c.completeCopy(ctx, cur, job)
			return
		}
		logger.Warn("Copy job ended without a copy", "CopyJobId", job.CopyJobId, "State", job.State,
			"StatusMessage", job.StatusMessage, "Attempt", i)
		if i == CopyAttempts {
			c.failCopy(ctx, rec, fmt.Sprintf("copy job %s ended %s after %d attempts: %s",
				job.CopyJobId, job.State, CopyAttempts, job.StatusMessage))
			return
		}
		rec.State = job.State
		lastEnd = fmt.Sprintf("copy job %s ended %s: %s", job.CopyJobId, job.State, job.StatusMessage)
		c.poke()
		if err := workflow.NewTimerWithOptions(ctx, scaled(backoff, c.start.TimeScale),
			workflow.TimerOptions{Summary: "wait before copy attempt " + fmt.Sprint(i+1)}).Get(ctx, nil); err != nil {
			c.failCopy(ctx, rec, "interrupted while waiting to retry: "+err.Error())
			return
		}
		backoff *= 2
	}
}

func (c *chain) failCopy(ctx workflow.Context, rec *model.CopyRecord, msg string) {
	rec.State = model.JobFailed
	rec.StatusMessage = msg
	workflow.GetLogger(ctx).Error("Copy failed", "RecoveryPointArn", rec.SourceRecoveryPointArn,
		"CopyJobId", rec.CopyJobId, "Attempts", rec.Attempts, "Reason", msg)
}

// completeCopy fills the record of a completed job from the destination recovery point
// (size, encryption key, AWS's calculated lifecycle). The copies and status queries show
// the record in flight, so it says COMPLETED only once those fields are in: a reader never
// sees a completed copy without its destination and DeleteAt. Until then it keeps the
// job's last state seen while running.
func (c *chain) completeCopy(ctx workflow.Context, cur *inflightCopy, job model.CopyJob) {
	rec := &cur.record
	// final is the state the record ends in: COMPLETED unless the copy landed expired.
	final := model.JobCompleted
	defer func() { rec.State = final }()
	rec.DestinationRecoveryPointArn = job.DestinationRecoveryPointArn
	rec.EncryptionKeyArn = job.DestinationEncryptionKeyArn
	rec.BackupSizeInBytes = job.BackupSizeInBytes
	rec.CompletedAt = job.CompletionDate
	rp, err := c.landedCopy(ctx, job)
	if err != nil {
		// Without AWS's calculated lifecycle the chain computes it as AWS does, from the
		// source creation date.
		if d := rec.Lifecycle.MoveToColdStorageAfterDays; d > 0 {
			rec.MoveToColdStorageAt = rec.SourceCreationDate.Add(time.Duration(d) * 24 * time.Hour)
		}
		if d := rec.Lifecycle.DeleteAfterDays; d > 0 {
			rec.DeleteAt = rec.SourceCreationDate.Add(time.Duration(d) * 24 * time.Hour)
		}
		// NotFound right after the job completed: AWS removed the copy at once (it landed
		// after its DeleteAt). Any other failure says nothing about the copy, which the
		// job says exists.
		if errorType(err) == model.ErrNotFound && landedInTimeThenGone(job, rec.DeleteAt) {
			final = model.RecordDeleted
			c.recordGoneAfterLanding(ctx, cur, job, "describing it answered NotFound: "+errorMessage(err))
			return
		}
		if errorType(err) == model.ErrNotFound {
			final = model.RecordExpiredOnLanding
			c.recordExpiredOnLanding(ctx, cur, job, "describing it answered NotFound: "+errorMessage(err))
			return
		}
		workflow.GetLogger(ctx).Warn("Could not describe the new copy", "Error", err)
		rec.StatusMessage = withNote(cur.note, "copy completed; describing it failed: "+errorMessage(err))
		return
	}
	if rp.BackupSizeInBytes > 0 {
		rec.BackupSizeInBytes = rp.BackupSizeInBytes
	}
	if rp.EncryptionKeyArn != "" {
		rec.EncryptionKeyArn = rp.EncryptionKeyArn
	}
	if !rp.Lifecycle.IsZero() {
		rec.Lifecycle = rp.Lifecycle
	}
	rec.MoveToColdStorageAt = rp.CalculatedLifecycle.MoveToColdStorageAt
	rec.DeleteAt = rp.CalculatedLifecycle.DeleteAt
	if removedByAWS(rp) && landedInTimeThenGone(job, rec.DeleteAt) {
		final = model.RecordDeleted
		c.recordGoneAfterLanding(ctx, cur, job, fmt.Sprintf("described with Status %s, StorageClass %s", rp.Status, rp.StorageClass))
		return
	}
	if removedByAWS(rp) {
		final = model.RecordExpiredOnLanding
		c.recordExpiredOnLanding(ctx, cur, job, fmt.Sprintf("described with Status %s, StorageClass %s", rp.Status, rp.StorageClass))
	}
}

// landedCopy is the destination recovery point of a completed job: as the poll described
// it, or described now when the poll could not.
func (c *chain) landedCopy(ctx workflow.Context, job model.CopyJob) (model.RecoveryPoint, error) {
	if job.Landed != nil {
		return *job.Landed, nil
	}
	return c.describeCopy(ctx, job.DestinationRecoveryPointArn)
}

// nextKind says whether the next copy job will be full or incremental: incremental only
// while an earlier copy of this chain still exists in the vault.
func (c *chain) nextKind() model.CopyKind {
	if c.Newest != nil || c.OtherLive > 0 {
		return model.CopyIncremental
	}
	return model.CopyFull
}

// poke wakes the main loop so status and timers follow the copy's progress.
func (c *chain) poke() { c.wake.SendAsync(struct{}{}) }

// finishCopy runs in the main loop once the copy coroutine has ended: it records the
// outcome, makes a landed copy the newest when it is, releases the guard extension a
// newer copy makes unnecessary, and reports to every requester.
func (c *chain) finishCopy(ctx workflow.Context) {
	cur := c.current
	c.current = nil
	c.copiesThisRun++
	rec := cur.record
	c.noteAnchor(rec.StartedAt, cur.jobAskedAt, cur.jobStartedAt)
	switch rec.State {
	case model.RecordDeleted, model.JobCompleted:
		// A copy that landed counts as made, even one already gone again (no base then).
		c.CopiesTotal++
		if rec.Kind == model.CopyFull {
			c.FullCopies++
		}
		c.BytesTotal += rec.BackupSizeInBytes
		c.LastCopyAt = rec.CompletedAt
		if c.LastCopyAt.IsZero() {
			c.LastCopyAt = workflow.Now(ctx)
		}
		c.LastFailed = false
	default:
		c.LastFailed = true
	}
	c.logRecord(rec)
	if rec.State == model.JobCompleted {
		workflow.GetLogger(ctx).Info("Copy completed", "RecoveryPointArn", rec.SourceRecoveryPointArn,
			"DestinationRecoveryPointArn", rec.DestinationRecoveryPointArn, "Kind", rec.Kind,
			"BackupSizeInBytes", rec.BackupSizeInBytes, "CopyJobId", rec.CopyJobId)
		c.landed(ctx, rec)
	}
	c.notify(ctx, cur.Requesters, cur.Order, rec)
	c.updateStatus(ctx)
}

// noteAnchor takes a new reading of AWS's clock: the job's CreationDate on AWS's clock,
// made between the workflow times StartCopyJob was asked (asked) and answered
// (answered). Its spread (answered - asked) is how late the reading may be: a worker
// killed mid-call, or hours of throttled retries, widen it. The chain keeps the tightest
// reading that still agrees with the new one (the clocks run at a fixed ratio), so one
// slow start does not move its timers late by the delay; a reading the kept one does not
// predict (the emulator's clock was stopped and restarted) replaces it. Timers that use
// the anchor fire at most the spread late, never early: a copy is never deleted before
// its DeleteAt.
func (c *chain) noteAnchor(aws, asked, answered time.Time) {
	if aws.IsZero() || answered.IsZero() {
		return
	}
	spread := max(answered.Sub(asked), 0)
	if !c.AnchorAWS.IsZero() && spread > c.AnchorSpread {
		p := c.due(aws, c.start.TimeScale)
		if !p.Before(asked.Add(-c.AnchorSpread)) && !p.After(answered.Add(c.AnchorSpread)) {
			return
		}
	}
	c.AnchorAWS, c.AnchorTemporal, c.AnchorSpread = aws, answered, spread
}
