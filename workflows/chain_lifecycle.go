package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
)

// Lifecycle of the chain's copies. Each live copy has up to two events, its cold
// transition and its expiry; the newest copy's expiry is replaced by the newest-copy
// guard, which fires GuardMargin earlier and extends it instead. The main loop keeps one
// durable timer for the earliest pending event and re-arms it whenever state changes.

type lifecycleAction int

const (
	actionNone lifecycleAction = iota
	actionCold
	actionGuard
	actionExpire
)

// lifecycleEvent is the next thing due for one copy.
type lifecycleEvent struct {
	at     time.Time
	action lifecycleAction
}

// newestLive returns the index of the live copy of the newest source recovery point, or -1.
func (c *chain) newestLive() int {
	best := -1
	for i := range c.Copies {
		if !c.Copies[i].live() {
			continue
		}
		if best < 0 || !c.Copies[i].Record.SourceCreationDate.Before(c.Copies[best].Record.SourceCreationDate) {
			best = i
		}
	}
	return best
}

// nextEvent returns the earliest event of copy i (actionNone when it has none).
func (c *chain) nextEvent(i, newest int) lifecycleEvent {
	t := &c.Copies[i]
	ts := c.start.TimeScale
	if !t.live() || t.awaitsAnchor(ts) {
		return lifecycleEvent{}
	}
	ev := lifecycleEvent{}
	consider := func(at time.Time, a lifecycleAction) {
		if ev.action == actionNone || at.Before(ev.at) {
			ev = lifecycleEvent{at: at, action: a}
		}
	}
	if !t.Cold && !t.Record.MoveToColdStorageAt.IsZero() {
		consider(t.due(t.Record.MoveToColdStorageAt, ts), actionCold)
	}
	if del := t.effectiveDeleteAt(); !del.IsZero() {
		if i == newest {
			consider(t.due(del, ts).Add(-scaled(GuardMargin, ts)), actionGuard)
		} else {
			consider(t.due(del, ts), actionExpire)
		}
	}
	if ev.action != actionNone && t.RetryAt.After(ev.at) {
		ev.at = t.RetryAt
	}
	return ev
}

// earliestEvent is the next lifecycle event of the whole chain.
func (c *chain) earliestEvent() (lifecycleEvent, int) {
	newest := c.newestLive()
	best, at := lifecycleEvent{}, -1
	for i := range c.Copies {
		ev := c.nextEvent(i, newest)
		if ev.action != actionNone && (best.action == actionNone || ev.at.Before(best.at)) {
			best, at = ev, i
		}
	}
	return best, at
}

// armTimer makes c.timer fire at the earliest lifecycle event, reusing the armed timer
// when the event has not moved. ok is false when nothing is scheduled; due is true when
// the event is already due and needs no timer.
func (c *chain) armTimer(ctx workflow.Context) (ok, due bool) {
	ev, i := c.earliestEvent()
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
	c.timer = workflow.NewTimerWithOptions(tctx, ev.at.Sub(now), workflow.TimerOptions{Summary: c.timerSummary(ev, i)})
	c.timerAt, c.timerCancel = ev.at, cancel
	return true, false
}

func (c *chain) cancelTimer() {
	if c.timerCancel != nil {
		c.timerCancel()
	}
	c.timer, c.timerAt, c.timerCancel = nil, time.Time{}, nil
}

func (c *chain) timerSummary(ev lifecycleEvent, i int) string {
	arn := c.Copies[i].Record.DestinationRecoveryPointArn
	switch ev.action {
	case actionCold:
		return "cold transition of " + arn
	case actionGuard:
		return "newest-copy guard for " + arn
	default:
		return "expire " + arn
	}
}

// runDueLifecycle performs every lifecycle event that is due now.
func (c *chain) runDueLifecycle(ctx workflow.Context) {
	if err := c.lifecycleLock.Lock(ctx); err != nil {
		return
	}
	defer c.lifecycleLock.Unlock()
	now := workflow.Now(ctx)
	for i := range c.Copies {
		// The newest copy can change as copies are deleted, so ask again for each.
		ev := c.nextEvent(i, c.newestLive())
		if ev.action == actionNone || ev.at.After(now) {
			continue
		}
		t := &c.Copies[i]
		switch ev.action {
		case actionCold:
			t.Cold = true
			workflow.GetLogger(ctx).Info("Copy moved to cold storage", "DestinationRecoveryPointArn", t.Record.DestinationRecoveryPointArn)
		case actionGuard:
			c.extend(ctx, t)
		case actionExpire:
			c.expire(ctx, t)
		}
	}
}

// extend is the newest-copy guard: no newer copy has landed and this one is about to
// expire, so its DeleteAfterDays is pushed out far enough that its DeleteAt lies
// GuardExtensionDays beyond the guard's margin from now.
func (c *chain) extend(ctx workflow.Context, t *TrackedCopy) {
	ts, now := c.start.TimeScale, workflow.Now(ctx)
	del := t.effectiveDeleteAt()
	// How far DeleteAt (AWS time) must move for the guard to be no longer due.
	short := now.Sub(t.due(del, ts).Add(-scaled(GuardMargin, ts)))
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
	rp, err := c.updateLifecycle(ctx, t, lc, fmt.Sprintf("extend newest copy by %d days", addDays))
	if err != nil {
		if errorType(err) == model.ErrNotFound && c.landedExpiredVersion(ctx) >= 1 {
			c.markGone(ctx, t, fmt.Sprintf("extend it as the newest copy by %d days", addDays), err)
			return
		}
		t.RetryAt = now.Add(scaled(DeleteRetryDelay, ts))
		t.Record.StatusMessage = "newest-copy guard could not extend the lifecycle: " + errorMessage(err)
		workflow.GetLogger(ctx).Error("Newest-copy guard failed", "DestinationRecoveryPointArn", t.Record.DestinationRecoveryPointArn, "Error", err)
		return
	}
	t.Record.Lifecycle = lc
	t.Record.ExtendedUntil = rp.CalculatedLifecycle.DeleteAt
	t.Record.StatusMessage = fmt.Sprintf("newest copy: expiry extended until %s because no newer copy has landed",
		t.Record.ExtendedUntil.UTC().Format(time.RFC3339))
	t.RetryAt = time.Time{}
	if !t.due(t.effectiveDeleteAt(), ts).Add(-scaled(GuardMargin, ts)).After(now) {
		// AWS did not move DeleteAt as asked; look again later rather than spin.
		t.RetryAt = now.Add(scaled(DeleteRetryDelay, ts))
	}
	workflow.GetLogger(ctx).Info("Newest-copy guard extended the copy's expiry",
		"DestinationRecoveryPointArn", t.Record.DestinationRecoveryPointArn,
		"DeleteAt", t.Record.DeleteAt, "ExtendedUntil", t.Record.ExtendedUntil, "DeleteAfterDays", lc.DeleteAfterDays)
}

// releaseGuard returns every extended copy that is no longer the newest to its original
// schedule: deleted now if its original DeleteAt has passed, else its original lifecycle
// restored in AWS.
func (c *chain) releaseGuard(ctx workflow.Context) {
	if err := c.lifecycleLock.Lock(ctx); err != nil {
		return
	}
	defer c.lifecycleLock.Unlock()
	newest, ts, now := c.newestLive(), c.start.TimeScale, workflow.Now(ctx)
	for i := range c.Copies {
		t := &c.Copies[i]
		if i == newest || !t.live() || t.Record.ExtendedUntil.IsZero() {
			continue
		}
		released := fmt.Sprintf("extension until %s released: a newer copy has landed",
			t.Record.ExtendedUntil.UTC().Format(time.RFC3339))
		if !t.due(t.Record.DeleteAt, ts).After(now) {
			// Past its original expiry: the next lifecycle pass deletes it.
			t.Record.ExtendedUntil, t.Record.Lifecycle = time.Time{}, t.OriginalLifecycle
			t.Record.StatusMessage = released
			t.OriginalLifecycle = model.Lifecycle{}
			continue
		}
		rp, err := c.updateLifecycle(ctx, t, t.OriginalLifecycle, "restore original lifecycle")
		if err != nil {
			if errorType(err) == model.ErrNotFound && c.landedExpiredVersion(ctx) >= 1 {
				c.markGone(ctx, t, "restore its original lifecycle", err)
				continue
			}
			// The extension stays in AWS; the copy is deleted at ExtendedUntil instead.
			workflow.GetLogger(ctx).Warn("Could not restore a copy's original lifecycle", "Error", err)
			continue
		}
		t.Record.Lifecycle = t.OriginalLifecycle
		t.Record.ExtendedUntil = time.Time{}
		t.Record.MoveToColdStorageAt = rp.CalculatedLifecycle.MoveToColdStorageAt
		t.Record.DeleteAt = rp.CalculatedLifecycle.DeleteAt
		t.Record.StatusMessage = released
		t.OriginalLifecycle = model.Lifecycle{}
	}
}

// expire deletes a copy at its expiry and verifies it is gone.
func (c *chain) expire(ctx workflow.Context, t *TrackedCopy) {
	k := c.start.Key
	var out model.DeleteRecoveryPointOutput
	err := workflow.ExecuteActivity(withCall(ctx, "delete expired copy "+t.Record.DestinationRecoveryPointArn),
		model.ActDeleteRecoveryPoint, model.DeleteRecoveryPointInput{
			Region:           k.DestinationRegion,
			BackupVaultName:  model.VaultNameFromArn(k.DestinationBackupVaultArn),
			RecoveryPointArn: t.Record.DestinationRecoveryPointArn,
		}).Get(ctx, &out)
	if err != nil && errorType(err) != model.ErrNotFound {
		t.RetryAt = workflow.Now(ctx).Add(scaled(DeleteRetryDelay, c.start.TimeScale))
		t.Record.StatusMessage = "deletion at expiry failed, will retry: " + errorMessage(err)
		workflow.GetLogger(ctx).Error("Could not delete an expired copy", "DestinationRecoveryPointArn",
			t.Record.DestinationRecoveryPointArn, "Error", err)
		return
	}
	t.Record.State = model.RecordDeleted
	t.Record.DeletedAt = workflow.Now(ctx)
	t.RetryAt = time.Time{}
	if err != nil || out.AlreadyGone {
		t.Record.StatusMessage = "expired; already gone from the vault (AWS lifecycle)"
	} else {
		t.Record.StatusMessage = "expired; deleted and verified absent"
	}
	workflow.GetLogger(ctx).Info("Expired copy deleted", "DestinationRecoveryPointArn", t.Record.DestinationRecoveryPointArn,
		"AlreadyGone", out.AlreadyGone)
}

// updateLifecycle sets a copy's lifecycle in AWS and returns the recovery point as AWS
// now describes it.
func (c *chain) updateLifecycle(ctx workflow.Context, t *TrackedCopy, lc model.Lifecycle, summary string) (model.RecoveryPoint, error) {
	k := c.start.Key
	var rp model.RecoveryPoint
	err := workflow.ExecuteActivity(withCall(ctx, summary), model.ActUpdateRecoveryPointLifecycle,
		model.UpdateLifecycleInput{
			Region:           k.DestinationRegion,
			BackupVaultName:  model.VaultNameFromArn(k.DestinationBackupVaultArn),
			RecoveryPointArn: t.Record.DestinationRecoveryPointArn,
			Lifecycle:        lc,
		}).Get(ctx, &rp)
	return rp, err
}

// findLive returns the live copy with the given destination recovery point ARN.
func (c *chain) findLive(arn string) *TrackedCopy {
	for i := range c.Copies {
		if c.Copies[i].live() && c.Copies[i].Record.DestinationRecoveryPointArn == arn {
			return &c.Copies[i]
		}
	}
	return nil
}

// validateSetLifecycle refuses, before it enters history, a lifecycle change for a copy
// the chain does not hold, a lifecycle that breaks the rules, or one that would undo a
// cold transition.
func (c *chain) validateSetLifecycle(ctx workflow.Context, req model.SetLifecycleRequest) error {
	return c.checkSetLifecycle(ctx, req, true)
}

// checkSetLifecycle is validateSetLifecycle; newestRule says whether the newest copy's
// rule (newestExpiresAtOnce) applies, which orders only follow from its version on.
func (c *chain) checkSetLifecycle(ctx workflow.Context, req model.SetLifecycleRequest, newestRule bool) error {
	t := c.findLive(req.DestinationRecoveryPointArn)
	if t == nil {
		return &policy.Violation{Field: "DestinationRecoveryPointArn", Rule: RuleNoSuchCopy,
			Message: fmt.Sprintf("this chain holds no live copy %q", req.DestinationRecoveryPointArn)}
	}
	if req.Lifecycle.IsZero() {
		return &policy.Violation{Field: "Lifecycle", Rule: policy.RuleRequired,
			Message: "set MoveToColdStorageAfterDays and/or DeleteAfterDays"}
	}
	var problems []error
	if rules, err := policy.FromJSON(req.Rules, "Rules"); err != nil {
		problems = append(problems, err)
	} else if err := rules.CheckLifecycle(t.Record.ResourceType, req.Lifecycle, "Lifecycle"); err != nil {
		problems = append(problems, err)
	}
	if v := c.newestExpiresAtOnce(ctx, t, req.Lifecycle); v != nil && newestRule {
		problems = append(problems, v)
	}
	cold := t.Cold || (!t.Record.MoveToColdStorageAt.IsZero() &&
		!t.due(t.Record.MoveToColdStorageAt, c.start.TimeScale).After(workflow.Now(ctx)))
	if cold && req.Lifecycle.MoveToColdStorageAfterDays != t.Record.Lifecycle.MoveToColdStorageAfterDays {
		problems = append(problems, &policy.Violation{Field: "Lifecycle.MoveToColdStorageAfterDays", Rule: RuleColdIsFinal,
			Message: fmt.Sprintf("the copy is already in cold storage; a cold transition cannot be undone, keep MoveToColdStorageAfterDays=%d",
				t.Record.Lifecycle.MoveToColdStorageAfterDays)})
	}
	return errors.Join(problems...)
}

// newestExpiresAtOnce refuses a lifecycle that would put the chain's newest live copy's
// DeleteAt (counted, as AWS counts it, from the source's creation date) at or before now:
// AWS would delete the copy as soon as it is given that lifecycle, before the guard could
// extend it, and the next copy would be full. Any other copy may be shortened so; its
// expiry timer then deletes it at once.
func (c *chain) newestExpiresAtOnce(ctx workflow.Context, t *TrackedCopy, lc model.Lifecycle) *policy.Violation {
	if lc.DeleteAfterDays <= 0 || t.Record.SourceCreationDate.IsZero() {
		return nil
	}
	if n := c.newestLive(); n < 0 || &c.Copies[n] != t {
		return nil
	}
	del := t.Record.SourceCreationDate.Add(time.Duration(lc.DeleteAfterDays) * 24 * time.Hour)
	if t.due(del, c.start.TimeScale).After(workflow.Now(ctx)) {
		return nil
	}
	return &policy.Violation{Field: "Lifecycle.DeleteAfterDays", Rule: RuleNewestCopyOutlives,
		Message: fmt.Sprintf("DeleteAfterDays=%d puts DeleteAt at %s, already past: AWS would delete the chain's newest copy at once, before a newer copy has landed",
			lc.DeleteAfterDays, formatTime(del))}
}

// setLifecycle changes one copy's lifecycle in AWS; its timers follow. The new lifecycle
// becomes the copy's own: a guard extension in force is dropped, and the guard extends
// again if the newest copy would now expire too soon.
func (c *chain) setLifecycle(ctx workflow.Context, req model.SetLifecycleRequest) (model.CopyRecord, error) {
	if err := c.lifecycleLock.Lock(ctx); err != nil {
		return model.CopyRecord{}, err
	}
	defer c.lifecycleLock.Unlock()
	return c.changeLifecycle(ctx, req, "set lifecycle requested by update",
		fmt.Sprintf("lifecycle changed to MoveToColdStorageAfterDays=%d DeleteAfterDays=%d",
			req.Lifecycle.MoveToColdStorageAfterDays, req.Lifecycle.DeleteAfterDays))
}

// changeLifecycle sets a live copy's lifecycle in AWS and makes it the copy's own (see
// setLifecycle), leaving status as the record's StatusMessage. The caller holds
// lifecycleLock and has validated the change.
func (c *chain) changeLifecycle(ctx workflow.Context, req model.SetLifecycleRequest, summary, status string) (model.CopyRecord, error) {
	t := c.findLive(req.DestinationRecoveryPointArn)
	if t == nil {
		return model.CopyRecord{}, temporal.NewApplicationError("the copy was deleted before its lifecycle could change", RuleNoSuchCopy)
	}
	rp, err := c.updateLifecycle(ctx, t, req.Lifecycle, summary)
	if err != nil {
		return model.CopyRecord{}, err
	}
	// The main loop may have appended records (moving the slice) while the call ran.
	if t = c.findLive(req.DestinationRecoveryPointArn); t == nil {
		return model.CopyRecord{}, temporal.NewApplicationError("the copy was deleted while its lifecycle changed", RuleNoSuchCopy)
	}
	t.Record.Lifecycle = req.Lifecycle
	t.Record.MoveToColdStorageAt = rp.CalculatedLifecycle.MoveToColdStorageAt
	t.Record.DeleteAt = rp.CalculatedLifecycle.DeleteAt
	t.Record.ExtendedUntil = time.Time{}
	t.Record.StatusMessage = status
	t.OriginalLifecycle, t.RetryAt = model.Lifecycle{}, time.Time{}
	workflow.GetLogger(ctx).Info("Copy lifecycle changed", "DestinationRecoveryPointArn", req.DestinationRecoveryPointArn,
		"Lifecycle", req.Lifecycle, "DeleteAt", t.Record.DeleteAt)
	c.poke()
	return t.Record, nil
}

// Rules of the chain's own checks, in the style of policy's rule identifiers.
const (
	RuleNoSuchCopy  = "no-such-live-copy"
	RuleColdIsFinal = "cold-transition-cannot-be-undone"
	// RuleNewestCopyOutlives: the newest copy must not expire before a newer copy lands.
	RuleNewestCopyOutlives = "newest-copy-outlives-its-successor"
)
