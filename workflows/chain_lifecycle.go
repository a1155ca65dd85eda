package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// Lifecycle of the chain's copies. The newest copy is guarded: GuardMargin before its
// DeleteAt, if no newer copy has landed, the chain extends its lifecycle instead of
// letting it expire. Every other live copy expires at its DeleteAt: the chain keeps one
// durable timer for the earliest of them (NextDueAt), and when it fires surveys the vault
// (one activity, a bounded answer), deletes what is due and re-arms for the next DeleteAt
// the survey reports. So a chain with thousands of live copies carries two instants and a
// count, not a list, while each copy is still deleted at its own due time. Cold
// transitions are AWS's alone (the lifecycle given to AWS); the chain only reads them.

type lifecycleAction int

const (
	actionNone lifecycleAction = iota
	actionGuard
	actionSweep
	// actionRpo only wakes the chain when its RPO state changes; updateStatus publishes it.
	actionRpo
)

// lifecycleEvent is the next thing due.
type lifecycleEvent struct {
	at     time.Time
	action lifecycleAction
}

// maxUpcoming bounds ChainState.Upcoming.
const maxUpcoming = 32

// sweepRounds bounds the surveys of one lifecycle pass; a backlog beyond it (a chain
// back after a long outage) is taken up by the next pass, between which the chain can
// continue as new.
const sweepRounds = 5

// guardEvent is the newest copy's guard, or actionNone.
func (c *chain) guardEvent() lifecycleEvent {
	t, ts := c.Newest, c.start.TimeScale
	if t == nil || c.awaitsAnchor(ts) {
		return lifecycleEvent{}
	}
	del := t.effectiveDeleteAt()
	if del.IsZero() {
		return lifecycleEvent{}
	}
	ev := lifecycleEvent{at: c.due(del, ts).Add(-scaled(GuardMargin, ts)), action: actionGuard}
	if t.RetryAt.After(ev.at) {
		ev.at = t.RetryAt
	}
	return ev
}

// sweepEvent is the next expiry among the other copies, or actionNone.
func (c *chain) sweepEvent() lifecycleEvent {
	ts := c.start.TimeScale
	if c.NextDueAt.IsZero() || c.awaitsAnchor(ts) {
		return lifecycleEvent{}
	}
	ev := lifecycleEvent{at: c.due(c.NextDueAt, ts), action: actionSweep}
	if c.SweepRetryAt.After(ev.at) {
		ev.at = c.SweepRetryAt
	}
	return ev
}

// earliestEvent is the next timed event of the whole chain: a lifecycle event or the
// next change of its RPO state.
func (c *chain) earliestEvent(ctx workflow.Context) lifecycleEvent {
	return earliest(earliest(c.guardEvent(), c.sweepEvent()), c.rpoEvent(ctx))
}

// earliest is the earlier of two events; an event with actionNone is no event.
func earliest(a, b lifecycleEvent) lifecycleEvent {
	switch {
	case a.action == actionNone:
		return b
	case b.action == actionNone || a.at.Before(b.at):
		return a
	}
	return b
}

// armTimer makes c.timer fire at the earliest lifecycle event, reusing the armed timer
// when the event has not moved. ok is false when nothing is scheduled; due is true when
// the event is already due and needs no timer.
func (c *chain) armTimer(ctx workflow.Context) (ok, due bool) {
	ev := c.earliestEvent(ctx)
	if ev.action == actionNone {
		c.cancelTimer()
		return false, false
	}
	now := workflow.Now(ctx)
	if !ev.at.After(now) {
		c.cancelTimer()
		return true, true
	}
	if c.timer != nil && c.timerAt.Equal(ev.at) {
		return true, false
	}
	c.cancelTimer()
	tctx, cancel := workflow.WithCancel(ctx)
	c.timer = workflow.NewTimerWithOptions(tctx, ev.at.Sub(now), workflow.TimerOptions{Summary: c.timerSummary(ev)})
	c.timerAt, c.timerCancel = ev.at, cancel
	return true, false
}

func (c *chain) cancelTimer() {
	if c.timerCancel != nil {
		c.timerCancel()
	}
	c.timer, c.timerAt, c.timerCancel = nil, time.Time{}, nil
}

func (c *chain) timerSummary(ev lifecycleEvent) string {
	if ev.action == actionGuard {
		return "newest-copy guard for " + c.Newest.Record.DestinationRecoveryPointArn
	}
	if ev.action == actionRpo {
		return "RPO state changes (RPO " + (time.Duration(c.RpoMinutes) * time.Minute).String() + ")"
	}
	return fmt.Sprintf("expire copies due by %s", formatTime(c.NextDueAt))
}

// runDueLifecycle performs every lifecycle event that is due now.
func (c *chain) runDueLifecycle(ctx workflow.Context) {
	if err := c.lifecycleLock.Lock(ctx); err != nil {
		return
	}
	defer c.lifecycleLock.Unlock()
	c.lifecycleThisRun++
	now := workflow.Now(ctx)
	if ev := c.guardEvent(); ev.action == actionGuard && !ev.at.After(now) {
		c.extend(ctx, c.Newest)
	}
	if ev := c.sweepEvent(); ev.action == actionSweep && !ev.at.After(now) {
		c.sweep(ctx)
	}
}

// survey asks for the summary of the chain's copies in its destination vault.
func (c *chain) survey(ctx workflow.Context, summary string, in model.SurveyCopiesInput) (model.SurveyCopiesOutput, error) {
	k := c.start.Key
	in.Region, in.BackupVaultName = c.vault()
	in.ResourceArn, in.SourceRegion = k.ResourceArn, k.SourceRegion
	var out model.SurveyCopiesOutput
	err := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, local(listingOptions(summary))), model.ActSurveyCopies, in).Get(ctx, &out)
	return out, err
}

// sweep deletes the copies due by now (AWS time) other than the newest, and sets the next
// due time from what the vault then holds.
func (c *chain) sweep(ctx workflow.Context) {
	ts := c.start.TimeScale
	now := workflow.Now(ctx)
	// The timer fired for NextDueAt: mapping the workflow clock back onto AWS's may land
	// a hair short of it, which would find nothing due and fire again at once.
	cutoff := c.awsAt(now, ts)
	if cutoff.Before(c.NextDueAt) && !c.due(c.NextDueAt, ts).After(now) {
		cutoff = c.NextDueAt
	}
	var keep []string
	if c.Newest != nil {
		keep = []string{c.Newest.Record.DestinationRecoveryPointArn}
	}
	failedAt := time.Time{}
	for round := 0; round < sweepRounds; round++ {
		out, err := c.survey(ctx, "find copies due by "+formatTime(cutoff), model.SurveyCopiesInput{DueBy: cutoff, Keep: keep,
			Upcoming: maxUpcoming, Expect: c.vanishedCandidates(cutoff)})
		if err != nil {
			c.SweepRetryAt = now.Add(scaled(DeleteRetryDelay, ts))
			workflow.GetLogger(ctx).Error("Could not survey the destination vault for expired copies", "Error", err)
			return
		}
		deleted := 0
		for _, rp := range out.Due {
			if c.expire(ctx, rp) {
				deleted++
			} else if failedAt.IsZero() || rp.CalculatedLifecycle.DeleteAt.Before(failedAt) {
				failedAt = rp.CalculatedLifecycle.DeleteAt
			}
		}
		c.adoptNewer(ctx, out.Newest)
		c.OtherLive = max(out.Live-deleted-c.newestCount(), 0)
		c.NextDueAt = out.NextDeleteAt
		if !out.More {
			c.recordVanished(ctx, out.Missing)
			c.Upcoming = out.Upcoming
		}
		if !out.More || !failedAt.IsZero() {
			break
		}
	}
	c.SweepRetryAt = time.Time{}
	if !failedAt.IsZero() {
		c.NextDueAt = failedAt
		c.SweepRetryAt = now.Add(scaled(DeleteRetryDelay, ts))
	}
}

func (c *chain) newestCount() int {
	if c.Newest != nil {
		return 1
	}
	return 0
}

// expire deletes one copy at its expiry, verifies it is gone and records it; it reports
// whether the copy is gone.
func (c *chain) expire(ctx workflow.Context, rp model.RecoveryPoint) bool {
	region, vault := c.vault()
	var out model.DeleteRecoveryPointOutput
	err := workflow.ExecuteActivity(withCall(ctx, "delete expired copy "+rp.RecoveryPointArn),
		model.ActDeleteRecoveryPoint, model.DeleteRecoveryPointInput{
			Region: region, BackupVaultName: vault, RecoveryPointArn: rp.RecoveryPointArn,
		}).Get(ctx, &out)
	rec := c.recordOfCopy(ctx, rp)
	if err != nil && errorType(err) != model.ErrNotFound {
		rec.StatusMessage = "deletion at expiry failed, will retry: " + errorMessage(err)
		c.logRecord(rec)
		workflow.GetLogger(ctx).Error("Could not delete an expired copy", "DestinationRecoveryPointArn", rp.RecoveryPointArn, "Error", err)
		return false
	}
	rec.State = model.RecordDeleted
	rec.DeletedAt = workflow.Now(ctx)
	if err != nil || out.AlreadyGone {
		rec.StatusMessage = "expired; already gone from the vault (AWS lifecycle)"
	} else {
		rec.StatusMessage = "expired; deleted and verified absent"
	}
	c.logRecord(rec)
	workflow.GetLogger(ctx).Info("Expired copy deleted", "DestinationRecoveryPointArn", rp.RecoveryPointArn,
		"AlreadyGone", out.AlreadyGone)
	return true
}

// recordOfCopy is the logged record of a copy in the vault, or one made from the vault's
// description when this run has none (the copy was made or adopted by an earlier run).
func (c *chain) recordOfCopy(ctx workflow.Context, rp model.RecoveryPoint) model.CopyRecord {
	for i := len(c.log) - 1; i >= 0; i-- {
		if c.log[i].DestinationRecoveryPointArn == rp.RecoveryPointArn {
			rec := c.log[i]
			if cl := rp.CalculatedLifecycle; !cl.DeleteAt.IsZero() {
				rec.DeleteAt, rec.MoveToColdStorageAt = cl.DeleteAt, cl.MoveToColdStorageAt
			}
			return rec
		}
	}
	rec := c.vaultRecord(ctx, rp)
	rec.StatusMessage = "found in the vault"
	return rec
}

// vaultRecord is the record of a copy known only from the vault: a copy keeps its source
// recovery point's creation date, which is all AWS says of its source, and AWS does not
// say whether it was copied in full, so its Kind is left empty.
func (c *chain) vaultRecord(ctx workflow.Context, rp model.RecoveryPoint) model.CopyRecord {
	k := c.start.Key
	return model.CopyRecord{
		SourceCreationDate:          rp.CreationDate,
		ResourceArn:                 k.ResourceArn,
		ResourceType:                firstNonEmpty(rp.ResourceType, k.ResourceType),
		SourceRegion:                k.SourceRegion,
		DestinationRegion:           k.DestinationRegion,
		DestinationBackupVaultArn:   k.DestinationBackupVaultArn,
		DestinationRecoveryPointArn: rp.RecoveryPointArn,
		EncryptionKeyArn:            rp.EncryptionKeyArn,
		BackupSizeInBytes:           rp.BackupSizeInBytes,
		State:                       model.JobCompleted,
		Lifecycle:                   rp.Lifecycle,
		RequestedAt:                 workflow.Now(ctx),
		CompletedAt:                 rp.CompletionDate,
		MoveToColdStorageAt:         rp.CalculatedLifecycle.MoveToColdStorageAt,
		DeleteAt:                    rp.CalculatedLifecycle.DeleteAt,
	}
}

// landed takes a copy that has just landed: the newest copy when its source is newest,
// the previous newest then released from its guard; otherwise one more copy to expire.
func (c *chain) landed(ctx workflow.Context, rec model.CopyRecord) {
	if c.Newest != nil && rec.SourceCreationDate.Before(c.Newest.Record.SourceCreationDate) {
		c.addOther(rec, rec.DeleteAt)
		return
	}
	prev := c.Newest
	c.Newest = &TrackedCopy{Record: rec}
	// The newest copy now counts for the RPO; an expectation held from an earlier run is
	// superseded.
	c.RpoExpectedAt = time.Time{}
	if prev == nil {
		return
	}
	if err := c.lifecycleLock.Lock(ctx); err != nil {
		// Canceled: AWS's lifecycle (the extension, if any) stays the backstop.
		c.addOther(prev.Record, prev.effectiveDeleteAt())
		return
	}
	defer c.lifecycleLock.Unlock()
	c.releaseGuard(ctx, prev)
}

// addOther counts one more live copy besides the newest, due at deleteAt (AWS time).
func (c *chain) addOther(rec model.CopyRecord, deleteAt time.Time) {
	c.OtherLive++
	c.noteDue(deleteAt)
	c.noteUpcoming(model.CopyDue{RecoveryPointArn: rec.DestinationRecoveryPointArn, CreationDate: rec.SourceCreationDate,
		DeleteAt: deleteAt, BackupSizeInBytes: rec.BackupSizeInBytes})
}

// noteUpcoming adds a copy to Upcoming when it is due among the first maxUpcoming.
func (c *chain) noteUpcoming(d model.CopyDue) {
	if d.RecoveryPointArn == "" || d.DeleteAt.IsZero() {
		return
	}
	c.Upcoming = slices.DeleteFunc(c.Upcoming, func(u model.CopyDue) bool { return u.RecoveryPointArn == d.RecoveryPointArn })
	i, _ := slices.BinarySearchFunc(c.Upcoming, d, func(a, b model.CopyDue) int { return a.DeleteAt.Compare(b.DeleteAt) })
	c.Upcoming = slices.Insert(c.Upcoming, i, d)
	if len(c.Upcoming) > maxUpcoming {
		c.Upcoming = c.Upcoming[:maxUpcoming]
	}
}

// vanishedCandidates are the copies the chain believes live and due by cutoff (in
// Upcoming, or logged COMPLETED by this run): the survey is asked whether the vault still
// holds them (SurveyCopiesInput.Expect).
func (c *chain) vanishedCandidates(cutoff time.Time) []string {
	var arns []string
	add := func(arn string, due time.Time) {
		if arn != "" && !due.IsZero() && !due.After(cutoff) && !c.isNewest(arn) && !slices.Contains(arns, arn) {
			arns = append(arns, arn)
		}
	}
	for _, u := range c.Upcoming {
		add(u.RecoveryPointArn, u.DeleteAt)
	}
	for _, r := range c.log {
		if r.State == model.JobCompleted {
			add(r.DestinationRecoveryPointArn, firstTime(r.ExtendedUntil, r.DeleteAt))
		}
	}
	return arns
}

// recordVanished records as deleted the copies the survey found missing: AWS's
// lifecycle removed them before the chain's timer fired (a worker away past their
// DeleteAt), so a copy gone behind the chain's back is recorded by name, whichever run
// made it.
func (c *chain) recordVanished(ctx workflow.Context, missing []string) {
	for _, arn := range missing {
		rp := model.RecoveryPoint{RecoveryPointArn: arn}
		if i := slices.IndexFunc(c.Upcoming, func(u model.CopyDue) bool { return u.RecoveryPointArn == arn }); i >= 0 {
			u := c.Upcoming[i]
			rp.CreationDate, rp.BackupSizeInBytes, rp.CalculatedLifecycle.DeleteAt = u.CreationDate, u.BackupSizeInBytes, u.DeleteAt
		}
		rec := c.recordOfCopy(ctx, rp)
		if rec.State == model.RecordDeleted {
			continue
		}
		rec.State = model.RecordDeleted
		rec.DeletedAt = workflow.Now(ctx)
		rec.StatusMessage = "expired; already gone from the vault (AWS lifecycle)"
		c.logRecord(rec)
		workflow.GetLogger(ctx).Info("Expired copy already gone", "DestinationRecoveryPointArn", arn)
	}
}

// noteDue moves the next survey earlier when a copy other than the newest is due before it.
func (c *chain) noteDue(deleteAt time.Time) {
	if !deleteAt.IsZero() && (c.NextDueAt.IsZero() || deleteAt.Before(c.NextDueAt)) {
		c.NextDueAt = deleteAt
	}
}

// adoptNewer makes a copy found in the vault the newest when it is newer than the one the
// chain knows (a copy landed that the chain did not follow), or when it knows none. The
// caller holds lifecycleLock, or runs before the chain takes orders.
func (c *chain) adoptNewer(ctx workflow.Context, rp *model.RecoveryPoint) {
	if rp == nil || (c.Newest != nil && !rp.CreationDate.After(c.Newest.Record.SourceCreationDate)) {
		return
	}
	rec := c.vaultRecord(ctx, *rp)
	rec.Kind, rec.StatusMessage = model.CopyAdopted, model.AdoptedStatusMessage
	prev := c.Newest
	c.Newest = &TrackedCopy{Record: rec}
	c.logRecord(rec)
	if prev != nil {
		c.releaseGuard(ctx, prev)
	}
	if rp.CompletionDate.After(c.LastCopyAt) {
		c.LastCopyAt = rp.CompletionDate
	}
}

// extend is the newest-copy guard: no newer copy has landed and this one is about to
// expire, so its DeleteAfterDays is pushed out far enough that its DeleteAt lies
// GuardExtensionDays beyond the guard's margin from now.
func (c *chain) extend(ctx workflow.Context, t *TrackedCopy) {
	ts, now := c.start.TimeScale, workflow.Now(ctx)
	del := t.effectiveDeleteAt()
	// How far DeleteAt (AWS time) must move for the guard to be no longer due.
	short := now.Sub(c.due(del, ts).Add(-scaled(GuardMargin, ts)))
	if ts > 1 {
		short = time.Duration(float64(short) * ts)
	}
	addDays := int64(GuardExtensionDays)
	if short > 0 {
		addDays += int64((short + 24*time.Hour - 1) / (24 * time.Hour))
	}
	if t.Record.ExtendedUntil.IsZero() {
		t.OriginalLifecycle = t.Record.Lifecycle
	}
	lc := t.Record.Lifecycle
	lc.DeleteAfterDays += addDays
	rp, err := c.updateLifecycle(ctx, t.Record.DestinationRecoveryPointArn, lc, fmt.Sprintf("extend newest copy by %d days", addDays))
	if err != nil {
		if errorType(err) == model.ErrNotFound {
			c.markNewestGone(ctx, fmt.Sprintf("extend it as the newest copy by %d days", addDays), err)
			return
		}
		t.RetryAt = now.Add(scaled(DeleteRetryDelay, ts))
		t.Record.StatusMessage = "newest-copy guard could not extend the lifecycle: " + errorMessage(err)
		c.logRecord(t.Record)
		workflow.GetLogger(ctx).Error("Newest-copy guard failed", "DestinationRecoveryPointArn", t.Record.DestinationRecoveryPointArn, "Error", err)
		return
	}
	t.Record.Lifecycle = lc
	t.Record.ExtendedUntil = rp.CalculatedLifecycle.DeleteAt
	t.Record.StatusMessage = fmt.Sprintf("newest copy: expiry extended until %s because no newer copy has landed",
		t.Record.ExtendedUntil.UTC().Format(time.RFC3339))
	t.RetryAt = time.Time{}
	if !c.due(t.effectiveDeleteAt(), ts).Add(-scaled(GuardMargin, ts)).After(now) {
		// AWS did not move DeleteAt as asked; look again later rather than spin.
		t.RetryAt = now.Add(scaled(DeleteRetryDelay, ts))
	}
	c.logRecord(t.Record)
	workflow.GetLogger(ctx).Info("Newest-copy guard extended the copy's expiry",
		"DestinationRecoveryPointArn", t.Record.DestinationRecoveryPointArn,
		"DeleteAt", t.Record.DeleteAt, "ExtendedUntil", t.Record.ExtendedUntil, "DeleteAfterDays", lc.DeleteAfterDays)
}

// releaseGuard returns the previous newest copy to its own schedule now that a newer copy
// has landed: deleted now if its original DeleteAt has passed, else its original lifecycle
// restored in AWS. It then counts among the other copies. The caller holds lifecycleLock.
func (c *chain) releaseGuard(ctx workflow.Context, prev *TrackedCopy) {
	if prev.Record.ExtendedUntil.IsZero() {
		c.addOther(prev.Record, prev.Record.DeleteAt)
		return
	}
	ts, now := c.start.TimeScale, workflow.Now(ctx)
	released := fmt.Sprintf("extension until %s released: a newer copy has landed", formatTime(prev.Record.ExtendedUntil))
	if !c.due(prev.Record.DeleteAt, ts).After(now) {
		// Past its original expiry: it goes now.
		rp := model.RecoveryPoint{RecoveryPointArn: prev.Record.DestinationRecoveryPointArn,
			CreationDate: prev.Record.SourceCreationDate, BackupSizeInBytes: prev.Record.BackupSizeInBytes}
		rp.CalculatedLifecycle.DeleteAt = prev.Record.DeleteAt
		prev.Record.StatusMessage = released
		c.logRecord(prev.Record)
		if !c.expire(ctx, rp) {
			c.addOther(prev.Record, prev.Record.DeleteAt)
		}
		return
	}
	rp, err := c.updateLifecycle(ctx, prev.Record.DestinationRecoveryPointArn, prev.OriginalLifecycle, "restore original lifecycle")
	if err != nil {
		if errorType(err) == model.ErrNotFound {
			c.recordGone(ctx, &prev.Record, "restore its original lifecycle", err)
			return
		}
		// The extension stays in AWS; the copy is deleted at ExtendedUntil instead.
		workflow.GetLogger(ctx).Warn("Could not restore a copy's original lifecycle", "Error", err)
		c.addOther(prev.Record, prev.Record.ExtendedUntil)
		return
	}
	prev.Record.Lifecycle = prev.OriginalLifecycle
	prev.Record.ExtendedUntil = time.Time{}
	prev.Record.MoveToColdStorageAt = rp.CalculatedLifecycle.MoveToColdStorageAt
	prev.Record.DeleteAt = rp.CalculatedLifecycle.DeleteAt
	prev.Record.StatusMessage = released
	c.logRecord(prev.Record)
	c.addOther(prev.Record, prev.Record.DeleteAt)
}

// updateLifecycle sets a copy's lifecycle in AWS and returns the recovery point as AWS
// now describes it.
func (c *chain) updateLifecycle(ctx workflow.Context, arn string, lc model.Lifecycle, summary string) (model.RecoveryPoint, error) {
	region, vault := c.vault()
	var rp model.RecoveryPoint
	err := workflow.ExecuteActivity(withCall(ctx, summary), model.ActUpdateRecoveryPointLifecycle,
		model.UpdateLifecycleInput{Region: region, BackupVaultName: vault, RecoveryPointArn: arn, Lifecycle: lc}).Get(ctx, &rp)
	return rp, err
}

// describeCopy describes one recovery point of the chain's destination vault.
func (c *chain) describeCopy(ctx workflow.Context, arn string) (model.RecoveryPoint, error) {
	region, vault := c.vault()
	var rp model.RecoveryPoint
	err := workflow.ExecuteActivity(withCall(ctx, "describe copy "+arn), model.ActDescribeRecoveryPoint,
		model.DescribeRecoveryPointInput{Region: region, BackupVaultName: vault, RecoveryPointArn: arn}).Get(ctx, &rp)
	return rp, err
}

// vault is the chain's destination vault as AWS's calls name it: its Region and name.
func (c *chain) vault() (region, name string) {
	k := c.start.Key
	return k.DestinationRegion, model.VaultNameFromArn(k.DestinationBackupVaultArn)
}

// Rules of the chain's own checks, in the style of policy's rule identifiers.
const (
	RuleNoSuchCopy  = "no-such-live-copy"
	RuleColdIsFinal = "cold-transition-cannot-be-undone"
	// RuleNewestCopyOutlives: the newest copy must not expire before a newer copy lands.
	RuleNewestCopyOutlives = "newest-copy-outlives-its-successor"
)
