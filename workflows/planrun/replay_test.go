package planrun

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"

	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
	"github.com/regioncopy/regioncopy/workflows"
)

// TestReplayRecordedHistories replays the PlanRun and PlanResource histories recorded on
// the dev server (TestHourlyPlanCopiesEveryBackupFullThenIncremental and
// TestPlanRunSkipsAndLandsOnDevServer with REGIONCOPY_RECORD_HISTORY=1), and the chain a
// plan run fed (TestNeverCopiedResourceIsInBreachOnDevServer), against the current code:
// testdata/v<release>/*.json, kept from each release, and testdata/*.json, recorded on
// the current code. A change that would break runs in flight fails here; a deliberate
// change of behaviour needs workflow.GetVersion, not a re-recorded history.
func TestReplayRecordedHistories(t *testing.T) {
	for _, f := range temporaltest.RecordedHistories(t, "testdata") {
		t.Run(filepath.ToSlash(f), func(t *testing.T) {
			replayer := worker.NewWorkflowReplayer()
			Register(replayer)
			workflows.Register(replayer)
			if err := replayer.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatal(err)
			}
		})
	}
}
