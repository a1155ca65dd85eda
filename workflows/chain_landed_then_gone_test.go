package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regioncopy/regioncopy/model"
)

// A copy whose job completed well before its DeleteAt but which AWS no longer has when
// the chain describes it (the worker was down past its DeleteAt, or someone deleted it)
// did land: it is recorded DELETED and reported as a copy made, not EXPIRED_ON_LANDING
// and not an error; it is no base, so the next copy is FULL.
func TestChainCopyGoneAfterLandingInTimeIsADeletedCopy(t *testing.T) {
	h := newChainHarness(t)
	h.aws.describeErrs = []error{notFound("recovery point")}
	o1 := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 30}, "req-1")
	o2 := h.order(2, t0.Add(day), model.Lifecycle{DeleteAfterDays: 30}, "req-2")
	h.send(time.Minute, o1)
	h.send(2*day, o2)
	h.run(3*day, nil)

	first := recordFor(t, h.copies, o1.SourceRecoveryPointArn)
	assert.Equal(t, model.RecordDeleted, first.State)
	assert.Contains(t, first.StatusMessage, "before the copy's DeleteAt")
	assert.Contains(t, first.StatusMessage, "it landed and has since expired or been deleted")
	assert.False(t, first.DeletedAt.IsZero())

	res := h.resultsFor("req-1")
	require.Len(t, res, 1)
	assert.Empty(t, res[0].Error, "the copy was made; it is not a failure")
	require.NotNil(t, res[0].Record)
	assert.Equal(t, model.RecordDeleted, res[0].Record.State)

	second := recordFor(t, h.copies, o2.SourceRecoveryPointArn)
	assert.Equal(t, model.JobCompleted, second.State)
	assert.Equal(t, model.CopyFull, second.Kind, "the copy that went is no incremental base")
	assert.Equal(t, 2, h.status.CopiesTotal, "a copy that landed counts as made")
	assert.Equal(t, 1, h.status.LiveCopies)
	assert.Empty(t, h.aws.calls().updates, "a copy that is gone is never guarded")
}
