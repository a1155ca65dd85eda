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

// The set-lifecycle update changes one live copy's lifecycle in AWS. The chain holds the
// newest copy and this run's records; any other copy is described in the vault, so the
// update reaches every copy the chain has there, however many.

// validateSetLifecycle refuses, before it enters history, what the chain can refuse
// without asking AWS: an empty lifecycle, one that breaks the rules, and for the newest
// copy one that would expire it at once or undo its cold transition. The handler checks
// again, with the copy as AWS describes it, once it holds the lifecycle lock.
func (c *chain) validateSetLifecycle(ctx workflow.Context, req model.SetLifecycleRequest) error {
	t := c.knownLiveCopy(req.DestinationRecoveryPointArn)
	if t == nil {
		t = &TrackedCopy{Record: model.CopyRecord{ResourceType: c.start.Key.ResourceType, DestinationRecoveryPointArn: req.DestinationRecoveryPointArn}}
	}
	return c.checkSetLifecycle(ctx, req, t, false)
}

// setLifecycle changes one copy's lifecycle in AWS. The new lifecycle becomes the copy's
// own: a guard extension in force is dropped, and the guard extends again if the newest
// copy would now expire too soon.
func (c *chain) setLifecycle(ctx workflow.Context, req model.SetLifecycleRequest) (model.CopyRecord, error) {
	if err := c.lifecycleLock.Lock(ctx); err != nil {
		return model.CopyRecord{}, err
	}
	defer c.lifecycleLock.Unlock()
	t, err := c.findCopy(ctx, req.DestinationRecoveryPointArn)
	if err != nil {
		return model.CopyRecord{}, err
	}
	// The copy may have changed while the update waited for the lock.
	if err := c.checkSetLifecycle(ctx, req, t.TrackedCopy, t.coldInVault); err != nil {
		return model.CopyRecord{}, temporal.NewNonRetryableApplicationError(err.Error(), model.ErrRequestRejected, nil)
	}
	return c.changeLifecycle(ctx, t.TrackedCopy, req, "set lifecycle requested by update",
		fmt.Sprintf("lifecycle changed to MoveToColdStorageAfterDays=%d DeleteAfterDays=%d",
			req.Lifecycle.MoveToColdStorageAfterDays, req.Lifecycle.DeleteAfterDays))
}

// foundCopy is a live copy the chain found, with what the vault said of its storage class.
type foundCopy struct {
	*TrackedCopy
	coldInVault bool
}

// findCopy returns the live copy with a destination recovery point ARN: the newest, one
// logged in this run, or one described in the vault that is this chain's copy.
func (c *chain) findCopy(ctx workflow.Context, arn string) (foundCopy, error) {
	k := c.start.Key
	rp, err := c.describeCopy(ctx, arn)
	if err != nil && errorType(err) != model.ErrNotFound {
		return foundCopy{}, err
	}
	if err != nil || !model.IsChainCopy(rp, k.ResourceArn, k.SourceRegion) {
		return foundCopy{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s: this chain holds no live copy %q in %s", RuleNoSuchCopy, arn, k.DestinationBackupVaultArn), RuleNoSuchCopy, nil)
	}
	cold := rp.StorageClass == model.StorageClassCold
	if t := c.knownLiveCopy(arn); t != nil {
		return foundCopy{t, cold}, nil
	}
	rec := c.vaultRecord(ctx, rp)
	rec.StatusMessage = "found in the vault"
	return foundCopy{&TrackedCopy{Record: rec}, cold}, nil
}

// checkSetLifecycle checks a lifecycle change of copy t: the rules of its resource type,
// the newest copy's rule (newestExpiresAtOnce) and, for a copy already in cold storage
// (cold, or its MoveToColdStorageAt passed), that the cold transition stays.
func (c *chain) checkSetLifecycle(ctx workflow.Context, req model.SetLifecycleRequest, t *TrackedCopy, cold bool) error {
	if req.Lifecycle.IsZero() {
		return &policy.Violation{Field: "Lifecycle", Rule: policy.RuleRequired,
			Message: "set MoveToColdStorageAfterDays and/or DeleteAfterDays"}
	}
	var problems []error
	if rules, err := policy.FromJSON(req.Rules, "Rules"); err != nil {
		problems = append(problems, err)
	} else if err := rules.CheckLifecycle(firstNonEmpty(t.Record.ResourceType, c.start.Key.ResourceType), req.Lifecycle, "Lifecycle"); err != nil {
		problems = append(problems, err)
	}
	if v := c.newestExpiresAtOnce(ctx, t, req.Lifecycle); v != nil {
		problems = append(problems, v)
	}
	cold = cold || (!t.Record.MoveToColdStorageAt.IsZero() &&
		!c.due(t.Record.MoveToColdStorageAt, c.start.TimeScale).After(workflow.Now(ctx)))
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
// extend it, and the next copy would be full. Any other copy may be shortened so; the
// next survey then deletes it.
func (c *chain) newestExpiresAtOnce(ctx workflow.Context, t *TrackedCopy, lc model.Lifecycle) *policy.Violation {
	if lc.DeleteAfterDays <= 0 || t.Record.SourceCreationDate.IsZero() || !c.isNewest(t.Record.DestinationRecoveryPointArn) {
		return nil
	}
	del := t.Record.SourceCreationDate.Add(time.Duration(lc.DeleteAfterDays) * 24 * time.Hour)
	if c.due(del, c.start.TimeScale).After(workflow.Now(ctx)) {
		return nil
	}
	return &policy.Violation{Field: "Lifecycle.DeleteAfterDays", Rule: RuleNewestCopyOutlives,
		Message: fmt.Sprintf("DeleteAfterDays=%d puts DeleteAt at %s, already past: AWS would delete the chain's newest copy at once, before a newer copy has landed",
			lc.DeleteAfterDays, formatTime(del))}
}

func (c *chain) isNewest(arn string) bool {
	return arn != "" && c.Newest != nil && c.Newest.Record.DestinationRecoveryPointArn == arn
}

// changeLifecycle sets a live copy's lifecycle in AWS and makes it the copy's own (see
// setLifecycle), leaving status as the record's StatusMessage; the next survey follows a
// DeleteAt that moved earlier. The caller holds lifecycleLock and has checked the change.
func (c *chain) changeLifecycle(ctx workflow.Context, t *TrackedCopy, req model.SetLifecycleRequest, summary, status string) (model.CopyRecord, error) {
	arn := t.Record.DestinationRecoveryPointArn
	rp, err := c.updateLifecycle(ctx, arn, req.Lifecycle, summary)
	if err != nil {
		return model.CopyRecord{}, err
	}
	// The main loop may have replaced the newest copy while the call ran.
	if c.isNewest(arn) {
		t = c.Newest
	}
	t.Record.Lifecycle = req.Lifecycle
	t.Record.MoveToColdStorageAt = rp.CalculatedLifecycle.MoveToColdStorageAt
	t.Record.DeleteAt = rp.CalculatedLifecycle.DeleteAt
	t.Record.ExtendedUntil = time.Time{}
	t.Record.StatusMessage = status
	t.OriginalLifecycle, t.RetryAt = model.Lifecycle{}, time.Time{}
	if !c.isNewest(arn) {
		c.noteDue(t.Record.DeleteAt)
		c.noteUpcoming(model.CopyDue{RecoveryPointArn: arn, CreationDate: t.Record.SourceCreationDate,
			DeleteAt: t.Record.DeleteAt, BackupSizeInBytes: t.Record.BackupSizeInBytes})
	}
	c.logRecord(t.Record)
	workflow.GetLogger(ctx).Info("Copy lifecycle changed", "DestinationRecoveryPointArn", arn,
		"Lifecycle", req.Lifecycle, "DeleteAt", t.Record.DeleteAt)
	c.poke()
	return t.Record, nil
}
