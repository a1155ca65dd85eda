package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regioncopy/regioncopy/model"
)

// otherRegionVaultArn is a vault in a Region other than the chain's source.
const otherRegionVaultArn = "arn:aws:backup:us-west-2:123456789012:backup-vault:west"

func recordOfDestination(t *testing.T, copies []model.CopyRecord, destArn string) model.CopyRecord {
	t.Helper()
	for _, r := range copies {
		if r.DestinationRecoveryPointArn == destArn {
			return r
		}
	}
	t.Fatalf("no record of copy %s in %+v", destArn, copies)
	return model.CopyRecord{}
}

func TestChainAdoptsCopiesInVaultThenCopiesIncrementally(t *testing.T) {
	h := newChainHarness(t)
	lc := model.Lifecycle{DeleteAfterDays: 35}
	oldCreated := t0.Add(-10 * day)
	adopted := h.aws.addCopy(1, oldCreated, dstVaultArn, srcVaultArn, lc)
	// Not this chain's: a copy from another Region, and a backup taken in the destination.
	foreign := h.aws.addCopy(2, t0.Add(-5*day), dstVaultArn, otherRegionVaultArn, lc)
	local := h.aws.addCopy(3, t0.Add(-4*day), dstVaultArn, "", lc)
	o := h.order(4, t0.Add(-time.Hour), lc, "req-1")
	h.send(time.Minute, o)
	h.run(30*day, nil)

	calls := h.aws.calls()
	adoptions := h.aws.adoptionSurveys()
	require.Len(t, adoptions, 1, "a fresh chain surveys its vault once before its first order")
	assert.Equal(t, model.SurveyCopiesInput{Region: dstRegion, BackupVaultName: "dr", ResourceArn: volumeArn, SourceRegion: srcRegion, Upcoming: maxUpcoming}, adoptions[0])

	require.Len(t, h.copies, 2, "the adopted copy and the new one; other Regions' copies and local backups are left alone")
	old := recordOfDestination(t, h.copies, adopted)
	assert.Equal(t, model.CopyAdopted, old.Kind)
	assert.Equal(t, oldCreated, old.SourceCreationDate, "a copy keeps its source's creation date")
	assert.Equal(t, oldCreated.Add(35*day), old.DeleteAt, "AWS's calculated lifecycle")
	assert.Equal(t, lc, old.Lifecycle)
	assert.Equal(t, int64(100<<30), old.BackupSizeInBytes)
	// Not the newest once the new copy landed, so the chain expires it at its DeleteAt.
	assert.Equal(t, model.RecordDeleted, old.State)
	require.Len(t, calls.deletes, 1)
	assert.Equal(t, adopted, calls.deletes[0].RecoveryPointArn)
	for _, r := range h.copies {
		assert.NotEqual(t, foreign, r.DestinationRecoveryPointArn)
		assert.NotEqual(t, local, r.DestinationRecoveryPointArn)
	}

	fresh := recordFor(t, h.copies, o.SourceRecoveryPointArn)
	assert.Equal(t, model.CopyIncremental, fresh.Kind, "AWS copies against the adopted copy")
	assert.Equal(t, model.JobCompleted, fresh.State)
	require.Len(t, calls.starts, 1)
	assert.Equal(t, 1, h.status.CopiesTotal, "adopted copies are not copies this chain made")
	assert.Equal(t, 0, h.status.FullCopies)
	assert.Equal(t, 1, h.status.LiveCopies)
}

func TestChainAdoptedCopyStatusBeforeAnyOrder(t *testing.T) {
	h := newChainHarness(t)
	lc := model.Lifecycle{DeleteAfterDays: 35}
	adopted := h.aws.addCopy(1, t0.Add(-10*day), dstVaultArn, srcVaultArn, lc)
	h.run(time.Hour, nil)

	require.Len(t, h.copies, 1)
	r := h.copies[0]
	assert.Equal(t, adopted, r.DestinationRecoveryPointArn)
	assert.Equal(t, model.JobCompleted, r.State)
	assert.Equal(t, model.AdoptedStatusMessage, r.StatusMessage)
	assert.Empty(t, r.SourceRecoveryPointArn, "unknown until an order for its recovery point arrives")
	assert.Equal(t, 1, h.status.LiveCopies)
	assert.Equal(t, r.DeleteAt, h.status.NextExpiry)
	assert.Equal(t, r.CompletedAt, h.status.LastCopyAt)
}

func TestChainGuardsAnAdoptedNewestCopy(t *testing.T) {
	h := newChainHarness(t)
	lc := model.Lifecycle{DeleteAfterDays: 35}
	// Expires five days after the start; no newer copy arrives.
	adopted := h.aws.addCopy(1, t0.Add(-30*day), dstVaultArn, srcVaultArn, lc)
	h.run(6*day, nil)

	calls := h.aws.calls()
	assert.Empty(t, calls.deletes, "the newest copy never expires before a successor lands")
	require.NotEmpty(t, calls.updates)
	assert.Equal(t, adopted, calls.updates[0].RecoveryPointArn)
	assert.Greater(t, calls.updates[0].Lifecycle.DeleteAfterDays, int64(35))
	r := recordOfDestination(t, h.copies, adopted)
	assert.Equal(t, model.JobCompleted, r.State)
	assert.True(t, r.ExtendedUntil.After(t0.Add(6*day)), "extended beyond the end of the run: %v", r.ExtendedUntil)
}

func TestChainAnswersAnOrderForAnAdoptedCopyWithoutCopying(t *testing.T) {
	h := newChainHarness(t)
	lc := model.Lifecycle{DeleteAfterDays: 35}
	created := t0.Add(-2 * day)
	adopted := h.aws.addCopy(1, created, dstVaultArn, srcVaultArn, lc)
	o := h.order(1, created, lc, "req-1")
	again := o
	again.RequesterWorkflowId = "req-2"
	h.send(time.Minute, o)
	h.send(time.Hour, again)
	h.run(day, nil)

	assert.Empty(t, h.aws.calls().starts, "no copy job for a recovery point whose copy is in the vault")
	for _, req := range []string{"req-1", "req-2"} {
		res := h.resultsFor(req)
		require.Len(t, res, 1, req)
		assert.Empty(t, res[0].Error)
		require.NotNil(t, res[0].Record)
		assert.Equal(t, adopted, res[0].Record.DestinationRecoveryPointArn)
		assert.Equal(t, o.SourceRecoveryPointArn, res[0].Record.SourceRecoveryPointArn, "learned from the order")
		assert.Equal(t, model.CopyAdopted, res[0].Record.Kind)
	}
	require.Len(t, h.copies, 1)
	assert.Equal(t, o.SourceRecoveryPointArn, h.copies[0].SourceRecoveryPointArn)
}

func TestChainIgnoresCopiesFromOtherRegions(t *testing.T) {
	h := newChainHarness(t)
	lc := model.Lifecycle{DeleteAfterDays: 35}
	foreign := h.aws.addCopy(1, t0.Add(-2*day), dstVaultArn, otherRegionVaultArn, lc)
	o := h.order(2, t0.Add(-time.Hour), lc, "req-1")
	h.send(time.Minute, o)
	h.run(day, nil)

	require.Len(t, h.copies, 1)
	assert.Equal(t, model.CopyFull, h.copies[0].Kind, "a copy from another Region is no base this chain counts on")
	assert.NotEqual(t, foreign, h.copies[0].DestinationRecoveryPointArn)
	assert.Empty(t, h.aws.calls().deletes)
	assert.Empty(t, h.aws.calls().updates)
}

func TestChainContinuedAsNewDoesNotListAgain(t *testing.T) {
	h := newChainHarness(t)
	lc := model.Lifecycle{DeleteAfterDays: 35}
	h.aws.addCopy(1, t0.Add(-2*day), dstVaultArn, srcVaultArn, lc)
	o := h.order(2, t0.Add(-time.Hour), lc, "req-1")
	h.send(time.Minute, o)
	// A continued run: its carried state is the whole truth (here: nothing copied yet).
	h.run(day, &ChainInput{ChainStart: model.ChainStart{Key: chainKey}, State: &ChainState{}})

	assert.Empty(t, h.aws.adoptionSurveys(), "continue-as-new carries what it knows of the vault; it does not survey again")
	require.Len(t, h.copies, 1)
	assert.NotEqual(t, model.CopyAdopted, h.copies[0].Kind)
	assert.Equal(t, model.CopyFull, h.copies[0].Kind)
}

// With a faster AWS clock an adopted copy's instants cannot be placed on the workflow
// clock until a copy job gives a reading of AWS's; until then its timers wait.
func TestChainAdoptedCopyTimersWaitForAnAnchorWhenTimeIsScaled(t *testing.T) {
	lc := model.Lifecycle{DeleteAfterDays: 35}
	start := model.ChainStart{Key: chainKey, TimeScale: 2}

	idle := newChainHarness(t)
	idle.aws.addCopy(1, t0.Add(-25*day), dstVaultArn, srcVaultArn, lc) // DeleteAt: ten days in
	idle.run(30*day, &ChainInput{ChainStart: start})
	assert.Empty(t, idle.aws.calls().deletes)
	assert.Empty(t, idle.aws.calls().updates, "no guard either before an anchor")

	h := newChainHarness(t)
	adopted := h.aws.addCopy(1, t0.Add(-25*day), dstVaultArn, srcVaultArn, lc)
	h.send(time.Minute, h.order(2, t0.Add(-time.Hour), lc, "req-1"))
	// Anchored at the copy job's start (one minute in), ten AWS days are five here.
	h.run(6*day, &ChainInput{ChainStart: start})
	calls := h.aws.calls()
	require.Len(t, calls.deletes, 1)
	assert.Equal(t, adopted, calls.deletes[0].RecoveryPointArn)
	assert.Equal(t, model.RecordDeleted, recordOfDestination(t, h.copies, adopted).State)
}
