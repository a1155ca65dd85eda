package workflows

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/worker"
)

// TestReplayRecordedHistories replays histories recorded on a real Temporal server
// (TestOnDevServer, TestCanceledRequestOnDevServer and
// TestOrderRulesChangeLifecycleOnDevServer with REGIONCOPY_RECORD_HISTORY=1), every
// testdata/*.json, against the current code: a change
// that would make a running chain or request non-deterministic fails here. Once
// released, changing workflow behaviour on purpose needs workflow.GetVersion, not a
// re-recorded history.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "recorded histories belong in testdata/")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			replayer := worker.NewWorkflowReplayer()
			Register(replayer)
			require.NoError(t, replayer.ReplayWorkflowHistoryFromJSONFile(quietLogger{}, f))
		})
	}
}
