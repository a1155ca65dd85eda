package workflows

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// TestRequestStopsWaitingForAChainThatNeverAnswers: a chain that never answers fails its
// destination once the completion window plus RequestWaitMargin has passed, naming the
// chain and the wait; the destination whose chain answered keeps its result.
func TestRequestStopsWaitingForAChainThatNeverAnswers(t *testing.T) {
	h := newRequestHarness(t)
	h.req.CompletionWindow = 2 * day
	h.answer(time.Hour, dstVaultArn, completed("arn:aws:ec2:eu-west-1::snapshot/snap-0000000000000000a", model.CopyFull), "")
	var before model.RequestStatus
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(model.QueryStatus)
		require.NoError(t, err)
		require.NoError(t, v.Get(&before))
	}, 2*day)
	h.run()

	assert.Equal(t, model.RequestCopying, before.State, "still waiting when the window alone has passed")
	err := h.env.GetWorkflowError()
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "got %v", err)
	assert.Equal(t, model.ErrCopyFailed, appErr.Type())
	assert.Contains(t, appErr.Error(), "1 of 2 copies failed")
	var res model.CopyRequestResult
	require.NoError(t, appErr.Details(&res))
	require.Len(t, res.Results, 2)
	assert.Empty(t, res.Results[0].Error, "the answered destination keeps its result")
	require.NotNil(t, res.Results[0].Record)
	assert.Equal(t, model.JobCompleted, res.Results[0].Record.State)

	chain := model.ChainWorkflowID(model.ChainKey{ResourceArn: volumeArn, ResourceType: "EBS", SourceRegion: srcRegion,
		DestinationRegion: model.RegionFromArn(dst2VaultArn), DestinationBackupVaultArn: dst2VaultArn})
	unanswered := res.Results[1]
	assert.Equal(t, chain, unanswered.ChainWorkflowId)
	assert.Contains(t, unanswered.Error, "chain "+chain+" did not answer within 49h0m0s")
	assert.Contains(t, unanswered.Error, "completion window of 48h0m0s plus a margin of 1h0m0s")
	assert.False(t, unanswered.Canceled)
	assert.Equal(t, 2*day+RequestWaitMargin, h.env.Now().Sub(t0).Round(time.Minute), "the request ended when its bound passed")
}
