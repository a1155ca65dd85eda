package integration

import (
	"context"
	"testing"

	"go.temporal.io/sdk/worker"

	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
	"github.com/regioncopy/regioncopy/workflows"
)

// exportHistories replays the request's and the chain's histories with the current
// workflow code (a change that breaks determinism fails here) and, with
// REGIONCOPY_RECORD_HISTORY=1, keeps those not yet in testdata/ as the JSON that
// `temporal workflow show --output json` prints.
func exportHistories(t *testing.T, requestID, chainID string) {
	t.Helper()
	for name, id := range map[string]string{"request-two-regions.json": requestID, "chain-full-incremental-expiry.json": chainID} {
		temporaltest.ReplayAndKeep(t, context.Background(), stack.Client, workflows.Register, id, name)
	}
}

// The recorded histories in testdata (testdata/v<release>/ kept from each release,
// testdata/ recorded on the current code) load as `temporal workflow show --output json`
// files do and replay with the current workflow code.
func TestRecordedHistoriesReplay(t *testing.T) {
	for _, f := range temporaltest.RecordedHistories(t, "testdata") {
		replayer := worker.NewWorkflowReplayer()
		workflows.Register(replayer)
		if err := replayer.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
			t.Errorf("replay %s: %v", f, err)
		}
	}
}
