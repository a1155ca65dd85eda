package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// A copy whose job ends after its own DeleteAt is removed by AWS at once: the chain must
// not record it COMPLETED, must tell its requester it does not exist, and must copy the
// next recovery point FULL because no base is left.
func TestChainCopyLandingExpiredIsNotACopy(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status string // "": the copy is gone (NotFound)
	}{{"gone", ""}, {"status EXPIRED", model.RecoveryPointExpired}, {"status DELETING", model.RecoveryPointDeleting}} {
		t.Run(tc.name, func(t *testing.T) { testCopyLandingExpired(t, tc.status) })
	}
}

func testCopyLandingExpired(t *testing.T, status string) {
	h := newChainHarness(t)
	h.aws.removeLandedExpired = status == ""
	h.aws.landedExpiredStatus = status
	// DeleteAt = t0+1h; the job starts at t0+1m and takes 2h.
	o1 := h.order(1, t0.Add(-day+time.Hour), model.Lifecycle{DeleteAfterDays: 1}, "req-1")
	o2 := h.order(2, t0.Add(day), model.Lifecycle{DeleteAfterDays: 100}, "req-2")
	h.send(time.Minute, o1)
	h.send(2*day, o2)
	h.run(3*day, nil)

	first := recordFor(t, h.copies, o1.SourceRecoveryPointArn)
	assert.Equal(t, model.RecordExpiredOnLanding, first.State)
	assert.Contains(t, first.StatusMessage, "landed already expired")
	assert.Contains(t, first.StatusMessage, "does not exist")
	assert.Equal(t, t0.Add(time.Hour), first.DeleteAt, "the DeleteAt it landed after")

	res := h.resultsFor("req-1")
	require.Len(t, res, 1)
	assert.Contains(t, res[0].Error, "does not exist", "the requester is told there is no copy")
	require.NotNil(t, res[0].Record)
	assert.Equal(t, model.RecordExpiredOnLanding, res[0].Record.State)

	second := recordFor(t, h.copies, o2.SourceRecoveryPointArn)
	assert.Equal(t, model.JobCompleted, second.State)
	assert.Equal(t, model.CopyFull, second.Kind, "no copy was left in the vault to base an incremental on")
	assert.Empty(t, h.resultsFor("req-2")[0].Error)

	assert.Equal(t, 1, h.status.LiveCopies)
	assert.Equal(t, 1, h.status.CopiesTotal, "a copy that landed expired is not counted")
	assert.Empty(t, h.aws.calls().updates, "a copy that does not exist is never guarded")
}

// A live newest copy that AWS no longer has (the guard's lifecycle update answers
// NotFound) is recorded DELETED at once rather than retried for ever, and the next copy
// is FULL.
func TestChainGuardMeetingNotFoundRecordsTheCopyGone(t *testing.T) {
	h := newChainHarness(t)
	o1 := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 10}, "")
	o2 := h.order(2, t0.Add(11*day), model.Lifecycle{DeleteAfterDays: 100}, "")
	h.send(time.Minute, o1)
	h.at(5*day, func() {
		copies, _ := h.observe()
		require.Len(t, copies, 1)
		h.aws.removePoint(copies[0].DestinationRecoveryPointArn)
	})
	h.send(12*day, o2)
	h.run(14*day, nil)

	first := recordFor(t, h.copies, o1.SourceRecoveryPointArn)
	assert.Equal(t, model.RecordDeleted, first.State)
	assert.Contains(t, first.StatusMessage, "gone before its time")
	// The guard fires GuardMargin before DeleteAt (t0+10d).
	assert.WithinDuration(t, t0.Add(9*day), first.DeletedAt, time.Hour)
	assert.Equal(t, 1, len(h.aws.calls().updates), "NotFound is final: the guard does not retry")

	second := recordFor(t, h.copies, o2.SourceRecoveryPointArn)
	assert.Equal(t, model.JobCompleted, second.State)
	assert.Equal(t, model.CopyFull, second.Kind, "the only earlier copy is gone")
	assert.Equal(t, 1, h.status.LiveCopies)
}

// A copy that lands shortly before its DeleteAt is guarded at once; when AWS has already
// removed it, the copy waiting behind it must be recorded FULL: its kind is computed after
// the guard learns the base is gone, not while the guard waits on AWS.
func TestChainKindWaitsForTheGuardThatFindsTheBaseGone(t *testing.T) {
	h := newChainHarness(t)
	h.aws.updateErrs = []error{notFound("recovery point")}
	// DeleteAt = t0+5h: within GuardMargin as soon as the copy lands at t0+2h01m.
	o1 := h.order(1, t0.Add(-day+5*time.Hour), model.Lifecycle{DeleteAfterDays: 1}, "")
	o2 := h.order(2, t0, model.Lifecycle{DeleteAfterDays: 100}, "")
	h.send(time.Minute, o1)
	h.send(time.Hour, o2)
	h.run(day, nil)

	first := recordFor(t, h.copies, o1.SourceRecoveryPointArn)
	assert.Equal(t, model.RecordDeleted, first.State)
	assert.Contains(t, first.StatusMessage, "gone before its time")
	second := recordFor(t, h.copies, o2.SourceRecoveryPointArn)
	assert.Equal(t, model.JobCompleted, second.State)
	assert.Equal(t, model.CopyFull, second.Kind, "the guard found the only base gone before this copy started")
}

// TestChainCopiesAgainAPointWhoseCopyExpired: an order for a point whose copy the chain
// deleted at expiry is copied again; answering with the deleted copy's record would tell
// the requester its copy exists while the vault holds nothing.
func TestChainCopiesAgainAPointWhoseCopyExpired(t *testing.T) {
	h := newChainHarness(t)
	o1 := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 10}, "")
	o2 := h.order(2, t0.Add(day), model.Lifecycle{DeleteAfterDays: 100}, "")
	h.send(time.Minute, o1)
	h.send(day, o2)
	again := o1
	again.Lifecycle, again.RequesterWorkflowId = model.Lifecycle{DeleteAfterDays: 100}, "req-again"
	h.send(12*day, again)
	h.run(13*day, nil)

	calls := h.aws.calls()
	require.Len(t, calls.deletes, 1, "the first copy expired")
	require.Len(t, calls.starts, 3, "and was copied again when ordered again")
	res := h.resultsFor("req-again")
	require.Len(t, res, 1)
	assert.Empty(t, res[0].Error)
	assert.Equal(t, model.JobCompleted, res[0].Record.State)
	assert.NotEqual(t, calls.deletes[0].RecoveryPointArn, res[0].Record.DestinationRecoveryPointArn)
	h.aws.mu.Lock()
	_, exists := h.aws.points[res[0].Record.DestinationRecoveryPointArn]
	h.aws.mu.Unlock()
	assert.True(t, exists, "the vault holds the copy the requester was told of")
}

// TestChainRecordsACopyAWSExpiredFirst: AWS's own lifecycle removes a copy just before the
// chain's expiry timer fires; the survey no longer lists it, and the chain still records
// it deleted rather than leaving it COMPLETED for ever.
func TestChainRecordsACopyAWSExpiredFirst(t *testing.T) {
	h := newChainHarness(t)
	o1 := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 10}, "")
	o2 := h.order(2, t0.Add(day), model.Lifecycle{DeleteAfterDays: 100}, "")
	h.send(time.Minute, o1)
	h.send(day, o2)
	h.at(10*day-time.Minute, func() {
		copies, _ := h.observe()
		h.aws.removePoint(recordFor(t, copies, o1.SourceRecoveryPointArn).DestinationRecoveryPointArn)
	})
	h.run(11*day, nil)

	first := recordFor(t, h.copies, o1.SourceRecoveryPointArn)
	assert.Equal(t, model.RecordDeleted, first.State)
	assert.Contains(t, first.StatusMessage, "already gone")
	assert.Empty(t, h.aws.calls().deletes, "nothing left to delete")
	assert.Equal(t, 1, h.status.LiveCopies)
}

// TestChainRecordsByNameACopyAWSExpiredWhileAway: a run that carries, from an earlier run,
// only the names of the copies due next learns from the survey that AWS's lifecycle
// removed one of them while the chain was away, and records that copy deleted by name; a
// copy whose lifecycle was lengthened outside regioncopy is not taken for gone.
func TestChainRecordsByNameACopyAWSExpiredWhileAway(t *testing.T) {
	h := newChainHarness(t)
	lc := model.Lifecycle{DeleteAfterDays: 30}
	gone := h.aws.addCopy(1, t0.Add(-40*day), dstVaultArn, srcVaultArn, lc)
	kept := h.aws.addCopy(2, t0.Add(-39*day), dstVaultArn, srcVaultArn, lc)
	newest := h.aws.addCopy(3, t0.Add(-time.Hour), dstVaultArn, srcVaultArn, model.Lifecycle{DeleteAfterDays: 100})
	h.aws.removePoint(gone)
	// Someone gave the second copy a longer lifecycle in the console.
	h.aws.mu.Lock()
	p := h.aws.points[kept]
	p.Lifecycle = model.Lifecycle{DeleteAfterDays: 400}
	p.CalculatedLifecycle = calculated(p.CreationDate, p.Lifecycle)
	h.aws.points[kept] = p
	h.aws.mu.Unlock()

	due := func(arn string, created time.Time) model.CopyDue {
		return model.CopyDue{RecoveryPointArn: arn, CreationDate: created, DeleteAt: created.Add(30 * day)}
	}
	state := &ChainState{
		Newest:    &TrackedCopy{Record: model.CopyRecord{DestinationRecoveryPointArn: newest, SourceCreationDate: t0.Add(-time.Hour), State: model.JobCompleted, DeleteAt: t0.Add(100 * day)}},
		OtherLive: 2, NextDueAt: t0.Add(-10 * day),
		Upcoming: []model.CopyDue{due(gone, t0.Add(-40*day)), due(kept, t0.Add(-39*day))},
	}
	h.run(time.Hour, &ChainInput{ChainStart: model.ChainStart{Key: chainKey}, State: state})

	rec := recordOfDestination(t, h.copies, gone)
	assert.Equal(t, model.RecordDeleted, rec.State)
	assert.Contains(t, rec.StatusMessage, "already gone")
	assert.Equal(t, t0.Add(-10*day), rec.DeleteAt)
	for _, r := range h.copies {
		assert.NotEqual(t, kept, r.DestinationRecoveryPointArn, "a copy still in the vault is not recorded gone")
	}
	assert.Empty(t, h.aws.calls().deletes)
	assert.Equal(t, 2, h.status.LiveCopies)
}

// TestChainExpiresOnAScaledClockWithoutSpinning: with AWS's clock 3,600 times faster, the
// expiry timer's instant mapped back onto AWS's clock can land a hair before the DeleteAt
// it was set for; the sweep still deletes what is due then, instead of finding nothing
// and firing again at once until the run gives up.
func TestChainExpiresOnAScaledClockWithoutSpinning(t *testing.T) {
	h := newChainHarness(t)
	h.aws.jobDuration = time.Second
	var orders []model.CopyOrder
	for i := 1; i <= 3; i++ {
		o := h.order(i, t0.Add(time.Duration(i)*time.Second), model.Lifecycle{DeleteAfterDays: 1}, "")
		orders = append(orders, o)
		h.send(time.Duration(10*i)*time.Second, o)
	}
	h.run(10*time.Minute, &ChainInput{ChainStart: model.ChainStart{Key: chainKey, TimeScale: 3600}})

	var canceled *temporal.CanceledError
	require.ErrorAs(t, h.env.GetWorkflowError(), &canceled, "the run ends when the test cancels it, not by continuing as new")
	for _, o := range orders[:2] {
		rec := recordFor(t, h.copies, o.SourceRecoveryPointArn)
		assert.Equal(t, model.RecordDeleted, rec.State)
		assert.Equal(t, "expired; deleted and verified absent", rec.StatusMessage)
	}
	assert.Equal(t, model.JobCompleted, recordFor(t, h.copies, orders[2].SourceRecoveryPointArn).State, "the newest copy stays")
	assert.Len(t, h.aws.calls().deletes, 2)
}
