package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regioncopy/regioncopy/model"
)

func TestChainFirstCopyFullThenIncremental(t *testing.T) {
	h := newChainHarness(t)
	lc := model.Lifecycle{DeleteAfterDays: 35}
	o1 := h.order(1, t0.Add(-time.Hour), lc, "req-1")
	o2 := h.order(2, t0.Add(day), lc, "req-2")
	h.send(time.Minute, o1)
	h.send(day+time.Minute, o2)
	h.run(3*day, nil)

	require.Len(t, h.copies, 2)
	first, second := recordFor(t, h.copies, o1.SourceRecoveryPointArn), recordFor(t, h.copies, o2.SourceRecoveryPointArn)
	assert.Equal(t, model.CopyFull, first.Kind)
	assert.Equal(t, model.CopyIncremental, second.Kind)
	for _, r := range []model.CopyRecord{first, second} {
		assert.Equal(t, model.JobCompleted, r.State)
		assert.NotEmpty(t, r.DestinationRecoveryPointArn)
		assert.NotEmpty(t, r.CopyJobId)
		assert.Equal(t, int64(100<<30), r.BackupSizeInBytes)
		assert.Equal(t, "arn:aws:kms:eu-west-1:123456789012:key/dr", r.EncryptionKeyArn)
		assert.Equal(t, r.SourceCreationDate.Add(35*day), r.DeleteAt, "DeleteAt comes from AWS's calculated lifecycle")
		assert.Equal(t, 1, r.Attempts)
	}

	calls := h.aws.calls()
	require.Len(t, calls.starts, 2)
	assert.Equal(t, idempotencyToken(h.id, testRunID, 1), calls.starts[0].IdempotencyToken)
	assert.Len(t, calls.starts[0].IdempotencyToken, 64)
	assert.NotEqual(t, calls.starts[0].IdempotencyToken, calls.starts[1].IdempotencyToken)
	assert.Equal(t, lc, calls.starts[0].Lifecycle, "the lifecycle is given to AWS as a backstop")
	assert.Equal(t, srcRegion, calls.starts[0].SourceRegion)
	// Polling a two-hour job: a look at the start and one at its end, thanks to
	// NextRetryDelay (and retries add no history events).
	assert.Equal(t, 4, calls.pollCalls)

	assert.Equal(t, 2, h.status.CopiesTotal)
	assert.Equal(t, 1, h.status.FullCopies)
	assert.Equal(t, 2, h.status.LiveCopies)
	assert.Equal(t, model.ChainIdle, h.status.State)
	assert.Equal(t, int64(200<<30), h.status.BytesTotal)
	assert.Equal(t, first.DeleteAt, h.status.NextExpiry)

	r1, r2 := h.resultsFor("req-1"), h.resultsFor("req-2")
	require.Len(t, r1, 1)
	require.Len(t, r2, 1)
	assert.Empty(t, r1[0].Error)
	assert.Equal(t, h.id, r1[0].ChainWorkflowId)
	assert.Equal(t, dstVaultArn, r1[0].Destination.BackupVaultArn)
	assert.Equal(t, first.DestinationRecoveryPointArn, r1[0].Record.DestinationRecoveryPointArn)
	assert.Equal(t, model.CopyIncremental, r2[0].Record.Kind)
}

func TestChainDedupesOrdersForOneRecoveryPoint(t *testing.T) {
	h := newChainHarness(t)
	o := h.order(1, t0.Add(-time.Hour), model.Lifecycle{}, "req-1")
	again := o
	again.RequesterWorkflowId = "req-2" // while the copy runs
	later := o
	later.RequesterWorkflowId = "req-3" // after it completed
	h.send(time.Minute, o)
	h.send(10*time.Minute, again)
	h.send(10*time.Minute, o) // the same requester twice
	h.send(day, later)
	h.run(2*day, nil)

	assert.Len(t, h.aws.calls().starts, 1, "one copy job for one recovery point")
	require.Len(t, h.copies, 1)
	dest := h.copies[0].DestinationRecoveryPointArn
	for _, req := range []string{"req-1", "req-2", "req-3"} {
		res := h.resultsFor(req)
		require.Len(t, res, 1, req)
		assert.Equal(t, dest, res[0].Record.DestinationRecoveryPointArn, req)
		assert.Empty(t, res[0].Error, req)
	}
}

func TestChainProcessesOldestRecoveryPointFirst(t *testing.T) {
	h := newChainHarness(t)
	busy := h.order(1, t0.Add(-3*day), model.Lifecycle{}, "")
	newer := h.order(3, t0.Add(-day), model.Lifecycle{}, "")
	older := h.order(2, t0.Add(-2*day), model.Lifecycle{}, "")
	h.send(time.Minute, busy)
	h.send(10*time.Minute, newer)
	h.send(20*time.Minute, older)
	h.run(day, nil)

	starts := h.aws.calls().starts
	require.Len(t, starts, 3)
	assert.Equal(t, []string{busy.SourceRecoveryPointArn, older.SourceRecoveryPointArn, newer.SourceRecoveryPointArn},
		[]string{starts[0].RecoveryPointArn, starts[1].RecoveryPointArn, starts[2].RecoveryPointArn})
}

func TestChainCoalescesBacklogToNewest(t *testing.T) {
	h := newChainHarness(t)
	var orders []model.CopyOrder
	for i := 1; i <= 4; i++ {
		o := h.order(i, t0.Add(time.Duration(i)*time.Minute), model.Lifecycle{}, "req-"+string(rune('0'+i)))
		o.Coalesce = true
		orders = append(orders, o)
		h.send(time.Duration(i)*10*time.Minute, o)
	}
	h.run(day, nil)

	starts := h.aws.calls().starts
	require.Len(t, starts, 2, "the first order was running; the backlog collapses to the newest")
	assert.Equal(t, orders[0].SourceRecoveryPointArn, starts[0].RecoveryPointArn)
	assert.Equal(t, orders[3].SourceRecoveryPointArn, starts[1].RecoveryPointArn)
	for _, i := range []int{1, 2} {
		rec := recordFor(t, h.copies, orders[i].SourceRecoveryPointArn)
		assert.Equal(t, model.RecordSuperseded, rec.State)
		assert.Contains(t, rec.StatusMessage, orders[3].SourceRecoveryPointArn)
		res := h.resultsFor(orders[i].RequesterWorkflowId)
		require.Len(t, res, 1)
		assert.Equal(t, model.RecordSuperseded, res[0].Record.State)
		assert.Empty(t, res[0].Error, "a superseded order is not a failure")
	}
	assert.Equal(t, model.CopyIncremental, recordFor(t, h.copies, orders[3].SourceRecoveryPointArn).Kind)
}

func TestChainWithoutCoalesceCopiesEveryOrder(t *testing.T) {
	h := newChainHarness(t)
	for i := 1; i <= 3; i++ {
		h.send(time.Duration(i)*10*time.Minute, h.order(i, t0.Add(time.Duration(i)*time.Minute), model.Lifecycle{}, ""))
	}
	h.run(day, nil)
	assert.Len(t, h.aws.calls().starts, 3)
}

func TestChainDeletesExpiredCopyAfter365Days(t *testing.T) {
	h := newChainHarness(t)
	o1 := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 365}, "")
	o2 := h.order(2, t0.Add(day), model.Lifecycle{DeleteAfterDays: 1000}, "")
	h.send(time.Minute, o1)
	h.send(day+time.Minute, o2)
	h.run(400*day, nil)

	first := recordFor(t, h.copies, o1.SourceRecoveryPointArn)
	assert.Equal(t, model.RecordDeleted, first.State)
	// The timer runs on Temporal's clock from the copy's landing: the AWS DeleteAt mapped
	// through the job's CompletionDate.
	assert.WithinDuration(t, t0.Add(365*day), first.DeletedAt, time.Minute)
	assert.Contains(t, first.StatusMessage, "verified absent")
	deletes := h.aws.calls().deletes
	require.Len(t, deletes, 1)
	assert.Equal(t, first.DestinationRecoveryPointArn, deletes[0].RecoveryPointArn)
	assert.Equal(t, dstRegion, deletes[0].Region)
	assert.Equal(t, "dr", deletes[0].BackupVaultName)

	second := recordFor(t, h.copies, o2.SourceRecoveryPointArn)
	assert.Equal(t, model.JobCompleted, second.State)
	assert.Equal(t, 1, h.status.LiveCopies)
	assert.Equal(t, second.DeleteAt, h.status.NextExpiry)
}

func TestChainTimeScaleShortensTimers(t *testing.T) {
	h := newChainHarness(t)
	o1 := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 100}, "")
	o2 := h.order(2, t0.Add(time.Minute), model.Lifecycle{DeleteAfterDays: 1000}, "")
	h.aws.jobDuration = time.Minute
	h.send(time.Minute, o1)
	h.send(time.Hour, o2)
	h.run(20*day, &ChainInput{ChainStart: model.ChainStart{Key: chainKey, TimeScale: 10}})
	// AWS says the first copy expires 100 days after its source was made; with AWS's clock
	// running 10x faster the chain deletes it about 10 days after it landed.
	first := recordFor(t, h.copies, o1.SourceRecoveryPointArn)
	require.Equal(t, model.RecordDeleted, first.State)
	// Anchored at the latest job's start: AWS's CreationDate is the workflow time
	// StartCopyJob returned (the fake's clock is the test's).
	second := recordFor(t, h.copies, o2.SourceRecoveryPointArn)
	started := t0.Add(time.Hour)
	require.Equal(t, started, second.StartedAt)
	assert.Equal(t, started.Add(first.DeleteAt.Sub(started)/10), first.DeletedAt)
}

func TestChainNewestCopyGuardExtendsUntilNewerCopyLands(t *testing.T) {
	h := newChainHarness(t)
	o1 := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 30}, "")
	o2 := h.order(2, t0.Add(40*day), model.Lifecycle{DeleteAfterDays: 100}, "")
	h.send(time.Minute, o1)
	var extended model.CopyRecord
	var extendedStatus model.ChainStatus
	h.at(32*day, func() {
		copies, st := h.observe()
		extended, extendedStatus = copies[0], st
	})
	h.send(40*day, o2)
	h.run(45*day, nil)

	// At day 32 the only copy would have expired at day 30; the guard kept it.
	assert.Equal(t, model.JobCompleted, extended.State)
	assert.Equal(t, t0.Add(30*day), extended.DeleteAt, "the original schedule stays visible")
	assert.Equal(t, t0.Add(37*day), extended.ExtendedUntil)
	assert.Equal(t, int64(37), extended.Lifecycle.DeleteAfterDays)
	assert.Contains(t, extended.StatusMessage, "extended until")
	assert.Equal(t, extended.ExtendedUntil, extendedStatus.NextExpiry)

	updates := h.aws.calls().updates
	require.GreaterOrEqual(t, len(updates), 2, "extended at day 29, again at day 36")
	assert.Equal(t, int64(37), updates[0].Lifecycle.DeleteAfterDays)
	assert.Equal(t, int64(44), updates[1].Lifecycle.DeleteAfterDays)

	// Once the newer copy landed (day 40 + job), the old one went back to its original
	// schedule, long past: deleted at once.
	first := recordFor(t, h.copies, o1.SourceRecoveryPointArn)
	assert.Equal(t, model.RecordDeleted, first.State)
	assert.WithinDuration(t, t0.Add(40*day+2*time.Hour), first.DeletedAt, 5*time.Minute)
	second := recordFor(t, h.copies, o2.SourceRecoveryPointArn)
	assert.Equal(t, model.JobCompleted, second.State)
	assert.True(t, second.ExtendedUntil.IsZero())
}

func TestChainGuardReleaseRestoresOriginalLifecycle(t *testing.T) {
	h := newChainHarness(t)
	// The first copy's own expiry (day 60) is still ahead when the newer copy lands, but
	// a lifecycle change brought it within the guard's margin earlier.
	o1 := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 60}, "")
	o2 := h.order(2, t0.Add(10*day), model.Lifecycle{DeleteAfterDays: 100}, "")
	h.send(time.Minute, o1)
	h.at(day, func() {
		copies, _ := h.observe()
		h.env.UpdateWorkflow(model.UpdateSetLifecycle, "shorten", &testUpdate{t: t},
			model.SetLifecycleRequest{DestinationRecoveryPointArn: copies[0].DestinationRecoveryPointArn,
				Lifecycle: model.Lifecycle{DeleteAfterDays: 5}})
	})
	h.send(10*day, o2)
	h.run(12*day, nil)

	first := recordFor(t, h.copies, o1.SourceRecoveryPointArn)
	// Shortened to 5 days at day 1, guarded (extended) at day 4, released when the newer
	// copy landed at day 10: its 5-day expiry had passed, so it was deleted.
	assert.Equal(t, model.RecordDeleted, first.State)
	updates := h.aws.calls().updates
	require.GreaterOrEqual(t, len(updates), 2)
	assert.Equal(t, int64(5), updates[0].Lifecycle.DeleteAfterDays)
	assert.Equal(t, int64(12), updates[1].Lifecycle.DeleteAfterDays)
}

// testUpdate fails the test when an update is rejected or fails.
type testUpdate struct {
	t        *testing.T
	rejected error
	result   any
	err      error
}

func (u *testUpdate) Accept()                        {}
func (u *testUpdate) Reject(err error)               { u.rejected = err }
func (u *testUpdate) Complete(result any, err error) { u.result, u.err = result, err }

func TestChainLogKeepsTheNewestCopyAndBoundsRecords(t *testing.T) {
	c := &chain{}
	newest := model.CopyRecord{State: model.JobCompleted, SourceRecoveryPointArn: snapshotArn(0), DestinationRecoveryPointArn: "copy-0"}
	c.Newest = &TrackedCopy{Record: newest}
	c.logRecord(newest)
	for i := 0; i < hardRunRecords+10; i++ {
		c.logRecord(model.CopyRecord{State: model.JobFailed, SourceRecoveryPointArn: snapshotArn(100 + i)})
	}
	require.Len(t, c.log, hardRunRecords)
	assert.Equal(t, "copy-0", c.log[0].DestinationRecoveryPointArn, "the newest copy's record is never dropped")
	assert.Equal(t, snapshotArn(111), c.log[1].SourceRecoveryPointArn, "the oldest finished records go first")

	// A record of the same copy replaces the logged one.
	deleted := newest
	deleted.State = model.RecordDeleted
	c.logRecord(deleted)
	require.Len(t, c.log, hardRunRecords)
	assert.Equal(t, model.RecordDeleted, c.log[0].State)
}

func TestChainCopiesQueryPages(t *testing.T) {
	c := &chain{}
	for i := 0; i < 25; i++ {
		c.logRecord(model.CopyRecord{State: model.JobFailed, SourceRecoveryPointArn: snapshotArn(i)})
	}
	page := c.records(model.CopiesPage{})
	require.Len(t, page, model.MaxCopiesPage, "no page argument: the newest page")
	assert.Equal(t, snapshotArn(5), page[0].SourceRecoveryPointArn)
	assert.Equal(t, snapshotArn(24), page[model.MaxCopiesPage-1].SourceRecoveryPointArn)
	older := c.records(model.CopiesPage{Skip: model.MaxCopiesPage})
	require.Len(t, older, 5)
	assert.Equal(t, snapshotArn(0), older[0].SourceRecoveryPointArn)
	assert.Empty(t, c.records(model.CopiesPage{Skip: 100}))
	assert.Len(t, c.records(model.CopiesPage{Limit: 1000}), model.MaxCopiesPage, "a page is never larger than the chain's page size")
}

func TestChainIgnoresAnEmptyOrder(t *testing.T) {
	h := newChainHarness(t)
	h.send(time.Minute, model.CopyOrder{RequesterWorkflowId: "req-1"})
	o := h.order(1, t0, model.Lifecycle{}, "req-2")
	h.send(time.Hour, o)
	h.run(day, nil)
	require.Len(t, h.copies, 1)
	assert.Equal(t, o.SourceRecoveryPointArn, h.copies[0].SourceRecoveryPointArn)
	assert.Len(t, h.aws.calls().starts, 1)
}

func TestCanceledChainAnswersWaitingRequesters(t *testing.T) {
	h := newChainHarness(t)
	h.aws.jobDuration = 10 * time.Hour
	h.send(time.Minute, h.order(1, t0, model.Lifecycle{}, "req-running"))
	h.send(2*time.Minute, h.order(2, t0.Add(time.Minute), model.Lifecycle{}, "req-waiting"))
	h.run(time.Hour, nil)

	running := h.resultsFor("req-running")
	require.Len(t, running, 1)
	assert.Contains(t, running[0].Error, "canceled while this copy ran")
	assert.Contains(t, running[0].Error, "job-1 may still finish")
	waiting := h.resultsFor("req-waiting")
	require.Len(t, waiting, 1)
	assert.Contains(t, waiting[0].Error, "canceled before this copy started")
}

func TestFormatBytes(t *testing.T) {
	assert.Equal(t, "512 B", model.FormatBytes(512))
	assert.Equal(t, "1.0 KiB", model.FormatBytes(1024))
	assert.Equal(t, "100.0 GiB", model.FormatBytes(100<<30))
	assert.Equal(t, "1.5 TiB", model.FormatBytes(3<<39))
}

// TestChainKeepsTheTightestAgreeingClockReading: a StartCopyJob answered late (a worker
// killed mid-call) does not move the anchor, which would make every timer that late; a
// tighter reading, or one the kept anchor does not predict, replaces it.
func TestChainKeepsTheTightestAgreeingClockReading(t *testing.T) {
	c := &chain{start: model.ChainStart{TimeScale: 3600}}
	aws0 := t0.Add(100 * day)
	c.noteAnchor(aws0, t0, t0.Add(time.Second))
	require.Equal(t, aws0, c.AnchorAWS)
	require.Equal(t, time.Second, c.AnchorSpread)

	// An hour of AWS time later (one wall second at 3600x) a job was asked for, and answered
	// five wall seconds later after a worker restart: the kept anchor predicts it.
	asked := t0.Add(2 * time.Second)
	c.noteAnchor(aws0.Add(time.Hour), asked, asked.Add(5*time.Second))
	assert.Equal(t, aws0, c.AnchorAWS, "a looser reading that agrees is not taken")

	// A tighter reading replaces it.
	c.noteAnchor(aws0.Add(2*time.Hour), t0.Add(3*time.Second), t0.Add(3*time.Second+100*time.Millisecond))
	assert.Equal(t, aws0.Add(2*time.Hour), c.AnchorAWS)
	assert.Equal(t, 100*time.Millisecond, c.AnchorSpread)

	// AWS's clock stood still for a while (an emulator restarted): the old anchor
	// predicts the new reading days off, so the new one is taken whatever its spread.
	c.noteAnchor(aws0.Add(3*time.Hour), t0.Add(time.Hour), t0.Add(time.Hour+10*time.Second))
	assert.Equal(t, aws0.Add(3*time.Hour), c.AnchorAWS)
	assert.Equal(t, t0.Add(time.Hour+10*time.Second), c.AnchorTemporal)
}
