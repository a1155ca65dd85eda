package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// Between the job's completion and the describe of the new copy, the record in flight
// keeps the job's running state: the copies and status queries never show a COMPLETED
// record without its destination and DeleteAt.
func TestChainRecordInFlightIsCompletedOnlyWithItsFields(t *testing.T) {
	h := newChainHarness(t)
	// The describe of the new copy is throttled once, holding the chain between the job's
	// end (about 2h01m) and the describe's retry ten minutes later.
	h.aws.describeErrs = []error{temporal.NewApplicationErrorWithOptions("Rate exceeded", model.ErrThrottled,
		temporal.ApplicationErrorOptions{NextRetryDelay: 10 * time.Minute})}
	lc := model.Lifecycle{DeleteAfterDays: 35}
	o := h.order(1, t0.Add(-time.Hour), lc, "req-1")
	h.send(time.Minute, o)
	var between []model.CopyRecord
	var status model.ChainStatus
	h.at(2*time.Hour+5*time.Minute, func() { between, status = h.observe() })
	h.run(day, nil)

	require.Len(t, between, 1)
	inFlight := between[0]
	assert.Equal(t, model.JobRunning, inFlight.State, "not COMPLETED before the copy is described")
	assert.NotEmpty(t, inFlight.CopyJobId)
	require.NotNil(t, status.Current)
	assert.Equal(t, model.JobRunning, status.Current.State)
	assert.Equal(t, model.ChainCopying, status.State)

	require.Len(t, h.copies, 1)
	done := h.copies[0]
	assert.Equal(t, model.JobCompleted, done.State)
	assert.NotEmpty(t, done.DestinationRecoveryPointArn)
	assert.Equal(t, o.SourceCreationDate.Add(35*day), done.DeleteAt)
	res := h.resultsFor("req-1")
	require.Len(t, res, 1)
	assert.Equal(t, done.DeleteAt, res[0].Record.DeleteAt)
}
