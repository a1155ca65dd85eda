package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regioncopy/regioncopy/model"
)

// A coalescing order for a recovery point older than one the chain has already copied
// is answered SUPERSEDED when it arrives, naming the newer point, and starts no job:
// copying it would move bytes for a point older than the copy the vault already holds.
func TestChainSupersedesCoalescingOrderOlderThanCopiedPoint(t *testing.T) {
	h := newChainHarness(t)
	lc := model.Lifecycle{DeleteAfterDays: 35}
	newer := h.order(2, t0.Add(-time.Hour), lc, "req-newer")
	older := h.order(1, t0.Add(-2*time.Hour), lc, "req-older")
	older.Coalesce = true
	h.send(time.Minute, newer)
	h.send(3*time.Hour, older) // the newer copy landed at about 2h
	var atOnce []model.CopyRecord
	h.at(3*time.Hour+time.Second, func() { atOnce, _ = h.observe() })
	h.run(day, nil)

	starts := h.aws.calls().starts
	require.Len(t, starts, 1, "no job for the older point")
	assert.Equal(t, newer.SourceRecoveryPointArn, starts[0].RecoveryPointArn)

	rec := recordFor(t, atOnce, older.SourceRecoveryPointArn)
	assert.Equal(t, model.RecordSuperseded, rec.State, "answered when it arrived")
	assert.Contains(t, rec.StatusMessage, newer.SourceRecoveryPointArn)
	assert.Contains(t, rec.StatusMessage, "already copied")
	assert.Empty(t, rec.CopyJobId)

	res := h.resultsFor("req-older")
	require.Len(t, res, 1)
	assert.Equal(t, model.RecordSuperseded, res[0].Record.State)
	assert.Contains(t, res[0].Record.StatusMessage, newer.SourceRecoveryPointArn)
	assert.Empty(t, res[0].Error, "a superseded order is not a failure")

	assert.Equal(t, 1, h.status.CopiesTotal)
	assert.Equal(t, 1, h.status.LiveCopies)
	assert.Equal(t, model.JobCompleted, recordFor(t, h.copies, newer.SourceRecoveryPointArn).State)
}

// The same holds while the newer point's copy is still in flight.
func TestChainSupersedesCoalescingOrderOlderThanCopyInFlight(t *testing.T) {
	h := newChainHarness(t)
	newer := h.order(2, t0.Add(-time.Hour), model.Lifecycle{}, "req-newer")
	older := h.order(1, t0.Add(-2*time.Hour), model.Lifecycle{}, "req-older")
	older.Coalesce = true
	h.send(time.Minute, newer)
	h.send(10*time.Minute, older) // the newer copy runs until about 2h
	var atOnce []model.CopyRecord
	var status model.ChainStatus
	h.at(10*time.Minute+time.Second, func() { atOnce, status = h.observe() })
	h.run(day, nil)

	require.Len(t, h.aws.calls().starts, 1, "no job for the older point")
	rec := recordFor(t, atOnce, older.SourceRecoveryPointArn)
	assert.Equal(t, model.RecordSuperseded, rec.State)
	assert.Contains(t, rec.StatusMessage, newer.SourceRecoveryPointArn)
	assert.Contains(t, rec.StatusMessage, "being copied")
	assert.Empty(t, status.Pending, "the older order does not wait behind the copy in flight")
	require.NotNil(t, status.Current)
	assert.Equal(t, newer.SourceRecoveryPointArn, status.Current.SourceRecoveryPointArn)

	res := h.resultsFor("req-older")
	require.Len(t, res, 1)
	assert.Equal(t, model.RecordSuperseded, res[0].Record.State)
	require.Len(t, h.resultsFor("req-newer"), 1)
	assert.Equal(t, model.JobCompleted, h.resultsFor("req-newer")[0].Record.State)
}

// An order without Coalesce asked for every point: the older point is still copied, its
// record says it came out of order, and the chain's kinds agree with AWS's rule: the copy
// is incremental (a copy of the resource is in the vault), and so is the next one, whose
// base stays the newest copy by source creation date.
func TestChainCopiesOlderPointWithoutCoalesceAndNotesIt(t *testing.T) {
	h := newChainHarness(t)
	lc := model.Lifecycle{DeleteAfterDays: 35}
	newer := h.order(2, t0.Add(-time.Hour), lc, "req-newer")
	older := h.order(1, t0.Add(-2*time.Hour), lc, "req-older")
	newest := h.order(3, t0.Add(day), lc, "req-newest")
	h.send(time.Minute, newer)
	h.send(10*time.Minute, older) // while the newer copy is in flight
	h.send(day+time.Minute, newest)
	h.run(2*day, nil)

	starts := h.aws.calls().starts
	require.Len(t, starts, 3)
	assert.Equal(t, []string{newer.SourceRecoveryPointArn, older.SourceRecoveryPointArn, newest.SourceRecoveryPointArn},
		[]string{starts[0].RecoveryPointArn, starts[1].RecoveryPointArn, starts[2].RecoveryPointArn})

	first := recordFor(t, h.copies, newer.SourceRecoveryPointArn)
	late := recordFor(t, h.copies, older.SourceRecoveryPointArn)
	last := recordFor(t, h.copies, newest.SourceRecoveryPointArn)
	assert.Equal(t, model.CopyFull, first.Kind)
	assert.Empty(t, first.StatusMessage)
	assert.Equal(t, model.JobCompleted, late.State)
	assert.Equal(t, model.CopyIncremental, late.Kind)
	assert.Contains(t, late.StatusMessage, "out of order")
	assert.Contains(t, late.StatusMessage, newer.SourceRecoveryPointArn)
	assert.NotEmpty(t, late.DestinationRecoveryPointArn)
	assert.Equal(t, model.CopyIncremental, last.Kind)
	assert.Empty(t, last.StatusMessage, "the newest point is in order")

	res := h.resultsFor("req-older")
	require.Len(t, res, 1)
	assert.Empty(t, res[0].Error)
	assert.Contains(t, res[0].Record.StatusMessage, "out of order")
	assert.Equal(t, 3, h.status.CopiesTotal)
	assert.Equal(t, 1, h.status.FullCopies)
}

// A coalescing order that waited while the copy ahead of it was of an older point is
// copied as usual: it is newer than everything the chain holds.
func TestChainCopiesCoalescingOrderNewerThanCopyInFlight(t *testing.T) {
	h := newChainHarness(t)
	first := h.order(1, t0.Add(-2*time.Hour), model.Lifecycle{}, "")
	next := h.order(2, t0.Add(-time.Hour), model.Lifecycle{}, "req-next")
	next.Coalesce = true
	h.send(time.Minute, first)
	h.send(10*time.Minute, next)
	h.run(day, nil)

	require.Len(t, h.aws.calls().starts, 2)
	rec := recordFor(t, h.copies, next.SourceRecoveryPointArn)
	assert.Equal(t, model.JobCompleted, rec.State)
	assert.Equal(t, model.CopyIncremental, rec.Kind)
	assert.Empty(t, rec.StatusMessage)
}
