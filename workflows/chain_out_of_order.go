package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// newerCopy returns the record of the chain's newest copy whose source recovery point is
// newer than o's: the copy in flight, or the newest live one (completed or adopted).
// AWS bases the next incremental copy on the newest copy in the vault by source creation
// date (as the chain's Newest and the emulator do), so a copy of an older point changes no base.
func (c *chain) newerCopy(o model.CopyOrder) (rec model.CopyRecord, inFlight, ok bool) {
	if o.SourceCreationDate.IsZero() {
		return model.CopyRecord{}, false, false
	}
	if cur := c.current; cur != nil && cur.Order.SourceCreationDate.After(o.SourceCreationDate) {
		rec, inFlight, ok = cur.record, true, true
	}
	if c.Newest != nil {
		live := c.Newest.Record
		if live.SourceCreationDate.After(o.SourceCreationDate) &&
			(!ok || live.SourceCreationDate.After(rec.SourceCreationDate)) {
			rec, inFlight, ok = live, false, true
		}
	}
	return rec, inFlight, ok
}

// outOfOrderNote says which newer copy an order's recovery point is older than.
func outOfOrderNote(newer model.CopyRecord, inFlight bool) string {
	verb := "is already copied"
	if inFlight {
		verb = "is being copied"
	}
	return fmt.Sprintf("newer recovery point %s (created %s) %s", newer.SourceRecoveryPointArn,
		newer.SourceCreationDate.UTC().Format(time.RFC3339), verb)
}

// supersedeOutOfOrder answers an order SUPERSEDED without a copy job when it allows
// coalescing and a newer recovery point is already copied or being copied. It reports
// whether it did.
func (c *chain) supersedeOutOfOrder(ctx workflow.Context, p PendingOrder) bool {
	if !p.Order.Coalesce {
		return false
	}
	newer, inFlight, ok := c.newerCopy(p.Order)
	if !ok {
		return false
	}
	rec := c.newRecord(ctx, p)
	rec.State = model.RecordSuperseded
	rec.StatusMessage = "coalesced: " + outOfOrderNote(newer, inFlight)
	workflow.GetLogger(ctx).Info("Order older than the newest copy superseded",
		"RecoveryPointArn", p.Order.SourceRecoveryPointArn, "NewerRecoveryPointArn", newer.SourceRecoveryPointArn,
		"NewerInFlight", inFlight)
	c.logRecord(rec)
	c.notify(ctx, p.Requesters, p.Order, rec)
	return true
}

// supersedeOutdated drops waiting orders that allow coalescing and are older than a copy
// that landed while they waited (or orders carried from a run that did not check).
func (c *chain) supersedeOutdated(ctx workflow.Context) {
	kept := c.Pending[:0:0]
	for _, p := range c.Pending {
		if !c.supersedeOutOfOrder(ctx, p) {
			kept = append(kept, p)
		}
	}
	c.Pending = kept
}

// outOfOrderCopyNote is the note recorded on a copy of a recovery point older than the
// chain's newest copy (an order that asked for every point), or "".
func (c *chain) outOfOrderCopyNote(ctx workflow.Context, o model.CopyOrder) string {
	newer, inFlight, ok := c.newerCopy(o)
	if !ok {
		return ""
	}
	workflow.GetLogger(ctx).Info("Copying a recovery point older than the newest copy: the order asks for every point",
		"RecoveryPointArn", o.SourceRecoveryPointArn, "NewerRecoveryPointArn", newer.SourceRecoveryPointArn)
	return "copied out of order: " + outOfOrderNote(newer, inFlight) +
		"; the newest copy by source creation date stays the incremental base"
}

// withNote puts the chain's note before AWS's status message.
func withNote(note, msg string) string {
	switch {
	case note == "":
		return msg
	case msg == "":
		return note
	default:
		return note + "; " + msg
	}
}
