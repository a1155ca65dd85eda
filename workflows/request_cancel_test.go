package workflows

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// canceledResult is the result a canceled request carries in its CanceledError.
func canceledResult(t *testing.T, h *requestHarness) model.CopyRequestResult {
	t.Helper()
	var canceled *temporal.CanceledError
	require.True(t, errors.As(h.env.GetWorkflowError(), &canceled), "want a canceled workflow, got %v", h.env.GetWorkflowError())
	var res model.CopyRequestResult
	require.NoError(t, canceled.Details(&res))
	return res
}

// copyStates records every CopyState the request publishes.
func copyStates(h *requestHarness) *[]string {
	var mu sync.Mutex
	states := &[]string{}
	h.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		if v, ok := args.Get(0).(temporal.SearchAttributes).GetKeyword(model.CopyStateKey); ok {
			mu.Lock()
			*states = append(*states, v)
			mu.Unlock()
		}
	}).Return(nil)
	return states
}

func (h *requestHarness) status() model.RequestStatus {
	v, err := h.env.QueryWorkflow(model.QueryStatus)
	require.NoError(h.t, err)
	var st model.RequestStatus
	require.NoError(h.t, v.Get(&st))
	return st
}

// TestRequestEndsPromptlyWhenCanceled: a request canceled while waiting for its chains
// stops waiting at once and ends canceled; the destination already answered keeps its
// result, the other is reported as canceled, naming the chain that keeps its order.
func TestRequestEndsPromptlyWhenCanceled(t *testing.T) {
	h := newRequestHarness(t)
	states := copyStates(h)
	h.answer(time.Hour, dst2VaultArn, completed("arn:aws:backup:us-west-2:123456789012:recovery-point:copy-1", model.CopyFull), "")
	var canceledAt time.Time
	h.env.RegisterDelayedCallback(func() {
		canceledAt = h.env.Now()
		h.env.CancelWorkflow()
	}, 2*time.Hour)
	h.answer(30*24*time.Hour, dstVaultArn, completed("arn:aws:backup:eu-west-1:123456789012:recovery-point:copy-2", model.CopyFull), "")
	h.run()

	res := canceledResult(t, h)
	assert.Equal(t, canceledAt, h.env.Now(), "the request ends when canceled, not when the last chain answers")
	require.Len(t, res.Results, 2)
	assert.Equal(t, h.req.RecoveryPointArn, res.RecoveryPoint.RecoveryPointArn)
	first := res.Results[0]
	assert.Equal(t, dstVaultArn, first.Destination.BackupVaultArn)
	assert.True(t, first.Canceled)
	chain := model.ChainWorkflowID(model.ChainKey{ResourceArn: volumeArn, SourceRegion: srcRegion, DestinationRegion: model.RegionFromArn(dstVaultArn),
		DestinationBackupVaultArn: dstVaultArn})
	assert.Equal(t, chain, first.ChainWorkflowId)
	assert.Contains(t, first.Error, "canceled")
	assert.Contains(t, first.Error, chain)
	assert.Contains(t, first.Error, "may still copy")
	second := res.Results[1]
	assert.False(t, second.Canceled, "an answered destination keeps its result")
	assert.Empty(t, second.Error)
	require.NotNil(t, second.Record)

	st := h.status()
	assert.Equal(t, model.RequestCanceled, st.State)
	require.NotNil(t, st.Destinations[0].Result)
	assert.True(t, st.Destinations[0].Result.Canceled)
	require.NotEmpty(t, *states)
	assert.Equal(t, model.RequestCanceled, (*states)[len(*states)-1])
	assert.Empty(t, h.aws.calls().starts)
}

// TestRequestCanceledBeforeItsOrdersAreHandedOver: canceled during its checks, a request
// ends canceled without handing any order over, not rejected for the canceled calls;
// canceled while handing its orders over, it says each order may have reached its chain.
// The checks and hand-overs run as local activities, and as activities in runs of the
// version before changeLocalCalls.
func TestRequestCanceledBeforeItsOrdersAreHandedOver(t *testing.T) {
	for _, tc := range []struct {
		canceledIn string
		says       string
	}{
		{model.ActDescribeRecoveryPoint, "nothing was started"},
		{model.ActEnqueueCopy, "may have reached the chain"},
	} {
		for _, v := range []workflow.Version{workflow.DefaultVersion, 1} {
			t.Run(fmt.Sprintf("%s, version %d", tc.canceledIn, v), func(t *testing.T) {
				h := newRequestHarness(t)
				cancelWhenCalled(h, v, tc.canceledIn)
				h.run()

				res := canceledResult(t, h)
				require.Len(t, res.Results, 2)
				for _, r := range res.Results {
					assert.True(t, r.Canceled)
					assert.Contains(t, r.Error, tc.says)
					if tc.canceledIn == model.ActEnqueueCopy {
						assert.Contains(t, r.Error, r.ChainWorkflowId)
					}
				}
				if tc.canceledIn != model.ActEnqueueCopy {
					assert.Empty(t, h.aws.calls().enqueued)
				}
				assert.Equal(t, model.RequestCanceled, h.status().State)
			})
		}
	}
}

// cancelWhenCalled runs h's request at version v of changeLocalCalls and cancels it when
// it first calls the activity named act (a local activity from version 1 on).
func cancelWhenCalled(h *requestHarness, v workflow.Version, act string) {
	h.env.OnGetVersion(changeLocalCalls, workflow.DefaultVersion, 1).Return(v)
	var once sync.Once
	onActivityStarted(h.env, func(name string, local bool) {
		if name == act && local == (v >= 1) {
			once.Do(h.env.CancelWorkflow)
		}
	})
}
