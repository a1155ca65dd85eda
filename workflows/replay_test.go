package workflows

import (
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

// TestReplayRecordedHistories replays histories recorded on a real Temporal server
// (TestOnDevServer, TestCanceledRequestOnDevServer and
// TestOrderRulesChangeLifecycleOnDevServer with REGIONCOPY_RECORD_HISTORY=1) against the
// current code: testdata/v<release>/*.json, kept from each release and never recorded
// again, and testdata/*.json, recorded on the current code. A change that would make a
// running chain or request of a release non-deterministic fails here; changing workflow
// behaviour on purpose needs workflow.GetVersion (versions.go), not a re-recorded history.
func TestReplayRecordedHistories(t *testing.T) {
	for _, f := range temporaltest.RecordedHistories(t, "testdata") {
		t.Run(filepath.ToSlash(f), func(t *testing.T) {
			replayer := worker.NewWorkflowReplayer()
			Register(replayer)
			require.NoError(t, replayer.ReplayWorkflowHistoryFromJSONFile(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)), f))
		})
	}
}
