package workflows

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// ownLifecycle is the lifecycle the copy was given by its orders or by set-lifecycle; an
// extension of the newest-copy guard in force is not part of it.
func (t *TrackedCopy) ownLifecycle() model.Lifecycle {
	if !t.Record.ExtendedUntil.IsZero() {
		return t.OriginalLifecycle
	}
	return t.Record.Lifecycle
}

// asksOtherLifecycle reports whether an order asks for a lifecycle other than have. An
// order without a lifecycle asks for none in particular (zero means "not set", as in AWS's
// API), so it never changes a copy.
func asksOtherLifecycle(o model.CopyOrder, have model.Lifecycle) bool {
	return !o.Lifecycle.IsZero() && o.Lifecycle != have
}

// settleCopiedOrders answers every waiting order whose recovery point now has a live copy
// (an order that asked for another lifecycle while the copy was in flight): its lifecycle
// is applied to the copy instead of copying again.
func (c *chain) settleCopiedOrders(ctx workflow.Context) {
	kept := c.Pending[:0:0]
	var settled []PendingOrder
	for _, p := range c.Pending {
		if t, _ := c.knownLiveSource(p.Order.SourceRecoveryPointArn); t != nil {
			settled = append(settled, p)
			continue
		}
		kept = append(kept, p)
	}
	c.Pending = kept
	for _, p := range settled {
		c.applyOrderLifecycle(ctx, c.orderOf(p), p.Requesters)
	}
	c.gcRuleSets()
}

// applyOrderLifecycle answers an order for a recovery point the chain already holds a live
// copy of. When the order asks for another lifecycle, the copy's lifecycle changes through
// the same checks and call as the set-lifecycle update (the rules of the resource type, by
// the rules the order carries, else the seed rules; a cold transition cannot be undone;
// the newest copy must not expire at once), and the record's StatusMessage says what
// changed. A change the rules refuse, or AWS refuses, is the requesters' error result,
// naming the rule; the copy keeps its lifecycle.
func (c *chain) applyOrderLifecycle(ctx workflow.Context, o model.CopyOrder, requesters []string) {
	if err := c.lifecycleLock.Lock(ctx); err != nil {
		// Canceled: left waiting, the order is answered by abandon like any other.
		c.Pending = append(c.Pending, PendingOrder{Order: o, Requesters: requesters, ReceivedAt: workflow.Now(ctx)})
		return
	}
	defer c.lifecycleLock.Unlock()
	t := c.liveCopyOf(ctx, o)
	if t == nil {
		// Deleted while the lock was held elsewhere: copy it again, with this lifecycle.
		c.Pending = append([]PendingOrder{{Order: o, Requesters: requesters, ReceivedAt: workflow.Now(ctx)}}, c.Pending...)
		return
	}
	old := t.ownLifecycle()
	if !asksOtherLifecycle(o, old) {
		c.notify(ctx, requesters, o, t.Record)
		return
	}
	before, dest := t.Record, t.Record.DestinationRecoveryPointArn
	req := model.SetLifecycleRequest{DestinationRecoveryPointArn: dest, Lifecycle: o.Lifecycle, Rules: o.Rules}
	if err := c.checkSetLifecycle(ctx, req, t, false); err != nil {
		msg := fmt.Sprintf("the recovery point is already copied (%s, %s), and its lifecycle cannot change to %s as asked: %s",
			dest, formatLifecycle(old), formatLifecycle(o.Lifecycle), strings.ReplaceAll(err.Error(), "\n", "; "))
		workflow.GetLogger(ctx).Warn("Order's lifecycle refused for an existing copy", "DestinationRecoveryPointArn", dest,
			"Lifecycle", o.Lifecycle, "Problems", err.Error())
		c.notifyWith(ctx, requesters, o, before, msg)
		return
	}
	status := fmt.Sprintf("already copied; lifecycle changed from %s to %s by a new order", formatLifecycle(old), formatLifecycle(o.Lifecycle))
	rec, err := c.changeLifecycle(ctx, t, req, "set lifecycle asked by a new order", status)
	if err != nil {
		msg := fmt.Sprintf("the recovery point is already copied (%s), but changing its lifecycle to %s failed: %s",
			dest, formatLifecycle(o.Lifecycle), errorMessage(err))
		workflow.GetLogger(ctx).Error("Could not apply an order's lifecycle to an existing copy", "DestinationRecoveryPointArn", dest, "Error", err)
		c.notifyWith(ctx, requesters, o, before, msg)
		return
	}
	c.notify(ctx, requesters, o, rec)
}

// formatLifecycle renders a lifecycle the way AWS's API names its members.
func formatLifecycle(l model.Lifecycle) string {
	if l.IsZero() {
		return "no lifecycle"
	}
	var parts []string
	if l.MoveToColdStorageAfterDays > 0 {
		parts = append(parts, fmt.Sprintf("MoveToColdStorageAfterDays=%d", l.MoveToColdStorageAfterDays))
	}
	if l.DeleteAfterDays > 0 {
		parts = append(parts, fmt.Sprintf("DeleteAfterDays=%d", l.DeleteAfterDays))
	}
	return strings.Join(parts, " ")
}
