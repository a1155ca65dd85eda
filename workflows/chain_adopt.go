package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// Adoption. A chain that starts fresh (its first run ever, or after its previous run was
// terminated or its history lost) would otherwise know nothing of the copies an earlier
// run left in the destination vault: it would call its first copy FULL although AWS copies
// incrementally against them, leave them without expiry or newest-copy guard, and copy a
// re-ordered recovery point again. So before taking its first order it surveys its
// resource's copies from its source Region in the destination vault: the newest becomes
// its newest copy (Kind model.CopyAdopted), the others its count and next due time.
//
// What AWS does not say is filled in as follows. A copy keeps its source recovery point's
// creation date, so an adopted record's SourceCreationDate is the copy's CreationDate and
// its SourceRecoveryPointArn is learned from the first order whose SourceCreationDate
// matches (that order is answered from the record, with no new job). Its timers use AWS's
// CalculatedLifecycle; on real AWS (time scale 1) those instants are due as they stand,
// while with a faster emulator clock they wait for the chain's first copy job to give an
// anchor pair (see ChainState.AnchorAWS), AWS's lifecycle being the backstop meanwhile.
// Adopted copies count in LastCopyAt but not in CopiesTotal, FullCopies or BytesTotal,
// which count the copies the chain made.

// adoptVaultCopies runs once at the start of a run without carried state. A survey that
// fails is logged and the chain carries on knowing no copies: copying is more important
// than bookkeeping.
func (c *chain) adoptVaultCopies(ctx workflow.Context, in ChainInput) {
	if in.State != nil {
		return // continue-as-new: the carried state already knows the vault
	}
	_, vault := c.vault()
	out, err := c.survey(ctx, "survey the copies of the resource already in "+vault, model.SurveyCopiesInput{Upcoming: maxUpcoming})
	if err != nil {
		workflow.GetLogger(ctx).Warn("Could not survey the copies already in the destination vault; none adopted",
			"BackupVaultName", vault, "Error", err)
		return
	}
	if out.Newest == nil {
		return
	}
	c.adoptNewer(ctx, out.Newest)
	c.OtherLive = out.Live - 1
	c.NextDueAt = out.NextDeleteAt
	c.Upcoming = out.Upcoming
	workflow.GetLogger(ctx).Info("Adopted the copies already in the destination vault",
		"Adopted", out.Live, "Newest", out.Newest.RecoveryPointArn, "NextDeleteAt", out.NextDeleteAt, "BackupVaultName", vault)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// claimAdopted names the source recovery point of the adopted newest copy when o is for
// the recovery point it was made from (same creation date: a copy keeps its source's), so
// that o and every later order for it find the copy.
func (c *chain) claimAdopted(o model.CopyOrder) {
	n := c.Newest
	if o.SourceCreationDate.IsZero() || n == nil || n.Record.Kind != model.CopyAdopted ||
		n.Record.SourceRecoveryPointArn != "" || !n.Record.SourceCreationDate.Equal(o.SourceCreationDate) {
		return
	}
	n.Record.SourceRecoveryPointArn = o.SourceRecoveryPointArn
	c.logRecord(n.Record)
}
