package workflows

import (
	"sort"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// versionAdoptVaultCopies: a chain started without carried state adopts the copies of its
// resource already in its destination vault (1); before, it started knowing none
// (DefaultVersion).
const versionAdoptVaultCopies = "adopt-vault-copies"

// Adoption. A chain that starts fresh (its first run ever, or after its previous run was
// terminated or its history lost) would otherwise know nothing of the copies an earlier
// run left in the destination vault: it would call its first copy FULL although AWS copies
// incrementally against them, give them no expiry timers or newest-copy guard, and copy a
// re-ordered recovery point again. So before taking its first order it lists its
// resource's recovery points in the destination vault and tracks each completed copy from
// its source Region as a live record of Kind model.CopyAdopted.
//
// What AWS does not say is filled in as follows. A copy keeps its source recovery point's
// creation date, so an adopted record's SourceCreationDate is the copy's CreationDate and
// its SourceRecoveryPointArn is learned from the first order whose SourceCreationDate
// matches (that order is answered from the record, with no new job). Its timers use AWS's
// CalculatedLifecycle; on real AWS (time scale 1) those instants are due as they stand,
// while with a faster emulator clock an adopted copy's timers wait for the chain's first
// copy job to give an anchor pair (see TrackedCopy), AWS's lifecycle being the backstop
// meanwhile. Adopted copies count in LastCopyAt but not in CopiesTotal, FullCopies or
// BytesTotal, which count the copies the chain made.

// adoptVaultCopies runs once at the start of a run without carried state. A listing that
// fails is logged and the chain carries on as before adoption existed: copying is more
// important than bookkeeping.
func (c *chain) adoptVaultCopies(ctx workflow.Context, in ChainInput) {
	if in.State != nil {
		return // continue-as-new: the carried state already holds every live copy
	}
	if workflow.GetVersion(ctx, versionAdoptVaultCopies, workflow.DefaultVersion, 1) < 1 {
		return
	}
	k := c.start.Key
	vault := model.VaultNameFromArn(k.DestinationBackupVaultArn)
	var points []model.RecoveryPoint
	err := workflow.ExecuteActivity(withCall(ctx, "list copies of the resource already in "+vault),
		model.ActListRecoveryPoints, model.ListRecoveryPointsInput{
			Region: k.DestinationRegion, BackupVaultName: vault, ResourceArn: k.ResourceArn,
		}).Get(ctx, &points)
	if err != nil {
		workflow.GetLogger(ctx).Warn("Could not list the copies already in the destination vault; none adopted",
			"BackupVaultName", vault, "Error", err)
		return
	}
	adopted := c.adoptable(points)
	for _, rp := range adopted {
		c.addRecord(c.adoptedCopy(ctx, rp))
		if rp.CompletionDate.After(c.LastCopyAt) {
			c.LastCopyAt = rp.CompletionDate
		}
	}
	if len(adopted) > 0 {
		workflow.GetLogger(ctx).Info("Adopted the copies already in the destination vault",
			"Adopted", len(adopted), "Listed", len(points), "BackupVaultName", vault)
	}
}

// adoptable keeps the completed copies of the chain's resource from its source Region,
// oldest first. Backups taken in the destination Region itself and copies from other
// Regions belong to other chains (or none) and are left alone.
func (c *chain) adoptable(points []model.RecoveryPoint) []model.RecoveryPoint {
	k := c.start.Key
	var out []model.RecoveryPoint
	for _, rp := range points {
		switch {
		case rp.ResourceArn != "" && rp.ResourceArn != k.ResourceArn:
		case rp.Status != model.JobCompleted && rp.Status != "AVAILABLE":
		case rp.StorageClass == "DELETED":
		case rp.SourceBackupVaultArn == "" || model.RegionFromArn(rp.SourceBackupVaultArn) != k.SourceRegion:
		case rp.RecoveryPointArn == "" || c.findLive(rp.RecoveryPointArn) != nil:
		default:
			out = append(out, rp)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].CreationDate.Equal(out[j].CreationDate) {
			return out[i].CreationDate.Before(out[j].CreationDate)
		}
		return out[i].RecoveryPointArn < out[j].RecoveryPointArn
	})
	return out
}

// adoptedCopy is the live record of one copy found in the vault.
func (c *chain) adoptedCopy(ctx workflow.Context, rp model.RecoveryPoint) TrackedCopy {
	k := c.start.Key
	return TrackedCopy{
		Record: model.CopyRecord{
			SourceCreationDate:          rp.CreationDate,
			ResourceArn:                 k.ResourceArn,
			ResourceType:                firstNonEmpty(rp.ResourceType, k.ResourceType),
			SourceRegion:                k.SourceRegion,
			DestinationRegion:           k.DestinationRegion,
			DestinationBackupVaultArn:   k.DestinationBackupVaultArn,
			DestinationRecoveryPointArn: rp.RecoveryPointArn,
			EncryptionKeyArn:            rp.EncryptionKeyArn,
			BackupSizeInBytes:           rp.BackupSizeInBytes,
			Kind:                        model.CopyAdopted,
			State:                       model.JobCompleted,
			StatusMessage:               model.AdoptedStatusMessage,
			Lifecycle:                   rp.Lifecycle,
			RequestedAt:                 workflow.Now(ctx),
			CompletedAt:                 rp.CompletionDate,
			MoveToColdStorageAt:         rp.CalculatedLifecycle.MoveToColdStorageAt,
			DeleteAt:                    rp.CalculatedLifecycle.DeleteAt,
		},
		Cold: rp.StorageClass == "COLD",
	}
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// claimAdopted names the source recovery point of an adopted copy that does not know it
// yet, when o is for the recovery point the copy was made from (same creation date: a
// copy keeps its source's), so that o and every later order for it find the copy.
func (c *chain) claimAdopted(o model.CopyOrder) {
	if o.SourceCreationDate.IsZero() {
		return
	}
	for i := range c.Copies {
		r := &c.Copies[i].Record
		if r.Kind == model.CopyAdopted && r.SourceRecoveryPointArn == "" && r.SourceCreationDate.Equal(o.SourceCreationDate) {
			r.SourceRecoveryPointArn = o.SourceRecoveryPointArn
			return
		}
	}
}

// anchorAdopted gives adopted copies that have no anchor yet the anchor pair of the
// chain's latest copy job (its CreationDate on AWS's clock and the workflow time its
// StartCopyJob returned), so their timers follow a faster AWS clock too.
func (c *chain) anchorAdopted(aws, temporal time.Time) {
	if aws.IsZero() || temporal.IsZero() {
		return
	}
	for i := range c.Copies {
		t := &c.Copies[i]
		if t.Record.Kind == model.CopyAdopted && t.AnchorAWS.IsZero() {
			t.AnchorAWS, t.AnchorTemporal = aws, temporal
		}
	}
}

// awaitsAnchor reports whether t's timers must wait for an anchor: an adopted copy's AWS
// instants cannot be mapped onto the workflow clock while AWS's clock runs faster and no
// copy job has yet given a reading of it.
func (t *TrackedCopy) awaitsAnchor(timeScale float64) bool {
	return t.Record.Kind == model.CopyAdopted && t.AnchorAWS.IsZero() && timeScale > 1
}
