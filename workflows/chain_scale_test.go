package workflows

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// payloadLimit is the most a chain may send, carry or answer in one payload, whatever the
// number of its live copies.
const payloadLimit = 32 << 10

// TestChainStateStaysBoundedWithThousandsOfLiveCopies copies hourly backups kept 90 days
// for 100 days (2,400 copies, about 2,160 live at the end) through as many runs as the
// chain takes, carrying each run's continue-as-new input into the next: every carried
// state and every query answer stays under payloadLimit, every copy but the first is
// incremental, each expired copy is deleted at its own DeleteAt, and the newest never.
func TestChainStateStaysBoundedWithThousandsOfLiveCopies(t *testing.T) {
	if testing.Short() {
		t.Skip("copies 2,400 recovery points")
	}
	const (
		copies   = 2400
		interval = time.Hour
		keep     = 90
	)
	aws := newFakeAWS()
	aws.jobDuration = 10 * time.Minute
	lc := model.Lifecycle{DeleteAfterDays: keep}
	orders := make([]model.CopyOrder, copies)
	for i := range orders {
		created := t0.Add(time.Duration(i) * interval)
		orders[i] = model.CopyOrder{SourceRecoveryPointArn: aws.addSource(i+1, created), SourceBackupVaultName: srcVault,
			SourceCreationDate: created, IamRoleArn: roleArn, Lifecycle: lc, Coalesce: true}
	}

	last, runs, maxCarried := driveChain(t, aws, orders, t0.Add(copies*interval+10*day))
	end := t0.Add(copies*interval + 10*day)
	t.Logf("%d copies through %d runs; largest carried state %d bytes", copies, runs, maxCarried)

	calls := aws.calls()
	require.Len(t, calls.starts, copies, "one copy job per recovery point")
	assert.Equal(t, copies, last.status.CopiesTotal)
	assert.Equal(t, 1, last.status.FullCopies, "the first copy is full, every later one incremental")
	live := 0
	for _, rp := range aws.points {
		if rp.Region == dstRegion {
			live++
		}
	}
	// At the end (10 days after the last backup) the copies of the last 80 days are live.
	wantLive := copies - int(end.Add(-keep*day).Sub(t0)/interval) - 1
	assert.InDelta(t, wantLive, live, 2)
	assert.Equal(t, live, last.status.LiveCopies, "the chain's count matches the vault")
	assert.Len(t, calls.deletes, copies-live)
	for _, d := range aws.deleted {
		assert.WithinDuration(t, d.deleteAt, d.at, 2*time.Minute, "each copy is deleted at its own DeleteAt: %s", d.arn)
	}
	newest := orders[copies-1]
	rec := recordFor(t, last.copies, newest.SourceRecoveryPointArn)
	assert.Equal(t, model.JobCompleted, rec.State, "the newest copy is never deleted")
}

// driveChain runs one chain from t0 to end through as many runs as it takes, each run's
// continue-as-new input carried into the next, sending each order at a minute past its
// source's creation (orders in that order). Every carried state and query answer must stay
// under payloadLimit. It returns the last run, observed at end, the number of runs and the
// largest carried state.
func driveChain(t *testing.T, aws *fakeAWS, orders []model.CopyOrder, end time.Time) (*chainHarness, int, int) {
	sendAt := make([]time.Time, len(orders))
	for i, o := range orders {
		sendAt[i] = o.SourceCreationDate.Add(time.Minute)
	}
	return driveChainSending(t, aws, orders, sendAt, end)
}

// driveChainSending is driveChain with each order sent at its own time (in order).
func driveChainSending(t *testing.T, aws *fakeAWS, orders []model.CopyOrder, sendAt []time.Time, end time.Time) (*chainHarness, int, int) {
	t.Helper()
	in := ChainInput{ChainStart: model.ChainStart{Key: chainKey}}
	start, sent, maxCarried := t0, 0, 0
	for runs := 1; ; runs++ {
		require.Less(t, runs, 500, "the chain must make progress")
		h := newChainHarnessOn(t, aws)
		h.env.SetStartTime(start)
		// One order at a time, each callback scheduling the next: the test environment
		// takes only a few callbacks registered ahead.
		var feed func(i int)
		feed = func(i int) {
			if i >= len(orders) {
				return
			}
			at := max(sendAt[i].Sub(h.env.Now()), 0)
			h.env.RegisterDelayedCallback(func() {
				h.env.SignalWorkflow(model.SignalCopy, orders[i])
				sent = i + 1
				feed(i + 1)
			}, at)
		}
		feed(sent)
		var queried [][]byte
		h.env.RegisterDelayedCallback(func() {
			for _, q := range []string{model.QueryCopies, model.QueryStatus} {
				v, err := h.env.QueryWorkflow(q)
				require.NoError(t, err)
				var raw json.RawMessage
				require.NoError(t, v.Get(&raw))
				queried = append(queried, raw)
			}
			h.copies, h.status = h.observe()
			h.env.CancelWorkflow()
		}, end.Sub(start))
		h.env.ExecuteWorkflow(model.WorkflowCopyChain, in)
		require.True(t, h.env.IsWorkflowCompleted())
		for _, q := range queried {
			assert.Less(t, len(q), payloadLimit, "a query answer stays small")
		}
		err := h.env.GetWorkflowError()
		var can *workflow.ContinueAsNewError
		if !workflow.IsContinueAsNewError(err) {
			return h, runs, maxCarried
		}
		require.ErrorAs(t, err, &can)
		require.Len(t, can.Input.Payloads, 1)
		size := len(can.Input.Payloads[0].Data)
		maxCarried = max(maxCarried, size)
		require.Less(t, size, payloadLimit, "run %d carried %d bytes", runs, size)
		var next ChainInput
		require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
		in = next
		start = h.env.Now()
	}
}

// TestChainNeverReusesATokenOfAnEvictedFailure: a point whose three copy jobs FAILED is
// ordered again after a hundred other orders have failed (its record long gone from what
// the chain keeps, across several runs): its new attempts get tokens never sent before,
// so AWS starts a new job instead of answering with the old FAILED one.
func TestChainNeverReusesATokenOfAnEvictedFailure(t *testing.T) {
	aws := newFakeAWS()
	aws.jobDuration = time.Minute
	const others = 100
	for range (others + 1) * CopyAttempts {
		aws.outcomes = append(aws.outcomes, model.JobFailed)
	}
	var orders []model.CopyOrder
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Hour) }
	first := model.CopyOrder{SourceRecoveryPointArn: aws.addSource(1, at(0)), SourceBackupVaultName: srcVault,
		SourceCreationDate: at(0), IamRoleArn: roleArn}
	orders = append(orders, first)
	for i := 1; i <= others; i++ {
		orders = append(orders, model.CopyOrder{SourceRecoveryPointArn: aws.addSource(i+1, at(i)), SourceBackupVaultName: srcVault,
			SourceCreationDate: at(i), IamRoleArn: roleArn})
	}
	again := first
	again.RequesterWorkflowId = "req-again"
	orders = append(orders, again)
	sendAt := make([]time.Time, len(orders))
	for i := range sendAt {
		sendAt[i] = at(i).Add(time.Minute)
	}
	last, runs, _ := driveChainSending(t, aws, orders, sendAt, at(others+5))
	require.Greater(t, runs, 1)

	calls := aws.calls()
	require.Len(t, calls.starts, (others+1)*CopyAttempts+1)
	seen := map[string]bool{}
	for _, s := range calls.starts {
		assert.False(t, seen[s.IdempotencyToken], "token %s sent twice", s.IdempotencyToken)
		seen[s.IdempotencyToken] = true
	}
	res := last.resultsFor("req-again")
	require.Len(t, res, 1)
	assert.Empty(t, res[0].Error)
	assert.Equal(t, model.JobCompleted, res[0].Record.State)
}
